-- prodtext in a catalog database: materialized views, generated columns,
-- expression indexes, and batch refreshes with progress
-- (scores are checked by sign, by equality with sentiment(), or rounded: a retrained model keeps them)

CREATE TABLE cat_products (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE cat_reviews (
    id          int PRIMARY KEY,
    product_id  int NOT NULL REFERENCES cat_products,
    body        text,
    -- stored generated column: scored on INSERT and whenever body changes
    tone        real GENERATED ALWAYS AS (sentiment(body)) STORED
);
INSERT INTO cat_products VALUES (1, 'Trailhead 28L backpack'), (2, 'Ceramic coffee dripper'), (3, '智能保温杯');
INSERT INTO cat_reviews (id, product_id, body) VALUES
    (1, 1, 'Great pack, fits my laptop and two bottles. Very comfortable.'),
    (2, 1, 'Love it, excellent quality.'),
    (3, 2, 'Arrived cracked and the seller never answered.'),
    (4, 2, 'Terrible, broke after two days.'),
    (5, 3, '保温效果很好，非常满意！'),
    (6, 3, NULL);

-- generated column = sentiment(body); NULL body, NULL tone
SELECT id, tone > 0 AS positive, tone = sentiment(body) AS same, tone IS NULL AS null_tone
FROM cat_reviews ORDER BY id;
UPDATE cat_reviews SET body = 'Actually it is great, works perfectly.' WHERE id = 4;
SELECT id, tone > 0 AS positive_now, tone = sentiment(body) AS same FROM cat_reviews WHERE id = 4;

-- a materialized view of per-product sentiment; CONCURRENTLY needs a unique index
CREATE MATERIALIZED VIEW cat_product_tone AS
SELECT p.id AS product_id, p.title, count(r.body) AS reviews, sentiment_avg(r.body) AS tone
FROM cat_products p LEFT JOIN cat_reviews r ON r.product_id = p.id
GROUP BY p.id, p.title;
CREATE UNIQUE INDEX ON cat_product_tone (product_id);
SELECT product_id, reviews, tone > 0 AS positive FROM cat_product_tone ORDER BY product_id;

-- new reviews are not in the view until it is refreshed
INSERT INTO cat_reviews (id, product_id, body) VALUES
    (7, 2, 'Cracked again, awful, never buying from this shop.'),
    (8, 2, 'Broken on arrival, complete waste of money.'),
    (9, 2, 'Worst purchase ever.');
SELECT product_id, reviews FROM cat_product_tone WHERE product_id = 2;
REFRESH MATERIALIZED VIEW CONCURRENTLY cat_product_tone;
SELECT product_id, reviews, tone < 0 AS negative_now,
       abs(tone - (SELECT avg(sentiment(body)) FROM cat_reviews WHERE product_id = 2)) < 1e-5 AS same_as_avg
FROM cat_product_tone WHERE product_id = 2;

-- a materialized view per review, with the model version that produced it
CREATE MATERIALIZED VIEW cat_review_cards AS
SELECT r.id, sentiment_label(r.body) AS label, round(sentiment(r.body)::numeric, 1) AS score,
       (SELECT string_agg(DISTINCT m.version, ',') FROM prodtext_models() m WHERE m.task = 'sentiment') AS model_version
FROM cat_reviews r WHERE r.body IS NOT NULL;
CREATE UNIQUE INDEX ON cat_review_cards (id);
SELECT id, label, score BETWEEN -1 AND 1 AS in_range, model_version IS NOT NULL AS has_version
FROM cat_review_cards WHERE id IN (1, 3, 5) ORDER BY id;
REFRESH MATERIALIZED VIEW CONCURRENTLY cat_review_cards;
SELECT count(*) FROM cat_review_cards;

-- an expression index on sentiment(): IMMUTABLE, so it can be indexed
CREATE INDEX cat_reviews_tone_idx ON cat_reviews ((sentiment(body)));
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM cat_reviews WHERE sentiment(body) < -0.5;
SELECT array_agg(id ORDER BY id) AS negative_reviews FROM cat_reviews WHERE sentiment(body) < -0.5;
RESET enable_seqscan;

DROP MATERIALIZED VIEW cat_review_cards;
DROP MATERIALIZED VIEW cat_product_tone;

-- ---------------------------------------------------------------------------
-- prodtext_refresh(): batches, commits, resumes, progress

CREATE TABLE cat_bulk (id int PRIMARY KEY, body text, tone real, note text);
INSERT INTO cat_bulk (id, body)
SELECT i, CASE WHEN i % 5 = 0 THEN NULL WHEN i % 2 = 0 THEN 'great value, works perfectly' ELSE 'broken on arrival' END
FROM generate_series(1, 100) i;
-- notices carry timings: keep them out of the expected output
SET client_min_messages = warning;
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 16);
SELECT count(*) AS rows, count(tone) AS filled, bool_and(abs(tone - sentiment(body)) < 1e-5) AS all_same,
       bool_and(tone IS NULL) FILTER (WHERE body IS NULL) AS null_source_null_target
FROM cat_bulk;
SELECT table_name, source, targets, state, batch, rows_done, rows_total, percent, eta
FROM prodtext_progress WHERE table_name = 'cat_bulk'::regclass;

-- an interruption: a row that fails half-way.  The batches before it are committed.
UPDATE cat_bulk SET tone = NULL;
CREATE FUNCTION cat_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = 40 THEN
        RAISE EXCEPTION 'simulated failure at row %', NEW.id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cat_fail BEFORE UPDATE ON cat_bulk FOR EACH ROW EXECUTE FUNCTION cat_fail();
\set VERBOSITY terse
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 16);
\set VERBOSITY default
SELECT state, rows_done, rows_total FROM prodtext_progress WHERE table_name = 'cat_bulk'::regclass;
SELECT count(tone) AS filled, max(id) FILTER (WHERE tone IS NOT NULL) AS last_filled FROM cat_bulk;
-- mark a finished row by hand: the resumed run must not visit it again
UPDATE cat_bulk SET tone = 42 WHERE id = 1;
DROP TRIGGER cat_fail ON cat_bulk;
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 16);
SELECT state, rows_done, rows_total, percent FROM prodtext_progress WHERE table_name = 'cat_bulk'::regclass;
SELECT count(tone) AS filled, (SELECT tone FROM cat_bulk WHERE id = 1) AS row_1_untouched,
       bool_and(abs(tone - sentiment(body)) < 1e-5) FILTER (WHERE id > 32) AS rest_same
FROM cat_bulk;
-- a finished job starts over (e.g. after a model change): row 1 is scored again
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 64);
SELECT abs(tone - sentiment(body)) < 1e-5 AS row_1_rescored FROM cat_bulk WHERE id = 1;
SELECT state, batch, rows_done, rows_total FROM prodtext_progress WHERE table_name = 'cat_bulk'::regclass;

-- inside a transaction block nothing can commit in between: all at the end
BEGIN;
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 16);
COMMIT;

-- a composite primary key, a numeric target, a table whose trigger fills the same column
CREATE TABLE cat_multi (shop text, sku int, body text, tone numeric, PRIMARY KEY (shop, sku));
CREATE TRIGGER cat_multi_fill BEFORE INSERT OR UPDATE ON cat_multi
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
INSERT INTO cat_multi SELECT chr(97 + i % 3), i, 'ok ' || i FROM generate_series(1, 40) i;
UPDATE cat_multi SET tone = NULL;  -- the trigger does not refill: body did not change
SELECT count(tone) FROM cat_multi;
CALL prodtext_refresh('cat_multi', 'body', ARRAY['sentiment:tone'], 7);
SELECT count(tone) AS filled, bool_and(abs(tone - sentiment(body)::numeric) < 1e-5) AS all_same FROM cat_multi;
-- summary and rewrite targets: the values summarize(text) and rewrite(text) give
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['summary:note'], 32);
SELECT count(note) AS summarized, bool_and(note = summarize(body)) AS same_as_summarize FROM cat_bulk;
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['rewrite:note'], 32);
SELECT count(note) AS rewritten, bool_and(note = rewrite(body)) AS same_as_rewrite FROM cat_bulk;
RESET client_min_messages;

-- bad arguments
CREATE TABLE cat_nopk (body text, tone real);
\set VERBOSITY terse
CALL prodtext_refresh('cat_bulk', 'nobody', ARRAY['sentiment:tone']);
CALL prodtext_refresh('cat_bulk', 'id', ARRAY['sentiment:tone']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:toon']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:note']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['mood:tone']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['tone']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY[]::text[]);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone', 'sentiment:tone']);
CALL prodtext_refresh('cat_bulk', 'body', ARRAY['sentiment:tone'], 0);
CALL prodtext_refresh('cat_nopk', 'body', ARRAY['sentiment:tone']);
\set VERBOSITY default

DROP TABLE cat_nopk, cat_multi, cat_bulk;
DROP FUNCTION cat_fail();
DROP TABLE cat_reviews, cat_products;
-- jobs of dropped tables are not shown
SELECT count(*) FROM prodtext_progress WHERE table_name::text LIKE 'cat\_%';
DELETE FROM prodtext_refresh_jobs;
