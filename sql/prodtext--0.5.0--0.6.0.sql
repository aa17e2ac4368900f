\echo Use "ALTER EXTENSION prodtext UPDATE TO '0.6.0'" to load this file. \quit

-- prodtext 0.5.0 -> 0.6.0.  A fresh CREATE EXTENSION runs
-- prodtext--0.1.0.sql, the updates to 0.5.0 and then this file.
