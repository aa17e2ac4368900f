-- What the demo prints: every SQL function prodtext has today.
\pset footer off
\echo '== prodtext_models(): the models this server can use'
SELECT task, language, name, version, parameters, pg_size_pretty(bytes) AS size, loaded
FROM prodtext_models();

\echo '== sentiment(body) and sentiment_label(body) per review'
SELECT product_id, round(sentiment(body)::numeric, 3) AS polarity, sentiment_label(body) AS label,
       left(body, 60) AS review
FROM demo_reviews ORDER BY id;

\echo '== sentiment_avg(body) per product (a batched aggregate)'
SELECT p.title, round(sentiment_avg(r.body)::numeric, 3) AS mean_polarity, count(*) AS reviews
FROM demo_products p JOIN demo_reviews r ON r.product_id = p.id
GROUP BY p.title ORDER BY mean_polarity DESC;

\echo '== sentiment(text[]): many reviews in one vectorized pass'
SELECT sentiment(array_agg(body ORDER BY id)) AS polarities FROM demo_reviews;

\echo '== sentiment_explain(): which words drove the score'
SELECT token, round(weight::numeric, 3) AS weight
FROM sentiment_explain('The zipper broke after two weeks. Really disappointed.')
ORDER BY abs(weight) DESC LIMIT 5;

\echo '== prodtext_fill(): a trigger keeps a tone column up to date on INSERT, UPDATE and COPY'
ALTER TABLE demo_reviews ADD COLUMN tone real;
CREATE TRIGGER demo_reviews_fill BEFORE INSERT OR UPDATE OF body ON demo_reviews
    FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
INSERT INTO demo_reviews (product_id, body)
VALUES (2, 'Best dripper I have owned, brews a clean cup.'), (3, '盖子漏水，退货了。')
RETURNING product_id, round(tone::numeric, 3) AS tone, body;
