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

\echo '== summarize(description, max_chars): short copy in the description''s language'
SELECT id, title, summarize(description, 100) AS summary_100
FROM demo_products ORDER BY id;

\echo '== summarize(text[]): every description in one batched call, a 60-character budget'
SELECT unnest(summarize(array_agg(description ORDER BY id), 60)) AS summary_60 FROM demo_products;

\echo '== summarize_agg(body): one summary of all reviews of each product'
SELECT p.title, summarize_agg(r.body, 160) AS what_reviewers_say
FROM demo_products p JOIN demo_reviews r ON r.product_id = p.id
GROUP BY p.id, p.title ORDER BY p.id;

\echo '== rewrite(description): the same copy without seller noise, never longer, facts kept'
SELECT id, rewrite(description) AS clean FROM demo_products ORDER BY id;

\echo '== a materialized view: summaries computed once, read many times'
\echo '   (IMMUTABLE per model version: REFRESH MATERIALIZED VIEW after installing a new model)'
CREATE MATERIALIZED VIEW demo_product_cards AS
SELECT p.id, p.title, rewrite(p.description) AS description_clean, summarize(p.description, 120) AS blurb,
       summarize_agg(r.body, 120) AS reviews_say, round(sentiment_avg(r.body)::numeric, 2) AS mood
FROM demo_products p LEFT JOIN demo_reviews r ON r.product_id = p.id
GROUP BY p.id;
SELECT id, title, blurb, reviews_say, mood FROM demo_product_cards ORDER BY id;
REFRESH MATERIALIZED VIEW demo_product_cards;
