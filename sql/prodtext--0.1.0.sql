\echo Use "CREATE EXTENSION prodtext" to load this file. \quit

-- prodtext 0.1.0: product-text AI in SQL.  See README.md and DESIGN.md.

CREATE FUNCTION prodtext_models(
    OUT task text, OUT language text, OUT name text, OUT version text,
    OUT parameters bigint, OUT bytes bigint, OUT sha256 text, OUT path text,
    OUT loaded boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'prodtext_models'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION prodtext_models() IS
  'the model files in prodtext.model_dir: task, language, version, size, checksum, and whether this backend has mapped them';

-- ---------------------------------------------------------------------------
-- sentiment: a text CNN per language (models/sentiment-en.ptm, sentiment-zh.ptm)
-- COSTs are in units of cpu_operator_cost; see README "Performance".

CREATE FUNCTION sentiment(t text) RETURNS real
AS 'MODULE_PATHNAME', 'prodtext_sentiment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION sentiment(text) IS
  'polarity of a review in [-1, 1]: P(positive) - P(negative); 0 for empty or content-free text';

CREATE FUNCTION sentiment_label(t text) RETURNS text
AS 'MODULE_PATHNAME', 'prodtext_sentiment_label'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION sentiment_label(text) IS
  'negative, neutral or positive: the most probable class';

CREATE FUNCTION sentiment(t text[]) RETURNS real[]
AS 'MODULE_PATHNAME', 'prodtext_sentiment_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 20000;
COMMENT ON FUNCTION sentiment(text[]) IS
  'polarity of every element in one batched forward pass; a NULL element gives NULL';

CREATE FUNCTION sentiment_explain(t text, OUT token text, OUT weight real)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'prodtext_sentiment_explain'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000 ROWS 20;
COMMENT ON FUNCTION sentiment_explain(text) IS
  'the tokens of the text in order, each with its contribution to the polarity (> 0 towards positive)';

-- sentiment_avg: support functions take and return the internal state
CREATE FUNCTION prodtext_sentiment_avg_trans(internal, text) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_sentiment_avg_final(internal) RETURNS real
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_sentiment_avg_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_sentiment_avg_serial(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION prodtext_sentiment_avg_deserial(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;

CREATE AGGREGATE sentiment_avg(text) (
    SFUNC = prodtext_sentiment_avg_trans,
    STYPE = internal,
    FINALFUNC = prodtext_sentiment_avg_final,
    COMBINEFUNC = prodtext_sentiment_avg_combine,
    SERIALFUNC = prodtext_sentiment_avg_serial,
    DESERIALFUNC = prodtext_sentiment_avg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sentiment_avg(text) IS
  'mean polarity over the group (NULLs ignored), scored 64 rows per forward pass';
