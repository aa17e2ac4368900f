"""boilerplate — the seller-boilerplate detector shared by rewrite() and summarize() (src/core/boiler.h)."""
