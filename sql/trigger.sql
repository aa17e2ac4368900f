-- prodtext_fill(): BEFORE INSERT OR UPDATE ... FOR EACH ROW trigger
-- (scores are checked by sign, by equality with sentiment(), or rounded: a retrained model keeps them)

CREATE TABLE tr_reviews (
    id      int PRIMARY KEY,
    body    text,
    tone    real,
    tone8   double precision,
    tone1   numeric(3,1),
    note    text
);
CREATE TRIGGER tr_reviews_fill BEFORE INSERT OR UPDATE ON tr_reviews
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone', 'sentiment:tone8', 'sentiment:tone1');

INSERT INTO tr_reviews (id, body) VALUES
    (1, 'Absolutely love it, great quality and fast delivery!'),
    (2, 'Terrible. It broke after two days, complete waste of money.'),
    (3, '质量很好，物流也快，非常满意！'),
    (4, NULL),
    (5, '');
-- the trigger stores exactly what sentiment() returns, cast as an assignment would
SELECT id, tone > 0.5 AS positive, tone < -0.5 AS negative,
       tone = sentiment(body) AS same_real, tone8 = sentiment(body)::float8 AS same_float8,
       tone1 = sentiment(body)::numeric(3,1) AS same_numeric, tone IS NULL AS null_target
FROM tr_reviews ORDER BY id;

-- UPDATE of another column: nothing is recomputed.  A target set by hand survives.
UPDATE tr_reviews SET tone = 42 WHERE id = 1;
UPDATE tr_reviews SET note = 'checked' WHERE id = 1;
SELECT id, tone, note FROM tr_reviews WHERE id = 1;
-- setting the source to the same value is no change either
UPDATE tr_reviews SET body = body, note = 'same body' WHERE id = 1;
SELECT id, tone, note FROM tr_reviews WHERE id = 1;
-- a changed source is scored again
UPDATE tr_reviews SET body = 'Arrived broken and the seller never answered.' WHERE id = 1;
SELECT id, tone < 0 AS negative_now, tone = sentiment(body) AS same FROM tr_reviews WHERE id = 1;
-- source to NULL: targets to NULL; back from NULL: scored
UPDATE tr_reviews SET body = NULL WHERE id = 2;
UPDATE tr_reviews SET body = 'great value, works perfectly' WHERE id = 4;
SELECT id, tone IS NULL AS tone_null, tone8 IS NULL AS tone8_null, tone > 0 AS positive FROM tr_reviews WHERE id IN (2, 4) ORDER BY id;

-- COPY goes through the trigger
COPY tr_reviews (id, body, note) FROM STDIN;
10	Works perfectly, would buy again.	copied
11	\N	copied
12	太差了，用了两天就坏了。	copied
\.
SELECT id, tone > 0 AS positive, tone = sentiment(body) AS same, tone IS NULL AS null_target
FROM tr_reviews WHERE note = 'copied' ORDER BY id;

-- many rows in one statement (the arguments are checked once per statement)
INSERT INTO tr_reviews (id, body)
SELECT i, CASE i % 3 WHEN 0 THEN 'great value' WHEN 1 THEN 'broken on arrival' ELSE NULL END
FROM generate_series(100, 399) i;
SELECT count(*) AS rows, count(tone) AS filled, bool_and(tone = sentiment(body)) AS all_same
FROM tr_reviews WHERE id >= 100;

-- a domain target: its constraint is checked
CREATE DOMAIN tr_positive AS real CHECK (VALUE > 0);
CREATE TABLE tr_dom (id int, body text, tone tr_positive);
CREATE TRIGGER tr_dom_fill BEFORE INSERT ON tr_dom
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
INSERT INTO tr_dom VALUES (1, 'love it, works great');
SELECT id, tone > 0 AS positive FROM tr_dom;
INSERT INTO tr_dom VALUES (2, 'awful, broke at once, total waste of money');
DROP TABLE tr_dom;
DROP DOMAIN tr_positive;

-- a partitioned table: each partition has its own column order
CREATE TABLE tr_part (shop int, body text, tone real) PARTITION BY LIST (shop);
CREATE TABLE tr_part_1 PARTITION OF tr_part FOR VALUES IN (1);
CREATE TABLE tr_part_2 (tone real, body text, shop int);
ALTER TABLE tr_part ATTACH PARTITION tr_part_2 FOR VALUES IN (2);
CREATE TRIGGER tr_part_fill BEFORE INSERT OR UPDATE ON tr_part
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
INSERT INTO tr_part (shop, body) VALUES (1, 'great value'), (2, 'great value'), (2, 'broken on arrival');
SELECT shop, tone > 0 AS positive, tone = sentiment(body) AS same FROM tr_part ORDER BY shop, tone DESC;
DROP TABLE tr_part;

-- bad arguments: a clear error with a proper SQLSTATE at the first row
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TABLE tr_bad (id int, body text, tone real, label text, n int, gen real GENERATED ALWAYS AS (1) STORED);
CREATE FUNCTION pg_temp.try_args(VARIADIC args text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('CREATE TRIGGER tr_bad_fill BEFORE INSERT OR UPDATE ON tr_bad FOR EACH ROW EXECUTE FUNCTION prodtext_fill(%s)',
                   (SELECT string_agg(quote_literal(a), ', ') FROM unnest(args) a));
    r := pg_temp.try($q$INSERT INTO tr_bad (id, body) VALUES (1, 'good')$q$);
    DROP TRIGGER tr_bad_fill ON tr_bad;
    RETURN r;
END $$;
SELECT pg_temp.try_args('body');                            -- no target
SELECT pg_temp.try_args('nobody', 'sentiment:tone');        -- missing source
SELECT pg_temp.try_args('n', 'sentiment:tone');             -- source not text
SELECT pg_temp.try_args('body', 'tone');                    -- not task:column
SELECT pg_temp.try_args('body', 'sentimnet:tone');          -- unknown task
SELECT pg_temp.try_args('body', 'summary:label');           -- a text target: fine
SELECT pg_temp.try_args('body', 'rewrite:label');           -- a text target: fine
SELECT pg_temp.try_args('body', 'sentiment:toon');          -- missing target
SELECT pg_temp.try_args('body', 'sentiment:Tone');          -- names are exact, not case-folded
SELECT pg_temp.try_args('body', 'sentiment:label');         -- wrong target type
SELECT pg_temp.try_args('body', 'sentiment:n');             -- wrong target type
SELECT pg_temp.try_args('body', 'sentiment:body');          -- target is the source
SELECT pg_temp.try_args('body', 'sentiment:tone', 'sentiment:tone');  -- twice
SELECT pg_temp.try_args('body', 'sentiment:gen');           -- generated column
SELECT pg_temp.try_args('body', 'sentiment:tone');          -- fine
-- wrong kinds of trigger
CREATE TRIGGER tr_bad_after AFTER INSERT ON tr_bad FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
SELECT pg_temp.try($q$INSERT INTO tr_bad (id, body) VALUES (1, 'good')$q$);
DROP TRIGGER tr_bad_after ON tr_bad;
CREATE TRIGGER tr_bad_stmt BEFORE INSERT ON tr_bad FOR EACH STATEMENT EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
SELECT pg_temp.try($q$INSERT INTO tr_bad (id, body) VALUES (1, 'good')$q$);
DROP TRIGGER tr_bad_stmt ON tr_bad;
CREATE TRIGGER tr_bad_del BEFORE DELETE ON tr_bad FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone');
SELECT pg_temp.try($q$DELETE FROM tr_bad$q$);
DROP TRIGGER tr_bad_del ON tr_bad;
SELECT pg_temp.try($q$SELECT prodtext_fill()$q$);
DROP TABLE tr_bad;

DROP TABLE tr_reviews;
