-- A small catalog written for the prodtext demo: products with noisy seller
-- copy and reviews in English and Chinese.  Not taken from any data set.
DROP TABLE IF EXISTS demo_reviews, demo_products, demo_listings;

CREATE TABLE demo_products (
    id          int PRIMARY KEY,
    title       text NOT NULL,
    description text NOT NULL
);

CREATE TABLE demo_reviews (
    id          serial PRIMARY KEY,
    product_id  int NOT NULL REFERENCES demo_products,
    body        text NOT NULL
);

INSERT INTO demo_products VALUES
 (1, 'Trailhead 28L hiking backpack',
  '<p>BEST BACKPACK EVER!!! The Trailhead 28L pack is made of 420D ripstop nylon &amp; weighs 1.2 kg.</p><br>Padded laptop sleeve fits 15.6 inch laptops. Two side pockets hold 750 ml bottles. FREE SHIPPING!!! Buy now!!!'),
 (2, 'Ceramic pour-over coffee dripper',
  'Hand-glazed ceramic dripper for one to two cups. Fits standard #2 paper filters. The three-hole base gives an even 3 minute extraction. Dishwasher safe.'),
 (3, '智能保温杯 500ml',
  '<div>【爆款热卖】316不锈钢内胆，真空保温12小时，保冷24小时！！！</div>容量500ml，触控显示水温。包邮！七天无理由退换！'),
 (4, 'Wireless earbuds X2',
  'Bluetooth 5.3 earbuds with 30 hours total battery life. IPX5 water resistance. Charging case with USB-C. Noise cancelling up to 35 dB.');

INSERT INTO demo_reviews (product_id, body) VALUES
 (1, 'Great pack, fits my laptop and two bottles. Very comfortable on long hikes.'),
 (1, 'The zipper broke after two weeks. Really disappointed.'),
 (1, 'Decent bag for the price, nothing special.'),
 (2, 'Makes excellent coffee, love the glaze colour!'),
 (2, 'Arrived cracked and the seller never answered.'),
 (3, '保温效果很好，一整天水都是热的，非常满意！'),
 (3, '用了一周就不保温了，质量太差。'),
 (3, '还行吧，价格有点贵。'),
 (4, 'Sound is amazing and battery lasts forever.'),
 (4, 'Terrible. The left earbud stopped working on day three.');

-- the same products as several sellers list them (for embed(): duplicates, "more like this")
CREATE TABLE demo_listings (
    id     int PRIMARY KEY,
    seller text NOT NULL,
    brand  text NOT NULL,
    title  text NOT NULL
);

INSERT INTO demo_listings VALUES
 (1, 'shop-a', 'Trailhead', 'Trailhead 28L hiking backpack, ripstop nylon, laptop sleeve'),
 (2, 'shop-b', 'Trailhead', 'TRAILHEAD 28 L Daypack with 15.6" Laptop Compartment'),
 (3, 'shop-b', 'Trailhead', 'Trailhead 45L trekking backpack with rain cover'),
 (4, 'shop-a', 'Soundcore', 'Wireless earbuds X2, Bluetooth 5.3, 30h battery, IPX5'),
 (5, 'shop-c', 'Soundcore', 'X2 True Wireless Earbuds Bluetooth 5.3 IPX5 USB-C'),
 (6, 'shop-c', 'Soundcore', 'Soundcore portable Bluetooth speaker 20W'),
 (7, 'shop-a', '保温杯', '智能保温杯 500ml 316不锈钢 触控显示水温'),
 (8, 'shop-d', '保温杯', '【爆款】500ml智能温显保温杯 316不锈钢内胆 真空保温'),
 (9, 'shop-d', '保温杯', '儿童吸管保温杯 350ml 卡通图案');
