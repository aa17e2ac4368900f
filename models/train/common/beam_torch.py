"""common/beam_torch.py — batched beam search over any PyTorch decoder step, as a PyTorch user would write it.

Used by the benchmark's PL/Python peer (test/bench/pg_torch_decoders.py) through
Summarizer.beam_batch and Rewriter.beam_batch, so that prodtext's beam forms are compared with the
same search.  No constraints (the C core adds them, src/core/beam.h).
"""
import torch

EOS = 2


@torch.no_grad()
def beam_batch(step, reorder, n_rows, width, max_tgt, bos, alpha=1.0):
    """Beam search of n_rows sources at once -> per row the best output's ids (EOS stripped).

    step(y, t) gets the last token of every hypothesis, y [n_rows * width] (row b's are
    b*width .. b*width+width-1), and returns their log P of the next token [n_rows * width, V];
    reorder(index) keeps the decoder state of hypotheses `index` in that order (a hypothesis only
    ever continues one of its own row).  Per row the `width` best live hypotheses by summed log P
    are kept; one that emits EOS is finished with score / tokens^alpha, and a row stops when
    `width` have finished or its best finished score beats every live one's."""
    k = width
    score = torch.full((n_rows, k), float("-inf"))
    score[:, 0] = 0.0                           # one live hypothesis per row at the start
    y = torch.full((n_rows * k,), bos, dtype=torch.long)
    hyps = [[[] for _ in range(k)] for _ in range(n_rows)]
    best = [(float("-inf"), []) for _ in range(n_rows)]
    n_done = [0] * n_rows
    live = [True] * n_rows
    for t in range(max_tgt):
        logp = step(y, t).view(n_rows, k, -1)
        V = logp.shape[2]
        top, idx = (score.unsqueeze(2) + logp).view(n_rows, -1).topk(2 * k, 1)
        parent = torch.arange(n_rows * k).view(n_rows, k).clone()
        new_score = torch.full((n_rows, k), float("-inf"))
        new_y = torch.full((n_rows, k), EOS, dtype=torch.long)
        new_hyps = [[[] for _ in range(k)] for _ in range(n_rows)]
        for b in range(n_rows):
            if not live[b]:
                continue
            taken = 0
            for s, i in zip(top[b].tolist(), idx[b].tolist()):
                if s == float("-inf") or taken == k:
                    break
                j, w = divmod(i, V)
                if w == EOS:
                    n_done[b] += 1
                    if s / (t + 1) ** alpha > best[b][0]:
                        best[b] = (s / (t + 1) ** alpha, hyps[b][j])
                    continue
                parent[b, taken] = b * k + j
                new_score[b, taken] = s
                new_y[b, taken] = w
                new_hyps[b][taken] = hyps[b][j] + [w]
                taken += 1
            if n_done[b] >= k or taken == 0 or best[b][0] >= new_score[b].max() / (t + 2) ** alpha:
                live[b] = False
        if not any(live):
            break
        reorder(parent.view(-1))
        score, y, hyps = new_score, new_y.view(-1), new_hyps
    return [done if done or not h else h[0] for (_, done), h in zip(best, hyps)]
