-- prodtext_kernels(): the kernels this backend runs.  The values depend on
-- the CPU and the server's environment, so this shows the columns and checks
-- that they agree with each other; test/scripts/kernels.sh checks the choice.
SELECT pg_get_function_arguments('prodtext_kernels()'::regprocedure) AS columns;
SELECT count(*) AS rows FROM prodtext_kernels();
SELECT openblas_core NOT IN ('', 'Unknown') AS core_named,
       chosen_by IN ('prodtext', 'environment', 'openblas') AS chooser_known,
       chosen_by <> 'prodtext' OR openblas_core = cpu_best_core AS prodtext_choice_in_use,
       cpu_best_core IS NULL OR cpu_best_core IN ('Cooperlake', 'SkylakeX', 'Haswell', 'Zen') AS best_core_known,
       NOT int8_vnni OR avx512 AS vnni_implies_avx512,
       openblas_config LIKE 'OpenBLAS %' AS config_named
FROM prodtext_kernels();

-- blas_threads follows prodtext.threads
SELECT blas_threads = current_setting('prodtext.threads')::int AS threads_follow FROM prodtext_kernels();
SET prodtext.threads = 2;
SELECT blas_threads FROM prodtext_kernels();
RESET prodtext.threads;
SELECT blas_threads FROM prodtext_kernels();
