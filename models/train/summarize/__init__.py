"""summarize — the summarize model (pointer-generator LSTM): data, model, training, evaluation."""
