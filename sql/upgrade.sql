-- Versioning: 0.1.0 (released) updates to 0.2.0, 0.3.0, 0.4.0, 0.5.0 and then 0.6.0, and the
-- result is the same as a fresh install of the default version.  Runs last:
-- it drops and re-creates the extension.

-- every member object of the extension, described with all that matters to a user
CREATE FUNCTION pg_temp.prodtext_objects() RETURNS TABLE (kind text, object text, detail text)
LANGUAGE sql AS $$
    SELECT 'function', p.oid::regprocedure::text,
           concat_ws(' ', 'returns', pg_get_function_result(p.oid), 'kind', p.prokind,
                     'volatile', p.provolatile, 'strict', p.proisstrict, 'parallel', p.proparallel,
                     'cost', p.procost, 'rows', p.prorows, 'secdef', p.prosecdef, 'lang', l.lanname,
                     'symbol', CASE WHEN l.lanname = 'c' THEN p.prosrc END,
                     'body', CASE WHEN l.lanname <> 'c' THEN md5(p.prosrc) END,
                     'config', p.proconfig::text, 'acl', p.proacl::text,
                     'comment', obj_description(p.oid, 'pg_proc'))
    FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
    JOIN pg_language l ON l.oid = p.prolang
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'prodtext')
    UNION ALL
    SELECT 'aggregate', a.aggfnoid::regprocedure::text,
           concat_ws(' ', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggtranstype::regtype)
    FROM pg_aggregate a JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'prodtext')
    UNION ALL
    SELECT 'relation ' || c.relkind::text, c.oid::regclass::text,
           concat_ws(' ', 'acl', c.relacl::text, 'rls', c.relrowsecurity,
                     'columns', (SELECT string_agg(format('%s %s %s %s', a.attname, format_type(a.atttypid, a.atttypmod),
                                                          a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid)), ', ' ORDER BY a.attnum)
                                 FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                     'indexes', (SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1) FROM pg_index i WHERE i.indrelid = c.oid),
                     'policies', (SELECT string_agg(format('%s %s %s %s', p.polname, p.polcmd, pg_get_expr(p.polqual, p.polrelid),
                                                           pg_get_expr(p.polwithcheck, p.polrelid)), '; ' ORDER BY p.polname)
                                  FROM pg_policy p WHERE p.polrelid = c.oid),
                     'view', md5(pg_get_viewdef(c.oid)),
                     'comment', obj_description(c.oid, 'pg_class'))
    FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'prodtext')
    UNION ALL
    SELECT 'other', pg_describe_object(d.classid, d.objid, d.objsubid), NULL
    FROM pg_depend d
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'prodtext')
      AND d.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass)
$$;

-- a fresh install of the default version
SELECT extversion FROM pg_extension WHERE extname = 'prodtext';
CREATE TEMP TABLE fresh AS SELECT * FROM pg_temp.prodtext_objects();
SELECT kind, object FROM fresh ORDER BY kind, object;

-- the released version, then the update
DROP EXTENSION prodtext;
CREATE EXTENSION prodtext VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'prodtext';
SELECT count(*) AS objects_in_0_1_0 FROM pg_temp.prodtext_objects();
-- 0.1.0 objects in use survive the update
CREATE TABLE up_reviews (id int PRIMARY KEY, body text, tone real GENERATED ALWAYS AS (sentiment(body)) STORED);
INSERT INTO up_reviews (id, body) VALUES (1, 'love it, works great'), (2, 'broken on arrival');
ALTER EXTENSION prodtext UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'prodtext';
SELECT count(*) AS objects_in_0_2_0 FROM pg_temp.prodtext_objects();
ALTER EXTENSION prodtext UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'prodtext';
SELECT id, tone > 0 AS positive, tone = sentiment(body) AS same FROM up_reviews ORDER BY id;

-- updated = fresh, object for object and attribute for attribute
CREATE TEMP TABLE updated AS SELECT * FROM pg_temp.prodtext_objects();
SELECT 'only after update' AS where_, * FROM (TABLE updated EXCEPT TABLE fresh) x
UNION ALL
SELECT 'only in fresh install', * FROM (TABLE fresh EXCEPT TABLE updated) y
ORDER BY 1, 2, 3;
SELECT count(*) AS objects_in_0_4_0 FROM updated;

-- the new objects work after the update
ALTER TABLE up_reviews ADD COLUMN tone2 real;
CREATE TRIGGER up_fill BEFORE INSERT OR UPDATE ON up_reviews
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'sentiment:tone2');
INSERT INTO up_reviews (id, body) VALUES (3, 'fine');
SELECT id, tone2 IS NOT NULL AS filled FROM up_reviews ORDER BY id;
SET client_min_messages = warning;
CALL prodtext_refresh('up_reviews', 'body', ARRAY['sentiment:tone2'], 2);
RESET client_min_messages;
SELECT count(tone2) AS refreshed FROM up_reviews;
SELECT state, rows_done FROM prodtext_progress;
ALTER TABLE up_reviews ADD COLUMN summary text;
DROP TRIGGER up_fill ON up_reviews;
CREATE TRIGGER up_fill BEFORE INSERT OR UPDATE ON up_reviews
FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'summary:summary');
INSERT INTO up_reviews (id, body) VALUES (4, 'Sturdy steel bottle, keeps water cold all day.');
SELECT id, summary = summarize(body) AS summarized, char_length(summarize(body, 20)) <= 20 AS fits,
       summarize(ARRAY[body], 20) = ARRAY[summarize(body, 20)] AS array_form
FROM up_reviews WHERE id = 4;
SELECT summarize_agg(body) IS NOT NULL AS agg, summarize_agg(body, 30) IS NOT NULL AS agg_budget FROM up_reviews;

-- the versions on offer, and the path between them
SELECT name, version, installed FROM pg_available_extension_versions WHERE name = 'prodtext' ORDER BY version;
SELECT * FROM pg_extension_update_paths('prodtext') WHERE path IS NOT NULL ORDER BY source, target;

DROP TABLE up_reviews;
DELETE FROM prodtext_refresh_jobs;
