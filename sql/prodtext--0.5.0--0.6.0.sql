\echo Use "ALTER EXTENSION prodtext UPDATE TO '0.6.0'" to load this file. \quit

-- prodtext 0.5.0 -> 0.6.0.  A fresh CREATE EXTENSION runs
-- prodtext--0.1.0.sql, the updates to 0.5.0 and then this file.

-- ---------------------------------------------------------------------------
-- prodtext_kernels() (issue 21): the kernels this backend runs.  OpenBLAS's
-- core is chosen at load from the CPU's features (src/core/blas_select.h)
-- unless OPENBLAS_CORETYPE is set in the server's environment.

CREATE FUNCTION prodtext_kernels(
    OUT openblas_core text, OUT chosen_by text, OUT cpu_best_core text, OUT blas_threads int,
    OUT avx512 boolean, OUT int8_vnni boolean, OUT openblas_config text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'prodtext_kernels'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION prodtext_kernels() IS
  'the kernels this backend runs: OpenBLAS core and who chose it (prodtext, environment or openblas), the best core this CPU supports, BLAS threads, and whether the AVX-512 and 8-bit VNNI kernels are on';

-- ---------------------------------------------------------------------------
-- embed: product vectors for duplicate listings, search and "more like this"
-- (models/embed-multi.ptm, models/embed.md).  embed() returns real[], which
-- pgvector casts to vector(D) where that extension is installed;
-- embed_similarity() compares two of them without it.  COST in units of
-- cpu_operator_cost (~6.7 ns; docs/catalog.md "Costs"), measured with
-- make bench (README "Performance").

CREATE FUNCTION embed(t text) RETURNS real[]
AS 'MODULE_PATHNAME', 'prodtext_embed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 7500;
COMMENT ON FUNCTION embed(text) IS
  'L2-normalized vector (dimension D, in the model name) of a product text, English or Chinese; empty or content-free text gives the model''s fixed unit vector';

CREATE FUNCTION embed_similarity(a real[], b real[]) RETURNS real
AS 'MODULE_PATHNAME', 'prodtext_embed_similarity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
COMMENT ON FUNCTION embed_similarity(real[], real[]) IS
  'cosine similarity in [-1, 1] of two embeddings of the same length (1 = same direction); 0 when either is all zeros';
