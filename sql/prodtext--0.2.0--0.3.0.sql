\echo Use "ALTER EXTENSION prodtext UPDATE TO '0.3.0'" to load this file. \quit

-- prodtext 0.2.0 -> 0.3.0: summaries and rewrites.  A fresh CREATE EXTENSION runs
-- prodtext--0.1.0.sql, prodtext--0.1.0--0.2.0.sql and then this file.
--
-- summarize: an encoder-decoder LSTM with attention and a copy mechanism
-- (models/summarize.md), beam search (prodtext.beam_width), then the most
-- salient input sentences while the budget allows; inputs without a model
-- (a language it was not trained on, or no model installed) take that
-- extractive path alone.  Budgets are in characters, not bytes.
-- COSTs are in units of cpu_operator_cost (~6.7 ns; docs/catalog.md "Costs"):
-- make bench measured ~120 summaries per second of one core one at a time
-- and ~240 in arrays of 256 (beam 4), i.e. 4-8 ms, ~1000000 per summary; an
-- array is costed as ~25 of them, an aggregate's final call (extractive,
-- ~2 ms for 10 reviews, ~25 ms for 1,000) as one.

CREATE FUNCTION summarize(t text, max_chars int DEFAULT 200) RETURNS text
AS 'MODULE_PATHNAME', 'prodtext_summarize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000000;
COMMENT ON FUNCTION summarize(text, int) IS
  'a summary of a product description in its own language, at most max_chars characters; numbers, model numbers and brands in it are copied from the input';

CREATE FUNCTION summarize(t text[], max_chars int DEFAULT 200) RETURNS text[]
AS 'MODULE_PATHNAME', 'prodtext_summarize_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 25000000;
COMMENT ON FUNCTION summarize(text[], int) IS
  'summarize() of every element, decoded together in one batched pass; a NULL element gives NULL';

-- summarize_agg: the state collects the group's texts (at most 1,000 texts
-- and 4 MB; over that, a sample fixed by the texts' content); the final
-- function writes one summary of what several of them say.
CREATE FUNCTION prodtext_summarize_agg_trans(internal, text) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_summarize_agg_trans(internal, text, int) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_summarize_agg_final(internal) RETURNS text
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE COST 1000000;
CREATE FUNCTION prodtext_summarize_agg_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION prodtext_summarize_agg_serial(internal) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION prodtext_summarize_agg_deserial(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;

CREATE AGGREGATE summarize_agg(text) (
    SFUNC = prodtext_summarize_agg_trans,
    STYPE = internal,
    FINALFUNC = prodtext_summarize_agg_final,
    COMBINEFUNC = prodtext_summarize_agg_combine,
    SERIALFUNC = prodtext_summarize_agg_serial,
    DESERIALFUNC = prodtext_summarize_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE summarize_agg(text) IS
  'one summary (at most 300 characters) of what several of the group''s texts say, e.g. all reviews of a product; NULLs ignored, NULL for no text';

CREATE AGGREGATE summarize_agg(text, int) (
    SFUNC = prodtext_summarize_agg_trans,
    STYPE = internal,
    FINALFUNC = prodtext_summarize_agg_final,
    COMBINEFUNC = prodtext_summarize_agg_combine,
    SERIALFUNC = prodtext_summarize_agg_serial,
    DESERIALFUNC = prodtext_summarize_agg_deserial,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE summarize_agg(text, int) IS
  'summarize_agg(text) with a budget of max_chars characters (the smallest of the group''s rows)';

-- rewrite: a Transformer encoder-decoder with copy attention
-- (models/rewrite.md) rewrites noisy seller copy into clean, concise copy,
-- chunk by chunk of whole sentences, greedily or with a beam
-- (prodtext.rewrite_beam_width).  Never longer than the normalized input;
-- inputs without a model come back normalized.
CREATE FUNCTION rewrite(t text) RETURNS text
AS 'MODULE_PATHNAME', 'prodtext_rewrite'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 2000000;
COMMENT ON FUNCTION rewrite(text) IS
  'an optimized description: cleaned of seller noise, concise, consistent, in the input''s language; numbers, model numbers and brands in it are copied from the input';

CREATE FUNCTION rewrite(t text, max_chars int) RETURNS text
AS 'MODULE_PATHNAME', 'prodtext_rewrite'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 2000000;
COMMENT ON FUNCTION rewrite(text, int) IS
  'rewrite(text) of at most max_chars characters, cut between whole chunks';

CREATE FUNCTION rewrite(t text[]) RETURNS text[]
AS 'MODULE_PATHNAME', 'prodtext_rewrite_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 20000000;
COMMENT ON FUNCTION rewrite(text[]) IS
  'rewrite() of every element, decoded together in one batched pass; a NULL element gives NULL';

CREATE FUNCTION rewrite(t text[], max_chars int) RETURNS text[]
AS 'MODULE_PATHNAME', 'prodtext_rewrite_array'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 20000000;
COMMENT ON FUNCTION rewrite(text[], int) IS
  'rewrite(text, max_chars) of every element, decoded together in one batched pass';
