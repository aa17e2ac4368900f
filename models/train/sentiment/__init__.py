"""sentiment — the review sentiment ensemble (text CNN + linear half): data, training, evaluation, quantization."""
