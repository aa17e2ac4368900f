\echo Use "ALTER EXTENSION prodtext UPDATE TO '0.4.0'" to load this file. \quit

-- prodtext 0.3.0 -> 0.4.0: costs re-measured.  A fresh CREATE
-- EXTENSION runs prodtext--0.1.0.sql, the updates to 0.3.0 and then this file.
--
-- Sentiment scoring became 6x cheaper (8-bit convolutions with the
-- max-pool fused in), so the COSTs calibrated for 0.2.0 overstated it:
-- plans were skewed and queries over a few thousand rows paid for a fully
-- optimized JIT compile that does not speed up a C function call (a fifth
-- of such a query's time).  Measured as in docs/catalog.md "Costs": one
-- call ~32 us (en and zh reviews), one simple operator ~6.7 ns.

ALTER FUNCTION sentiment(text) COST 5000;
ALTER FUNCTION sentiment_label(text) COST 5000;
ALTER FUNCTION sentiment(text[]) COST 150000;
ALTER FUNCTION sentiment_explain(text) COST 15000;
ALTER FUNCTION prodtext_sentiment_avg_trans(internal, text) COST 5000;

-- summarize and rewrite: their models' large layers now run in 8 bits
-- (summarize 1.1.0, rewrite 1.2.0).  make bench measured ~1.4 ms per summary
-- one at a time (beam 4) and ~3.9 ms per rewrite (greedy), against 6.7 and
-- 13 ms when 0.3.0 set their COSTs; arrays keep 0.3.0's proportions (an
-- array costed as ~25 summaries, ~10 rewrites).
ALTER FUNCTION summarize(text, int) COST 200000;
ALTER FUNCTION summarize(text[], int) COST 5000000;
ALTER FUNCTION rewrite(text) COST 600000;
ALTER FUNCTION rewrite(text, int) COST 600000;
ALTER FUNCTION rewrite(text[]) COST 6000000;
ALTER FUNCTION rewrite(text[], int) COST 6000000;
