-- summarize(text, int), summarize(text[], int), summarize_agg(text[, int]),
-- prodtext.beam_width and the trigger's summary:col.  Properties rather than
-- model outputs (a retrained model keeps them); only two real summaries are
-- printed.

CREATE TEMP TABLE descs (id int, body text);
INSERT INTO descs VALUES
 (1, 'Black solid bomber jacket with side stripe detail, has a stand collar, 2 pockets, zip closure, long sleeves, straight hem, and polyester lining'),
 (2, 'White denim jeggings, has an elasticated waistband, two front mock pockets, two functional pockets'),
 (3, 'Black and grey printed medium trolley bag, secured with a TSA lock. One handle on the top and one on the side, has a trolley with a retractable handle and four corner mounted inline skate wheels. One main zip compartment, zip lining, two compression straps with click clasps. Warranty: 5 years'),
 (4, 'This jewellery set consists of a necklace, a pair of earrings and a maang tika. White 22K gold-plated kundan stone-studded necklace with beaded detail, secured with a drawstring fastening. A pair of matching drop earrings, secured with post-and-back closure.'),
 (5, 'Navy blue self-design sweatshirt, has a round neck, long sleeves, ribbed hem. 60% cotton, 40% polyester. Machine wash cold. Model is 6 ft 1 in and wears size M.'),
 (6, 'Casio G-Shock GA-2100 analogue-digital watch for men, 45.4 mm case, resin strap, 200 m water resistance, world time in 48 cities, LED light, battery life about 3 years.'),
 (7, 'Samsung Galaxy M14 5G (Smoky Teal, 6GB RAM, 128GB storage), 6000mAh battery, 50MP triple camera, 13MP front camera, 6.6-inch FHD+ display, Exynos 1330 octa-core processor.'),
 (8, '这款针织两件套连衣裙，简约的纯色半高领针织上衣，修饰着颈部线条，尽显优雅气质。同时搭配一条背带式的复古格纹裙，整体散发着怀旧的时髦魅力，很是文艺范。'),
 (9, '小米手环8，1.62英寸AMOLED屏幕，续航16天，支持150种运动模式，5ATM防水，重量27克。'),
 (10, '<p><b>Cotton</b> kurta &amp; palazzo set</p><ul><li>Mandarin collar</li><li>3/4 sleeves</li><li>Machine wash</li></ul>');

-- two real summaries, at the default budget and at a small one
SELECT summarize(body) AS summary FROM descs WHERE id = 1;
SELECT summarize(body, 40) AS summary_40 FROM descs WHERE id = 6;

-- NULL in, NULL out (either argument, either form)
SELECT summarize(NULL::text) IS NULL AS null_text, summarize('a shirt', NULL) IS NULL AS null_budget,
       summarize(NULL::text[]) IS NULL AS null_array, summarize(ARRAY['a shirt'], NULL) IS NULL AS null_array_budget;

-- empty and content-free input gives ''
SELECT summarize('') AS empty, summarize('   ') AS blank, summarize('<p> </p>') AS empty_html;

-- HTML is stripped and entities decoded before summarizing: same summary as the plain text
SELECT summarize(body) = summarize('Cotton kurta & palazzo set' || E'\n' || 'Mandarin collar' || E'\n' || '3/4 sleeves' || E'\n' || 'Machine wash') AS html_same_as_text,
       summarize(body) !~ '[<>]|&amp;' AS no_markup
FROM descs WHERE id = 10;

-- every output fits its budget, in characters (not bytes), for every row and budget
-- (and, from 20 characters on, none is empty)
SELECT count(*) AS outputs, bool_and(char_length(s) <= n) AS all_within_budget,
       bool_and(s <> '' OR n < 20) AS nonempty_from_20
FROM descs, unnest(ARRAY[1, 2, 5, 10, 20, 30, 50, 80, 120, 200, 400, 1000]) n,
     LATERAL summarize(body, n) s;
-- and the default budget is 200
SELECT bool_and(char_length(summarize(body)) <= 200) AS default_200,
       bool_and(summarize(body) = summarize(body, 200)) AS default_is_200
FROM descs;

-- max_chars 1 and 10000
SELECT id, char_length(summarize(body, 1)) <= 1 AS fits_1 FROM descs WHERE id IN (1, 8) ORDER BY id;
SELECT id, char_length(s) BETWEEN 1 AND 10000 AS fits_10000,
       char_length(s) >= char_length(summarize(body)) AS not_shorter_than_200
FROM descs, LATERAL summarize(body, 10000) s WHERE id IN (3, 9) ORDER BY id;
-- a budget far beyond any input is fine too
SELECT char_length(summarize(body, 2147483647)) > 0 AS huge_budget FROM descs WHERE id = 2;

-- max_chars below 1 is an error, in every form
\set VERBOSITY terse
SELECT summarize('a red shirt', 0);
SELECT summarize('a red shirt', -5);
SELECT summarize(ARRAY['a red shirt'], 0);
SELECT summarize_agg(body, 0) FROM descs;
\set VERBOSITY default

-- faithfulness: every number in a summary occurs in its input
SELECT id, n,
       NOT EXISTS (SELECT FROM regexp_matches(s, '[0-9]+', 'g') m
                   WHERE m[1] <> ALL (ARRAY(SELECT (regexp_matches(body, '[0-9]+', 'g'))[1]))) AS numbers_from_input
FROM descs, unnest(ARRAY[30, 60, 200]) n, LATERAL summarize(body, n) s
WHERE id IN (3, 5, 6, 7, 9) ORDER BY id, n;
-- adversarial: the model's favourite numbers are absent from the input
SELECT bool_and(s !~ '[0-9]') AS no_invented_numbers
FROM unnest(ARRAY['Cotton t-shirt with a round neck and short sleeves, regular fit, machine wash.',
                  'Smartphone with a large display, a fast processor, a big battery and a triple camera.',
                  '运动手环，超长续航，支持多种运动模式，防水。']) t,
     LATERAL summarize(t, 120) s;

-- Chinese in, Chinese out, within budget
SELECT id, s ~ '[一-龥]' AS chinese, char_length(s) <= 30 AS fits
FROM descs, LATERAL summarize(body, 30) s WHERE id IN (8, 9) ORDER BY id;

-- mixed-language input
SELECT char_length(s) BETWEEN 1 AND 100 AS summarized
FROM summarize('Soft cotton shirt with a button-down collar. 这件衬衫采用纯棉面料，柔软透气。 Machine wash cold.', 100) s;

-- a 100 KB input is cut at prodtext.max_input_chars and summarized
SELECT octet_length(t) AS input_bytes, char_length(s) BETWEEN 1 AND 200 AS summarized
FROM (SELECT repeat('Durable steel water bottle keeps drinks cold for 24 hours. ', 1700) t) x,
     LATERAL summarize(t) s;
SET prodtext.max_input_chars = 200000;
SELECT char_length(summarize(repeat('Durable steel water bottle keeps drinks cold for 24 hours. ', 1700), 300)) <= 300 AS long_ok;
RESET prodtext.max_input_chars;

-- deterministic: the same input always gives the same summary
SELECT bool_and(summarize(body, 80) = summarize(body, 80)) AS deterministic FROM descs;

-- arrays: one batched call, equal to the scalar form, NULL elements stay NULL, shape kept
SELECT bool_and(a[id] IS NOT DISTINCT FROM summarize(body, 60)) AS same_as_scalar
FROM descs, (SELECT summarize(array_agg(body ORDER BY id), 60) a FROM descs) x;
SELECT array_agg(s IS NULL ORDER BY i) AS nulls
FROM unnest(summarize(ARRAY['A red cotton shirt.', NULL, '红色纯棉衬衫。', ''])) WITH ORDINALITY u(s, i);
SELECT (summarize(ARRAY['A red cotton shirt.', NULL, '']))[3] AS empty_element;
SELECT summarize('{}'::text[]) AS empty_array;
SELECT array_dims(summarize(ARRAY[['a red shirt', 'a blue shirt'], ['红色衬衫', NULL]])) AS dims,
       array_dims(summarize('[5:7]={shirt,NULL,trousers}'::text[], 10)) AS lower_bound;

-- prodtext.beam_width: 1 (greedy) .. 16, default 4
SHOW prodtext.beam_width;
SET prodtext.beam_width = 1;
SELECT bool_and(char_length(summarize(body, 60)) <= 60) AS greedy_fits FROM descs;
\set VERBOSITY terse
SET prodtext.beam_width = 0;
SET prodtext.beam_width = 17;
\set VERBOSITY default
RESET prodtext.beam_width;

-- summarize_agg: one summary of a product's reviews, NULLs skipped
CREATE TEMP TABLE reviews (product int, body text);
INSERT INTO reviews VALUES
 (1, 'Great fit and the fabric is really soft. Colour is exactly as shown.'),
 (1, 'Soft fabric, fits well. Washed it twice and the colour did not fade.'),
 (1, 'The fabric is soft and comfortable, but the stitching came loose on one sleeve.'),
 (1, 'Fits true to size and feels soft. Delivery took 9 days.'),
 (1, NULL),
 (1, 'Good value for money, soft and comfortable for daily wear.'),
 (2, 'Battery lasts about 2 days. The screen is bright and sharp.'),
 (2, 'Bright screen, battery life is good, charging is slow.'),
 (2, 'Screen is excellent but the battery drains fast when gaming.'),
 (3, '质量很好，面料柔软，穿着舒服。'),
 (3, '面料很软，尺码合适，物流很快。'),
 (3, '衣服很舒服，面料柔软，就是颜色有点偏暗。'),
 (4, NULL),
 (4, NULL);
SELECT product, count(body) AS reviews, summarize_agg(body) IS NOT NULL AS summarized,
       char_length(summarize_agg(body)) <= 300 AS fits_300
FROM reviews GROUP BY product ORDER BY product;
SELECT product, char_length(summarize_agg(body, 60)) <= 60 AS fits_60 FROM reviews GROUP BY product ORDER BY product;
SELECT summarize_agg(body) ~ '[一-龥]' AS chinese FROM reviews WHERE product = 3;
SELECT summarize_agg(body) IS NULL AS all_null FROM reviews WHERE product = 4;
SELECT summarize_agg(body) IS NULL AS no_rows FROM reviews WHERE false;
-- the result does not depend on the order of the rows
SELECT summarize_agg(body ORDER BY body) = summarize_agg(body ORDER BY body DESC) AS order_free
FROM reviews WHERE product = 1;
-- faithfulness holds for the aggregate too
SELECT product, NOT EXISTS (SELECT FROM regexp_matches(s, '[0-9]+', 'g') m
                            WHERE m[1] <> ALL (ARRAY(SELECT (regexp_matches(a, '[0-9]+', 'g'))[1]))) AS numbers_from_input
FROM (SELECT product, summarize_agg(body) s, string_agg(body, ' ') a FROM reviews GROUP BY product) x
WHERE s IS NOT NULL ORDER BY product;
-- many rows: the state keeps a bounded sample
SELECT char_length(summarize_agg('Review number ' || g || ': the fabric is soft and the fit is good.')) <= 300 AS bounded
FROM generate_series(1, 5000) g;

-- parallel aggregation: partial aggregates in workers, combined in the leader, same result
CREATE TABLE par_summ AS SELECT r.* FROM reviews r, generate_series(1, 40);
ANALYZE par_summ;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT product, summarize_agg(body) FROM par_summ GROUP BY product;
CREATE TEMP TABLE par_result AS SELECT product, summarize_agg(body) AS s FROM par_summ GROUP BY product;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT p.product, p.s IS NOT DISTINCT FROM q.s AS parallel_equals_serial
FROM par_result p JOIN (SELECT product, summarize_agg(body) AS s FROM par_summ GROUP BY product) q
USING (product) ORDER BY 1;
DROP TABLE par_summ;

-- the trigger fills summary:col with summarize(source)
CREATE TEMP TABLE products (id int, description text, summary text);
CREATE TRIGGER products_fill BEFORE INSERT OR UPDATE ON products
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('description', 'summary:summary');
INSERT INTO products (id, description) SELECT id, body FROM descs;
INSERT INTO products (id, description) VALUES (11, NULL);
SELECT count(*) AS rows, bool_and(summary IS NOT DISTINCT FROM summarize(description)) AS same_as_summarize
FROM products;

-- no seller noise, only the input's words, the language's typography
SELECT summarize('BEST KETTLE EVER!!! Stainless steel kettle, 1.7 l, boils in 4 minutes. Free shipping! Buy now!', 60) AS en_clean;
SELECT summarize('【爆款热卖】316不锈钢内胆保温杯，容量500ml，触控显示水温，保温12小时。包邮!七天无理由退换!', 40) AS zh_clean;
