-- embed(), embed_similarity(), and the three catalog queries of docs/catalog.md
-- "Similar products" without pgvector (checked by ranks and properties, not by
-- exact numbers: a retrained model keeps them)

-- a unit vector of the model's dimension D (prodtext_models() names it: ...-d<D>)
SELECT array_length(embed('Sony Turntable - PSLX350H'), 1) AS d,
       (SELECT 'd' || array_length(embed('x'), 1)) = substring(name from '-(d[0-9]+)$') AS d_in_name
FROM prodtext_models() WHERE task = 'embed';
SELECT abs(sqrt(sum(x * x)) - 1) < 1e-5 AS unit_length,
       bool_and(x = x AND abs(x) <= 1) AS finite
FROM unnest(embed('晨光（M&G）ADB98377儿童画板双面白板黑板')) x;

-- NULL in, NULL out; empty and content-free text give one fixed unit vector, never NaN
SELECT embed(NULL::text) IS NULL AS null_in_null_out;
SELECT embed('') = embed('   ') AND embed('') = embed('<p> </p>') AS one_content_free_vector,
       abs(sqrt((SELECT sum(x * x) FROM unnest(embed('')) x)) - 1) < 1e-5 AS content_free_unit,
       embed_similarity(embed(''), embed('')) AS self_similarity;

-- HTML and entities are stripped, full-width ASCII folded and case ignored, as for the other tasks
SELECT embed('<b>Sony</b> Turntable &amp; cartridge') = embed('Sony Turntable & cartridge') AS html_stripped,
       embed('ＳＯＮＹ TURNTABLE') = embed('sony turntable') AS folded;

-- the same text gives the same bits in every call (IMMUTABLE), and similar texts score higher
SELECT embed('Bose Acoustimass 5') = embed('Bose Acoustimass 5') AS deterministic;
SELECT embed_similarity(embed('Sony Turntable - PSLX350H'), embed('Sony PS-LX350H belt drive turntable'))
     > embed_similarity(embed('Sony Turntable - PSLX350H'), embed('Bose Acoustimass 5 speaker system')) AS en_closer,
       embed_similarity(embed('晨光 儿童画板 双面白板'), embed('晨光（M&G）ADB98377儿童画板双面白板黑板绘画涂鸦板'))
     > embed_similarity(embed('晨光 儿童画板 双面白板'), embed('得力 文件袋 拉链 网格')) AS zh_closer;

-- embed_similarity: cosine in [-1, 1], any length, clear errors
SELECT embed_similarity('{1,0,0}', '{2,0,0}') AS same_direction, embed_similarity('{1,0}', '{0,3}') AS orthogonal,
       embed_similarity('{1,1}', '{-1,-1}') AS opposite, embed_similarity('{0,0}', '{1,0}') AS zero_vector;
SELECT embed_similarity(NULL, '{1}') IS NULL AS null_in_null_out;
SELECT embed_similarity('{1,0,0}', '{1,0}');
SELECT embed_similarity('{1,NULL}', '{1,0}');
SELECT embed_similarity('{{1,0},{0,1}}', '{{1,0},{0,1}}');
SELECT embed_similarity('{}', '{}');
SELECT embed_similarity('{1,NaN}', '{1,0}');

-- ---- the catalog queries (docs/catalog.md "Similar products"), without pgvector ----
CREATE TEMP TABLE listings (
    id     int PRIMARY KEY,
    seller text NOT NULL,
    brand  text NOT NULL,
    title  text NOT NULL,
    emb    real[] GENERATED ALWAYS AS (embed(title)) STORED
);
INSERT INTO listings (id, seller, brand, title) VALUES
 (1, 'shop-a', 'Sony', 'Sony PS-LX350H Belt Drive Turntable, Black'),
 (2, 'shop-b', 'Sony', 'Sony Turntable - PSLX350H'),
 (3, 'shop-a', 'Sony', 'Sony WH-1000XM4 Wireless Noise Cancelling Headphones'),
 (4, 'shop-b', 'Sony', 'Sony WH1000XM4/B Noise-Canceling Over-Ear Headphones'),
 (5, 'shop-b', 'Sony', 'Sony SRS-XB13 Portable Bluetooth Speaker'),
 (6, 'shop-a', 'Bose', 'Bose Acoustimass 5 Series III Speaker System - AM53BK'),
 (7, 'shop-c', 'Bose', 'Bose AM5 Series III speaker system, black'),
 (8, 'shop-c', '晨光', '晨光（M&G）ADB98377儿童画板双面白板黑板'),
 (9, 'shop-d', '晨光', '晨光 M&G ADB98377 儿童画板 可升降 涂鸦板'),
 (10, 'shop-d', '晨光', '晨光 中性笔 0.5mm 黑色 12支装');

-- 1. probable duplicates from different sellers: mutual best matches within a brand
WITH best AS (
    SELECT DISTINCT ON (a.id) a.id, b.id AS match
    FROM listings a JOIN listings b ON a.brand = b.brand AND a.seller <> b.seller
    ORDER BY a.id, embed_similarity(a.emb, b.emb) DESC
)
SELECT x.id, x.match FROM best x JOIN best y ON y.id = x.match AND y.match = x.id
WHERE x.id < x.match ORDER BY x.id;

-- 2. more like this: the listing most like listing 3
SELECT id, title FROM listings
WHERE id <> 3
ORDER BY embed_similarity(emb, (SELECT emb FROM listings WHERE id = 3)) DESC LIMIT 1;

-- 3. free-text search over descriptions
CREATE TEMP TABLE products (id int PRIMARY KEY, description text NOT NULL,
                            emb real[] GENERATED ALWAYS AS (embed(description)) STORED);
INSERT INTO products (id, description) VALUES
 (1, 'Padded hiking backpack, 28 litres, ripstop nylon, laptop sleeve and two bottle pockets.'),
 (2, 'Hand-glazed ceramic pour-over coffee dripper for #2 paper filters, one to two cups.'),
 (3, '316不锈钢内胆，真空保温12小时，容量500ml的保温杯。'),
 (4, 'Bluetooth 5.3 wireless earbuds, 30 hours of battery, IPX5, USB-C charging case.');
SELECT q, (SELECT id FROM products ORDER BY embed_similarity(emb, embed(q)) DESC LIMIT 1) AS best
FROM (VALUES ('wireless earbuds with long battery life'), ('coffee filter dripper'),
             ('backpack for a laptop'), ('不锈钢保温杯')) v(q);
