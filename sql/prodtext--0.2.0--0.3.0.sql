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

-- prodtext_refresh: summary and rewrite targets, through summarize(text[])
-- (default budget) and rewrite(text[]).  The body is 0.2.0's but for the
-- task-to-function mapping (procedures cannot be altered piecewise).
CREATE OR REPLACE PROCEDURE prodtext_refresh(tbl regclass, source text, targets text[], batch int DEFAULT 256)
LANGUAGE plpgsql
AS $proc$
DECLARE
    v_src        record;
    v_tgt        record;
    v_target     text;
    v_task       text;
    v_col        text;
    v_fn         text;
    v_cols       text[] := '{}';
    v_set        text := '';
    v_vals       text := '';
    v_unnest     text := '';
    v_names      text := '';
    v_keys       text;
    v_keys_desc  text;
    v_keys_text  text;
    v_key_cond   text;
    v_nkeys      int;
    v_sql        text;
    v_sql_first  text;
    v_lock       bigint;
    v_job        @extschema@.prodtext_refresh_jobs;
    v_can_commit boolean := transaction_timestamp() = statement_timestamp();
    v_last       text[];
    v_n          bigint;
    v_done       bigint;
    v_total      bigint;
    v_at_start   bigint;
    v_t0         timestamptz := clock_timestamp();
    v_noticed    timestamptz := clock_timestamp();
    v_rate       float8;
BEGIN
    IF tbl IS NULL OR source IS NULL OR targets IS NULL OR batch IS NULL THEN
        RAISE EXCEPTION 'prodtext_refresh: arguments must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'prodtext_refresh: batch must be at least 1, not %', batch
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(targets) = 0 THEN
        RAISE EXCEPTION 'prodtext_refresh: no targets'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Write e.g. ARRAY[''sentiment:tone''].';
    END IF;

    -- the source: a stored text column (same rules as prodtext_fill)
    SELECT a.attnum, a.attgenerated, format_type(a.atttypid, a.atttypmod) AS typname,
           (SELECT t.typbasetype FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid) AS base, a.atttypid
      INTO v_src FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = tbl AND a.attname = source AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prodtext_refresh: source column "%" of relation "%" does not exist', source, tbl
            USING ERRCODE = 'undefined_column';
    END IF;
    IF (CASE WHEN v_src.base <> 0 THEN v_src.base ELSE v_src.atttypid END)
       NOT IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype) THEN
        RAISE EXCEPTION 'prodtext_refresh: source column "%" is of type %, not text', source, v_src.typname
            USING ERRCODE = 'datatype_mismatch', HINT = 'The source must be a text, varchar or char column.';
    END IF;

    -- the targets: 'task:column'; a task maps to its array function (one pass per batch)
    FOREACH v_target IN ARRAY targets LOOP
        IF v_target IS NULL OR strpos(v_target, ':') = 0 THEN
            RAISE EXCEPTION 'prodtext_refresh: target "%" is not of the form task:column', v_target
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Write e.g. ''sentiment:tone''; tasks: sentiment, summary, rewrite.';
        END IF;
        v_task := split_part(v_target, ':', 1);
        v_col := substr(v_target, strpos(v_target, ':') + 1);
        v_fn := CASE v_task WHEN 'sentiment' THEN '@extschema@.sentiment'
                            WHEN 'summary' THEN '@extschema@.summarize'
                            WHEN 'rewrite' THEN '@extschema@.rewrite' END;
        IF v_task NOT IN ('sentiment', 'summary', 'rewrite') THEN
            RAISE EXCEPTION 'prodtext_refresh: unknown task "%" in "%"', v_task, v_target
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Tasks: sentiment, summary, rewrite.';
        END IF;
        SELECT a.attname, a.attgenerated, format_type(a.atttypid, a.atttypmod) AS typname,
               coalesce(nullif((SELECT t.typbasetype FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid), 0),
                        a.atttypid) AS base
          INTO v_tgt FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = tbl AND a.attname = v_col AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'prodtext_refresh: target column "%" of relation "%" does not exist', v_col, tbl
                USING ERRCODE = 'undefined_column';
        ELSIF v_col = source THEN
            RAISE EXCEPTION 'prodtext_refresh: target column "%" is the source column', v_col
                USING ERRCODE = 'invalid_parameter_value';
        ELSIF v_col = ANY (v_cols) THEN
            RAISE EXCEPTION 'prodtext_refresh: target column "%" is named more than once', v_col
                USING ERRCODE = 'duplicate_column';
        ELSIF v_tgt.attgenerated <> '' THEN
            RAISE EXCEPTION 'prodtext_refresh: target column "%" is a generated column', v_col
                USING ERRCODE = 'generated_always';
        ELSIF v_task = 'sentiment' AND v_tgt.base NOT IN ('real'::regtype, 'float8'::regtype, 'numeric'::regtype)
           OR v_task <> 'sentiment' AND v_tgt.base <> 'text'::regtype THEN
            RAISE EXCEPTION 'prodtext_refresh: target column "%" is of type %, but task "%" needs %',
                v_col, v_tgt.typname, v_task,
                CASE v_task WHEN 'sentiment' THEN 'real, double precision or numeric' ELSE 'text' END
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        v_cols := v_cols || v_col;
        -- value i of the batch: fn(array of the batch's sources) -> v<i>
        v_vals := v_vals || format(', %s(array_agg(b.prodtext_src ORDER BY b.prodtext_tid)) AS v%s', v_fn, cardinality(v_cols));
        v_unnest := v_unnest || format(', s.v%s', cardinality(v_cols));
        v_names := v_names || format(', v%s', cardinality(v_cols));
        v_set := v_set || format('%s%I = x.v%s', CASE WHEN v_set = '' THEN '' ELSE ', ' END, v_col, cardinality(v_cols));
    END LOOP;

    -- keyset over the primary key: resumable, each row visited once
    SELECT count(*),
           string_agg(format('%I', a.attname), ', ' ORDER BY k.ord),
           string_agg(format('%I DESC', a.attname), ', ' ORDER BY k.ord),
           string_agg(format('%I::text', a.attname), ', ' ORDER BY k.ord),
           string_agg(format('$1[%s]::%s', k.ord, format_type(a.atttypid, NULL)), ', ' ORDER BY k.ord)
      INTO v_nkeys, v_keys, v_keys_desc, v_keys_text, v_key_cond
      FROM pg_catalog.pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = tbl AND i.indisprimary;
    IF v_nkeys = 0 THEN
        RAISE EXCEPTION 'prodtext_refresh: relation "%" has no primary key', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'prodtext_refresh walks the table in primary-key order so that it can resume; add a primary key.';
    END IF;
    v_key_cond := format('(%s) > (%s)', v_keys, v_key_cond);

    -- one run per job at a time; the lock also tells prodtext_progress the run is alive
    v_lock := hashtextextended(format('prodtext_refresh %s %s %s %s', tbl::oid, source, targets, current_user), 0);
    IF NOT pg_try_advisory_xact_lock(v_lock) THEN
        RAISE EXCEPTION 'prodtext_refresh: another session is already refreshing % from % into %', tbl, source, targets
            USING ERRCODE = 'object_in_use';
    END IF;

    SELECT * INTO v_job FROM @extschema@.prodtext_refresh_jobs j
     WHERE j.relid = tbl AND j.source = prodtext_refresh.source AND j.targets = prodtext_refresh.targets
       AND j.run_by = current_user;
    IF FOUND AND v_job.finished_at IS NULL THEN
        v_last := v_job.last_key;
        v_at_start := v_job.rows_done;
        RAISE NOTICE 'prodtext_refresh: resuming % after % rows', tbl, v_at_start;
    ELSE
        v_last := NULL;
        v_at_start := 0;
    END IF;
    EXECUTE format('SELECT count(*) FROM %s WHERE %s', tbl, CASE WHEN v_last IS NULL THEN 'true' ELSE v_key_cond END)
       INTO v_total USING v_last;
    v_total := v_total + v_at_start;
    v_done := v_at_start;
    INSERT INTO @extschema@.prodtext_refresh_jobs AS j
           (relid, source, targets, batch, pid, lock_key, last_key, rows_done, rows_total, rows_at_start,
            started_at, updated_at, finished_at)
    VALUES (tbl, source, targets, batch, pg_backend_pid(), v_lock, v_last, v_done, v_total, v_at_start,
            clock_timestamp(), clock_timestamp(), NULL)
    ON CONFLICT ON CONSTRAINT prodtext_refresh_jobs_pkey DO UPDATE
       SET batch = excluded.batch, pid = excluded.pid, lock_key = excluded.lock_key,
           last_key = excluded.last_key, rows_done = excluded.rows_done, rows_total = excluded.rows_total,
           rows_at_start = excluded.rows_at_start, started_at = excluded.started_at,
           updated_at = excluded.updated_at, finished_at = NULL;
    IF v_can_commit THEN
        COMMIT;
        PERFORM pg_advisory_xact_lock(v_lock);
    ELSE
        RAISE NOTICE 'prodtext_refresh: called inside a transaction block: the batches commit together, and other sessions see progress only then';
    END IF;

    -- one statement per batch: lock the next rows in key order, score them in
    -- one pass per target, update them by ctid (stable: the rows are locked)
    v_sql := $q$
        WITH b AS (
            SELECT ctid AS prodtext_tid, ARRAY[%1$s] AS prodtext_key, %2$I::text AS prodtext_src, %3$s
              FROM %4$s WHERE %5$s ORDER BY %3$s LIMIT $2 FOR NO KEY UPDATE),
        s AS (
            SELECT array_agg(b.prodtext_tid ORDER BY b.prodtext_tid) AS tids %6$s FROM b),
        u AS (
            UPDATE %4$s t SET %7$s
              FROM s, unnest(s.tids %8$s) AS x(tid %9$s)
             WHERE t.ctid = x.tid
            RETURNING 1)
        SELECT (SELECT count(*) FROM u), (SELECT b.prodtext_key FROM b ORDER BY %10$s LIMIT 1)$q$;
    v_sql_first := format(v_sql, v_keys_text, source, v_keys, tbl, 'true', v_vals, v_set, v_unnest, v_names, v_keys_desc);
    v_sql := format(v_sql, v_keys_text, source, v_keys, tbl, v_key_cond, v_vals, v_set, v_unnest, v_names, v_keys_desc);
    LOOP
        EXECUTE CASE WHEN v_last IS NULL THEN v_sql_first ELSE v_sql END INTO v_n, v_last USING v_last, batch;
        EXIT WHEN v_last IS NULL;
        v_done := v_done + v_n;
        UPDATE @extschema@.prodtext_refresh_jobs j
           SET last_key = v_last, rows_done = v_done, rows_total = greatest(j.rows_total, v_done),
               updated_at = clock_timestamp()
         WHERE j.relid = tbl AND j.source = prodtext_refresh.source AND j.targets = prodtext_refresh.targets
           AND j.run_by = current_user;
        IF v_can_commit THEN
            COMMIT;
            PERFORM pg_advisory_xact_lock(v_lock);
        END IF;
        IF clock_timestamp() - v_noticed >= interval '10 s' THEN
            v_noticed := clock_timestamp();
            v_rate := (v_done - v_at_start) / greatest(extract(epoch FROM v_noticed - v_t0), 1e-6);
            RAISE NOTICE 'prodtext_refresh: %: % of % rows (% %%), % rows/s, ETA %',
                tbl, v_done, v_total, round(100.0 * v_done / greatest(v_total, 1), 1), round(v_rate::numeric, 1),
                make_interval(secs => round(greatest(v_total - v_done, 0) / greatest(v_rate, 1e-6)));
        END IF;
    END LOOP;

    UPDATE @extschema@.prodtext_refresh_jobs j
       SET finished_at = clock_timestamp(), updated_at = clock_timestamp(), rows_total = v_done
     WHERE j.relid = tbl AND j.source = prodtext_refresh.source AND j.targets = prodtext_refresh.targets
       AND j.run_by = current_user;
    v_rate := (v_done - v_at_start) / greatest(extract(epoch FROM clock_timestamp() - v_t0), 1e-6);
    RAISE NOTICE 'prodtext_refresh: %: done, % rows in % s (% rows/s)',
        tbl, v_done - v_at_start, round(extract(epoch FROM clock_timestamp() - v_t0)::numeric, 1),
        round(v_rate::numeric, 1);
END
$proc$;
