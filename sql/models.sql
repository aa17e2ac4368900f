-- prodtext_models() and the settings: what a fresh install shows.
SELECT task, language, name ~ ('^' || task) AS named_for_task, version,
       parameters > 10000 AS has_weights,
       -- embed's tables are its only copy of them, in 8 bits (models/FORMAT.md); the others' weights are fp32
       bytes > parameters * CASE task WHEN 'embed' THEN 1 ELSE 4 END AS bytes_cover_weights,
       sha256 ~ '^[0-9a-f]{64}$' AS sha256_ok,
       path LIKE '%/prodtext/' || task || '-' || language || '.ptm' AS path_ok
FROM prodtext_models() ORDER BY task, language;

-- settings are registered, with their defaults
SHOW prodtext.threads;
SHOW prodtext.max_input_chars;
SHOW prodtext.model_dir;
SELECT name, context FROM pg_settings WHERE name LIKE 'prodtext.%' ORDER BY name;

-- the prefix is reserved: a misspelt setting is an error, not a silent placeholder
SET prodtext.max_input_char = 10;
SET prodtext.threads = 0;
SET prodtext.threads = 2;
RESET prodtext.threads;

-- loaded flips to true once a function has used a model in this backend
SELECT sentiment('fine') IS NOT NULL AS scored;
SELECT task, language, loaded FROM prodtext_models() WHERE task = 'sentiment' AND language = 'en';

-- a model directory without models: a warning for the listing, a clear error for a function
SET prodtext.model_dir = '/nonexistent/prodtext';
SELECT count(*) FROM prodtext_models();
SELECT sentiment('fine');
RESET prodtext.model_dir;
SELECT sentiment('fine') IS NOT NULL AS scored_again;

-- every SQL function is declared as the design asks
SELECT p.oid::regprocedure AS function, p.provolatile, p.proparallel,
       p.proisstrict, p.procost >= 1000 AS expensive
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'prodtext'
WHERE p.proname NOT LIKE 'prodtext\_%\_%' OR p.proname = 'prodtext_models'
ORDER BY 1::text;
