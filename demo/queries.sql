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

\echo '== embed(): product vectors (real[]), compared with embed_similarity() — no pgvector needed'
ALTER TABLE demo_listings ADD COLUMN emb real[] GENERATED ALWAYS AS (embed(title)) STORED;
ALTER TABLE demo_products ADD COLUMN emb real[] GENERATED ALWAYS AS (embed(description)) STORED;
SELECT id, array_length(emb, 1) AS dimension, round(embed_similarity(emb, emb)::numeric, 3) AS self
FROM demo_listings WHERE id = 1;

\echo '== probable duplicates: mutual best matches from different sellers of one brand'
WITH best AS (
    SELECT DISTINCT ON (a.id) a.id, b.id AS match, embed_similarity(a.emb, b.emb) AS sim
    FROM demo_listings a JOIN demo_listings b ON a.brand = b.brand AND a.seller <> b.seller
    ORDER BY a.id, sim DESC
)
SELECT x.id, x.match, round(x.sim::numeric, 3) AS similarity, l.title, m.title AS match_title
FROM best x JOIN best y ON y.id = x.match AND y.match = x.id
JOIN demo_listings l ON l.id = x.id JOIN demo_listings m ON m.id = x.match
WHERE x.id < x.match ORDER BY x.sim DESC;

\echo '== more like this: the listings most like listing 4'
SELECT id, round(embed_similarity(emb, (SELECT emb FROM demo_listings WHERE id = 4))::numeric, 3) AS similarity, title
FROM demo_listings WHERE id <> 4 ORDER BY similarity DESC LIMIT 3;

\echo '== free-text search over descriptions'
SELECT q AS query, (SELECT title FROM demo_products ORDER BY embed_similarity(emb, embed(q)) DESC LIMIT 1) AS best_match
FROM (VALUES ('backpack for a laptop'), ('coffee filter dripper'), ('不锈钢保温杯'), ('earbuds with long battery')) v(q);

\echo '== a materialized view: summaries computed once, read many times'
\echo '   (IMMUTABLE per model version: REFRESH MATERIALIZED VIEW after installing a new model)'
CREATE MATERIALIZED VIEW demo_product_cards AS
SELECT p.id, p.title, rewrite(p.description) AS description_clean, summarize(p.description, 120) AS blurb,
       summarize_agg(r.body, 120) AS reviews_say, round(sentiment_avg(r.body)::numeric, 2) AS mood
FROM demo_products p LEFT JOIN demo_reviews r ON r.product_id = p.id
GROUP BY p.id;
SELECT id, title, blurb, reviews_say, mood FROM demo_product_cards ORDER BY id;
REFRESH MATERIALIZED VIEW demo_product_cards;
