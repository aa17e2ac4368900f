-- In-database sentiment throughput, one backend, no parallel workers (rows/s per core).
-- Expects table bench_reviews(id int, lang text, body text).
SET max_parallel_workers_per_gather = 0;
CREATE OR REPLACE FUNCTION pg_temp.seconds(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE q;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;
-- warm up: map the models, fault in the pages
SELECT sentiment('warm up'), sentiment('预热');
\pset footer off
\pset format csv
SELECT lang, count(*) AS rows,
       round(count(*) / pg_temp.seconds(format(
           'SELECT sum(sentiment(body)) FROM bench_reviews WHERE lang = %L', lang)))::int AS scalar_rows_per_s,
       round(count(*) / pg_temp.seconds(format(
           'SELECT sum(s) FROM (SELECT unnest(sentiment(array_agg(body))) s FROM bench_reviews
             WHERE lang = %L GROUP BY id / 256) x', lang)))::int AS array256_rows_per_s,
       round(count(*) / pg_temp.seconds(format(
           'SELECT sentiment_avg(body) FROM bench_reviews WHERE lang = %L', lang)))::int AS aggregate_rows_per_s
FROM bench_reviews GROUP BY lang ORDER BY lang;
