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
