-- Parallel query: sentiment() and sentiment_avg() are PARALLEL SAFE and
-- costed from a measurement (~5000 cpu_operator_cost per call), so the
-- planner spreads them over workers; the results equal the serial ones.

-- the planner's defaults, whatever the server's configuration
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 1000;
SET parallel_tuple_cost = 0.1;
SET min_parallel_table_scan_size = '8MB';
SET parallel_leader_participation = on;
SET jit = off;

-- a 10 MB table (EXPLAIN only: nothing is scored): big enough for one worker by size alone
CREATE TABLE par_big AS
SELECT i AS id, i % 100 AS product_id, 'fine' AS body, repeat('x', 200) AS pad
FROM generate_series(1, 40000) i;
ANALYZE par_big;
EXPLAIN (COSTS OFF) SELECT sum(sentiment(body)) FROM par_big;
EXPLAIN (COSTS OFF) SELECT id, sentiment_label(body) FROM par_big;
EXPLAIN (COSTS OFF) SELECT product_id, sentiment_avg(body) FROM par_big GROUP BY product_id;
-- a cheap function on the same table stays serial: the cost is what decides
EXPLAIN (COSTS OFF) SELECT sum(length(body)) FROM par_big;
DROP TABLE par_big;

-- a small table: below min_parallel_table_scan_size, so the table asks for
-- workers itself (docs/catalog.md recommends this for review tables)
CREATE TABLE par_reviews AS
SELECT i AS id, i % 7 AS product_id,
       CASE i % 4 WHEN 0 THEN 'great value, works perfectly'
                  WHEN 1 THEN 'arrived broken, very disappointed'
                  WHEN 2 THEN '东西不错，很满意'
                  ELSE NULL END AS body
FROM generate_series(1, 400) i;
ANALYZE par_reviews;
EXPLAIN (COSTS OFF) SELECT sum(sentiment(body)) FROM par_reviews;
ALTER TABLE par_reviews SET (parallel_workers = 2);
EXPLAIN (COSTS OFF) SELECT sum(sentiment(body)) FROM par_reviews;
EXPLAIN (COSTS OFF) SELECT product_id, sentiment_avg(body) FROM par_reviews GROUP BY product_id;

-- parallel results equal serial ones (sums of real differ only in rounding)
EXPLAIN (COSTS OFF) CREATE TEMP TABLE par_sum AS SELECT sum(sentiment(body)) AS total FROM par_reviews;
CREATE TEMP TABLE par_sum AS SELECT sum(sentiment(body)) AS total FROM par_reviews;
EXPLAIN (COSTS OFF) CREATE TEMP TABLE par_avg AS SELECT product_id, sentiment_avg(body) AS avg FROM par_reviews GROUP BY product_id;
CREATE TEMP TABLE par_avg AS SELECT product_id, sentiment_avg(body) AS avg FROM par_reviews GROUP BY product_id;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT sum(sentiment(body)) FROM par_reviews;
SELECT abs(p.total - (SELECT sum(sentiment(body)) FROM par_reviews)) < 1e-2 AS sum_equals_serial
FROM par_sum p;
SELECT p.product_id, abs(p.avg - s.avg) < 1e-5 AS avg_equals_serial
FROM par_avg p JOIN (SELECT product_id, sentiment_avg(body) AS avg FROM par_reviews GROUP BY product_id) s
USING (product_id) ORDER BY 1;

DROP TABLE par_reviews;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET jit;
