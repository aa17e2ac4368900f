"""sentiment/eval.py — the dev metrics every sentiment model and baseline is judged by.

Per file: accuracy on binary rows (negative vs positive, neutral rows left
out; predicted positive when P(pos) > P(neg)), and macro-F1 over the three
classes on files that have star ratings (argmax of the three probabilities).
"""
import os
from collections import defaultdict

import numpy as np


def macro_f1(gold, pred, classes=3):
    f1s = []
    for c in range(classes):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def evaluate(rows, probs):
    """rows: (text, class, file, three_class); probs: [N, 3] (neg, neutral, pos)."""
    by_file = defaultdict(list)
    for (text, y, rel, three), p in zip(rows, probs):
        by_file[rel].append((y, p, three))
    report = {"files": {}}
    accs = []
    for rel, items in sorted(by_file.items()):
        binary = [(y, p) for y, p, _ in items if y != 1]
        acc = float(np.mean([(p[2] > p[0]) == (y == 2) for y, p in binary])) if binary else float("nan")
        entry = {"rows": len(items), "binary_rows": len(binary), "binary_acc": acc}
        if items[0][2]:
            entry["macro_f1"] = macro_f1([y for y, _, _ in items], [int(np.argmax(p)) for _, p, _ in items])
        report["files"][os.path.basename(rel)] = entry
        accs.append(acc)
    report["mean_binary_acc"] = float(np.mean(accs)) if accs else 0.0
    report["summary"] = "; ".join(
        f"{name} acc {e['binary_acc']:.4f}" + (f" F1 {e['macro_f1']:.4f}" if "macro_f1" in e else "")
        for name, e in report["files"].items())
    return report
