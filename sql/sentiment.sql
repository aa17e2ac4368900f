-- sentiment(), sentiment_label(), sentiment(text[]), sentiment_avg(), sentiment_explain()

-- clear cases in both languages (signs and labels, not exact scores: a retrained model keeps them)
SELECT t, sentiment(t) > 0.5 AS positive, sentiment(t) < -0.5 AS negative, sentiment_label(t)
FROM (VALUES ('Absolutely love it, great quality and fast delivery!'),
             ('Terrible. It broke after two days, complete waste of money.'),
             ('质量很好，物流也快，非常满意！'),
             ('太差了，用了两天就坏了，再也不买了。')) v(t);

-- the range is [-1, 1]
SELECT bool_and(s BETWEEN -1 AND 1) AS in_range
FROM (SELECT sentiment(t) AS s FROM (VALUES ('good'), ('bad'), ('ok'), ('好'), ('差'), ('😀'), ('???')) v(t)) x;

-- NULL in, NULL out; empty and content-free text is exactly neutral
SELECT sentiment(NULL::text) IS NULL AS null_in_null_out, sentiment_label(NULL) IS NULL AS label_null;
SELECT sentiment(''), sentiment('   '), sentiment('<p> </p>'), sentiment_label('');

-- HTML and entities are stripped before scoring
SELECT sentiment('<b>Great</b> product &amp; fast delivery') = sentiment('Great product & fast delivery') AS html_stripped;
-- full-width ASCII is folded, upper case lowered
SELECT sentiment('ＧＲＥＡＴ ＰＲＯＤＵＣＴ') = sentiment('great product') AS folded;

-- arrays: one batched pass, same numbers as the scalar form, NULL elements stay NULL, shape kept
SELECT array_agg(sign(s) ORDER BY i) AS signs
FROM unnest(sentiment(ARRAY['love it', NULL, 'hate it', '', '很好'])) WITH ORDINALITY u(s, i);
SELECT (sentiment(ARRAY['love it', 'hate it']))[1] = sentiment('love it') AS same_as_scalar;
SELECT sentiment('{}'::text[]) AS empty_array;
SELECT array_dims(sentiment(ARRAY[['good','bad'],['好','差']])) AS dims;
SELECT sentiment(NULL::text[]) IS NULL AS null_array;

-- a batch mixing languages scores each row with its own language's model
SELECT sentiment(ARRAY['非常满意', 'very satisfied']) = ARRAY[sentiment('非常满意'), sentiment('very satisfied')] AS routed;

-- sentiment_avg: the mean of sentiment() over the group, NULLs ignored, across batch boundaries
CREATE TEMP TABLE reviews AS
SELECT i, i % 3 AS product_id,
       CASE i % 4 WHEN 0 THEN 'great value, works perfectly'
                  WHEN 1 THEN 'arrived broken, very disappointed'
                  WHEN 2 THEN '东西不错，很满意'
                  ELSE NULL END AS body
FROM generate_series(1, 300) i;
SELECT product_id, abs(sentiment_avg(body) - avg(sentiment(body))) < 1e-5 AS avg_matches, count(body)
FROM reviews GROUP BY product_id ORDER BY product_id;
SELECT sentiment_avg(body) IS NULL AS all_null FROM reviews WHERE body IS NULL;
SELECT sentiment_avg(body) IS NULL AS no_rows FROM reviews WHERE false;

-- parallel aggregation: partial aggregates in workers, combined in the leader, same result
CREATE TABLE par_reviews AS SELECT * FROM reviews;
ANALYZE par_reviews;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT product_id, sentiment_avg(body) FROM par_reviews GROUP BY product_id;
CREATE TEMP TABLE par_result AS SELECT product_id, sentiment_avg(body) AS s FROM par_reviews GROUP BY product_id;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT p.product_id, abs(p.s - q.s) < 1e-5 AS parallel_equals_serial
FROM par_result p JOIN (SELECT product_id, sentiment_avg(body) AS s FROM par_reviews GROUP BY product_id) q
USING (product_id) ORDER BY 1;
DROP TABLE par_reviews;

-- explain: tokens in order; the negative words carry the negative weight
SELECT string_agg(token, ' ') AS tokens FROM sentiment_explain('Broken on arrival, awful.');
SELECT token FROM sentiment_explain('The color is nice but the zipper broke after a week.')
ORDER BY weight LIMIT 1;
SELECT count(*) FROM sentiment_explain('');
SELECT sum(weight) < 0 AS negative_total FROM sentiment_explain('太差了，用了两天就坏了');

-- long input is cut to prodtext.max_input_chars and still scored
SELECT sentiment(repeat('Great product, works perfectly. ', 20000)) > 0 AS long_input_ok;
SET prodtext.max_input_chars = 15;
SELECT sentiment('Great product. Terrible support, never again.') = sentiment('Great product.') AS cut_at_sentence;
RESET prodtext.max_input_chars;

-- input is normalized exactly once: escaped markup stays text, it is not stripped as a tag
SELECT string_agg(token, ' ') AS tokens FROM sentiment_explain('&lt;b&gt; bad');
