"""rewrite — the rewrite model (Transformer encoder-decoder + copy): noise, data, model, training, evaluation."""
