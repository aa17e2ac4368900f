\echo Use "ALTER EXTENSION prodtext UPDATE TO '0.5.0'" to load this file. \quit

-- prodtext 0.4.0 -> 0.5.0: summarize re-costed.  A fresh CREATE EXTENSION
-- runs prodtext--0.1.0.sql, the updates to 0.4.0 and then this file.
--
-- The summarize model 1.2.0 scores an output shortlist, and its batches
-- encode without padding: make bench measured ~0.57 ms per summary one at a
-- time (beam 4), against ~1.4 ms when 0.4.0 set its COST.  At ~6.7 ns per
-- cpu_operator_cost (docs/catalog.md "Costs"), ~85,000; arrays keep the
-- proportion of 0.3.0 and 0.4.0 (an array costed as ~25 summaries).
-- rewrite (~3.5 ms per rewrite) keeps 0.4.0's COSTs.
ALTER FUNCTION summarize(text, int) COST 85000;
ALTER FUNCTION summarize(text[], int) COST 2100000;
