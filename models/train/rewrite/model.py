"""rewrite/model.py — the "tf-copy" rewriter (pre-norm Transformer encoder-decoder + copy), as the C core runs it.

Spec (shared with src/core/rewrite.c; /tmp/notes/rewrite_spec.md, summarized in models/rewrite.md):
  src_ids = tokenize(normalize(text))[:S-1] + [EOS] (no BOS);  tgt = tokenize(normalize(clean))[:T-1] + [EOS].
  Attention: multi-head scaled dot product; head i uses columns [i*d/h, (i+1)*d/h) of q, k, v;
    scores / sqrt(d/h); softmax (padding keys masked); heads concatenated, then the out projection.
  Encoder: x = embed[src] + enc.pos[0..n); per layer x += Attn(LN1(x)); x += FF2(relu(FF1(LN2(x))));
    enc = enc.ln(x).
  Decoder step t (y_{-1} = BOS): e = embed[y_{t-1}]; x = e + dec.pos[t]; per layer
    x += SelfAttn(LN1(x)) (causal); x += CrossAttn(q = LN2(x), k/v = kv(enc)); x += FF(LN3(x));
    h = dec.ln(x).
  Copy: q = copy.q h; k_i = copy.k enc_i; a = softmax_i(q·k_i / sqrt(d)); ctx = Σ a_i enc_i.
  logits = embed · h + gen.bias;  p_gen = sigmoid(pgen.weight [h ; ctx ; e] + pgen.bias);
  P(w) = p_gen softmax(logits)(w) + (1 - p_gen) Σ_{i: src_i = w} a_i;  log P = log(max(P, 1e-20)).
LayerNorm eps 1e-5.  Dropout (training only) after the embeddings+positions, on attention and FFN
outputs before each residual add.
"""
import math

import torch
import torch.nn as nn

from common.beam_torch import beam_batch

BOS, EOS = 1, 2
P_FLOOR = 1e-20
LN_EPS = 1e-5


class MHA(nn.Module):
    """Multi-head attention with a fused q/k/v (self) or q + fused k/v (cross) projection."""

    def __init__(self, d, heads, cross=False):
        super().__init__()
        self.d, self.h, self.cross = d, heads, cross
        if cross:
            self.q = nn.Linear(d, d)
            self.kv = nn.Linear(d, 2 * d)
        else:
            self.inp = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)

    def _split(self, x):            # [B, n, d] -> [B, h, n, d/h]
        B, n, _ = x.shape
        return x.view(B, n, self.h, self.d // self.h).transpose(1, 2)

    def forward(self, x, mem=None, mask=None):
        """x [B, n, d]; mem [B, m, d] (cross); mask broadcastable to [B, h, n, m], True = attend."""
        if self.cross:
            q = self.q(x)
            k, v = self.kv(mem).split(self.d, dim=-1)
        else:
            q, k, v = self.inp(x).split(self.d, dim=-1)
        return self.attend(q, k, v, mask)

    def attend(self, q, k, v, mask=None):
        """Projected q [B, n, d], k and v [B, m, d] -> the output projection of the heads."""
        B, n = q.shape[0], q.shape[1]
        q, k, v = self._split(q), self._split(k), self._split(v)
        s = q @ k.transpose(-1, -2) / math.sqrt(self.d // self.h)
        if mask is not None:
            s = s.masked_fill(~mask, float("-inf"))
        a = torch.softmax(s, -1)
        o = (a @ v).transpose(1, 2).reshape(B, n, self.d)
        return self.out(o)


class EncLayer(nn.Module):
    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=LN_EPS)
        self.attn = MHA(d, heads)
        self.ln2 = nn.LayerNorm(d, eps=LN_EPS)
        self.ff1 = nn.Linear(d, ffn)
        self.ff2 = nn.Linear(ffn, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask):
        x = x + self.drop(self.attn(self.ln1(x), mask=mask))
        return x + self.drop(self.ff2(torch.relu(self.ff1(self.ln2(x)))))


class DecLayer(nn.Module):
    def __init__(self, d, heads, ffn, dropout):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=LN_EPS)
        self.self_attn = MHA(d, heads)
        self.ln2 = nn.LayerNorm(d, eps=LN_EPS)
        self.cross = MHA(d, heads, cross=True)
        self.ln3 = nn.LayerNorm(d, eps=LN_EPS)
        self.ff1 = nn.Linear(d, ffn)
        self.ff2 = nn.Linear(ffn, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, self_mask, enc, cross_mask):
        x = x + self.drop(self.self_attn(self.ln1(x), mask=self_mask))
        x = x + self.drop(self.cross(self.ln2(x), mem=enc, mask=cross_mask))
        return x + self.drop(self.ff2(torch.relu(self.ff1(self.ln3(x)))))


class Rewriter(nn.Module):
    def __init__(self, vocab=16000, d=128, heads=4, ffn=512, enc_layers=3, dec_layers=3,
                 max_src=160, max_tgt=160, dropout=0.1):
        super().__init__()
        assert d % heads == 0
        self.V, self.d, self.h, self.F = vocab, d, heads, ffn
        self.Le, self.Ld, self.S, self.T = enc_layers, dec_layers, max_src, max_tgt
        self.embed = nn.Embedding(vocab, d)
        nn.init.normal_(self.embed.weight, std=d ** -0.5)
        self.enc_pos = nn.Parameter(torch.randn(max_src, d) * 0.02)
        self.dec_pos = nn.Parameter(torch.randn(max_tgt, d) * 0.02)
        self.enc = nn.ModuleList([EncLayer(d, heads, ffn, dropout) for _ in range(enc_layers)])
        self.enc_ln = nn.LayerNorm(d, eps=LN_EPS)
        self.dec = nn.ModuleList([DecLayer(d, heads, ffn, dropout) for _ in range(dec_layers)])
        self.dec_ln = nn.LayerNorm(d, eps=LN_EPS)
        self.copy_q = nn.Linear(d, d, bias=False)
        self.copy_k = nn.Linear(d, d, bias=False)
        self.gen_bias = nn.Parameter(torch.zeros(vocab))
        self.pgen = nn.Linear(3 * d, 1)
        self.drop = nn.Dropout(dropout)

    # ---- shared pieces ---------------------------------------------------------------------
    def encode(self, src, lengths):
        """src [B, S] (0-padded), lengths [B] -> enc [B, S, d], key mask [B, S] (True = real)."""
        n = src.shape[1]
        mask = torch.arange(n)[None, :] < lengths[:, None]
        x = self.drop(self.embed(src) + self.enc_pos[:n])
        am = mask[:, None, None, :]
        for layer in self.enc:
            x = layer(x, am)
        return self.enc_ln(x), mask

    def decode(self, y_in, enc, mask):
        """Teacher-forced decoder over y_in [B, T] -> (h [B, T, d], e [B, T, d])."""
        T = y_in.shape[1]
        e = self.embed(y_in)
        x = self.drop(e + self.dec_pos[:T])
        causal = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None]
        cm = mask[:, None, None, :]
        for layer in self.dec:
            x = layer(x, causal, enc, cm)
        return self.dec_ln(x), e

    def copy_attn(self, h, enc, mask):
        """a [B, T, S] and ctx [B, T, d]."""
        s = self.copy_q(h) @ self.copy_k(enc).transpose(1, 2) / math.sqrt(self.d)
        a = torch.softmax(s.masked_fill(~mask[:, None, :], float("-inf")), -1)
        return a, a @ enc

    # ---- training ----------------------------------------------------------------------------
    def forward(self, src, lengths, tgt):
        """Mean NLL per target token (teacher forcing). tgt [B, T] ends with EOS, 0-padded."""
        B = tgt.shape[0]
        enc, mask = self.encode(src, lengths)
        y_in = torch.cat([torch.full((B, 1), BOS, dtype=torch.long), tgt[:, :-1]], 1)
        h, e = self.decode(y_in, enc, mask)
        a, ctx = self.copy_attn(h, enc, mask)
        valid = tgt != 0
        y = tgt[valid]
        hv = h[valid]
        logits = (hv @ self.embed.weight.t()).float() + self.gen_bias     # fp32 from here on (autocast)
        gen_lp = torch.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).squeeze(1)
        p_gen = torch.sigmoid(self.pgen(torch.cat([hv, ctx[valid], e[valid]], 1)).float()).squeeze(1)
        copy = (a.float() * (src.unsqueeze(1) == tgt.unsqueeze(2)).float()).sum(2)[valid]
        p = p_gen * gen_lp.exp() + (1 - p_gen) * copy
        logp = torch.log(p.clamp(min=P_FLOOR))
        return -logp.mean(), torch.tensor(float(y.numel()))

    # ---- inference ---------------------------------------------------------------------------
    def _step_logp(self, src, enc, mask, y_prefix):
        """log P of the next token after each row's prefix y_prefix [B, t] (BOS first) -> [B, V]."""
        h, e = self.decode(y_prefix, enc, mask)
        h, e = h[:, -1:], e[:, -1:]
        a, ctx = self.copy_attn(h, enc, mask)
        h, e, a, ctx = h[:, 0], e[:, 0], a[:, 0], ctx[:, 0]
        logits = h @ self.embed.weight.t() + self.gen_bias
        p_gen = torch.sigmoid(self.pgen(torch.cat([h, ctx, e], 1)))
        p = p_gen * torch.softmax(logits, 1)
        p = p.scatter_add(1, src, (1 - p_gen) * a * mask.float())
        return torch.log(p.clamp(min=P_FLOOR))

    @torch.no_grad()
    def greedy(self, src_ids, max_tgt, trace_steps=0):
        """Unconstrained greedy decoding of one source: (ids, [full log P vectors of the first steps])."""
        src = torch.tensor([src_ids], dtype=torch.long)
        enc, mask = self.encode(src, torch.tensor([len(src_ids)]))
        enc_kv = [layer.cross.kv(enc).split(self.d, dim=-1) for layer in self.dec]
        cache = [None] * self.Ld
        y = torch.tensor([BOS], dtype=torch.long)
        out, trace = [], []
        for t in range(min(max_tgt, self.T)):
            logp = self._cached_step(y, t, cache, enc_kv, src, enc, mask)[0]
            if t < trace_steps:
                trace.append(logp.clone())
            nxt = int(logp.argmax())
            out.append(nxt)
            if nxt == EOS:
                break
            y = torch.tensor([nxt], dtype=torch.long)
        return out, trace

    def _cached_step(self, y_prev, t, cache, enc_kv, src, enc, mask):
        """One decoder step with a key/value cache (what the C core does): y_prev [B] -> log P [B, V]."""
        e = self.embed(y_prev)[:, None]                          # [B, 1, d]
        x = e + self.dec_pos[t]
        cm = mask[:, None, None, :]
        for l, layer in enumerate(self.dec):
            q, k, v = layer.self_attn.inp(layer.ln1(x)).split(self.d, dim=-1)
            if cache[l] is None:
                cache[l] = (k, v)
            else:
                cache[l] = (torch.cat([cache[l][0], k], 1), torch.cat([cache[l][1], v], 1))
            x = x + layer.self_attn.attend(q, cache[l][0], cache[l][1])
            x = x + layer.cross.attend(layer.cross.q(layer.ln2(x)), enc_kv[l][0], enc_kv[l][1], cm)
            x = x + layer.ff2(torch.relu(layer.ff1(layer.ln3(x))))
        h = self.dec_ln(x)
        a, ctx = self.copy_attn(h, enc, mask)
        h, e, a, ctx = h[:, 0], e[:, 0], a[:, 0], ctx[:, 0]
        logits = h @ self.embed.weight.t() + self.gen_bias
        p_gen = torch.sigmoid(self.pgen(torch.cat([h, ctx, e], 1)))
        p = p_gen * torch.softmax(logits, 1)
        p = p.scatter_add(1, src, (1 - p_gen) * a * mask.float())
        return torch.log(p.clamp(min=P_FLOOR))

    @torch.no_grad()
    def _start(self, srcs):
        """Encode a batch of id lists: (src [B, S] 0-padded, enc, mask, each decoder layer's cross keys/values)."""
        src = torch.zeros(len(srcs), max(len(s) for s in srcs), dtype=torch.long)
        for i, s in enumerate(srcs):
            src[i, :len(s)] = torch.tensor(s)
        enc, mask = self.encode(src, torch.tensor([len(s) for s in srcs]))
        return src, enc, mask, [layer.cross.kv(enc).split(self.d, dim=-1) for layer in self.dec]

    @torch.no_grad()
    def greedy_batch(self, srcs, max_tgt, ban=None):
        """Greedy decoding of many sources at once (key/value cache) -> list of id lists (EOS stripped).
        ban(row, logp_row) may edit a row's log P in place (e.g. constrained decoding)."""
        B = len(srcs)
        src, enc, mask, enc_kv = self._start(srcs)
        cache = [None] * self.Ld
        y = torch.full((B,), BOS, dtype=torch.long)
        done = torch.zeros(B, dtype=torch.bool)
        outs = [[] for _ in range(B)]
        for t in range(min(max_tgt, self.T)):
            logp = self._cached_step(y, t, cache, enc_kv, src, enc, mask)
            if ban is not None:
                for i in range(B):
                    if not done[i]:
                        ban(i, outs[i], logp[i])
            nxt = logp.argmax(1)
            nxt[done] = 0
            for i in range(B):
                if not done[i]:
                    if int(nxt[i]) == EOS:
                        done[i] = True
                    else:
                        outs[i].append(int(nxt[i]))
            if bool(done.all()):
                break
            y = nxt
        return outs

    def beam_batch(self, srcs, max_tgt, width=4, alpha=1.0):
        """Beam search of many sources at once (key/value cache; beam_torch.beam_batch) -> id lists."""
        rep = lambda t: t.repeat_interleave(width, 0)  # noqa: E731  row b's hypotheses: b*width ..
        src, enc, mask, enc_kv = self._start(srcs)
        src, enc, mask = rep(src), rep(enc), rep(mask)
        enc_kv = [(rep(k), rep(v)) for k, v in enc_kv]
        cache = [None] * self.Ld

        def reorder(sel):
            for l, kv in enumerate(cache):
                cache[l] = (kv[0][sel], kv[1][sel])

        return beam_batch(lambda y, t: self._cached_step(y, t, cache, enc_kv, src, enc, mask), reorder,
                          len(srcs), width, min(max_tgt, self.T), BOS, alpha)

    def tensor_names(self):
        """(.ptm tensor name, state_dict key) of every weight, in file order."""
        names = [("embed", "embed.weight"), ("enc.pos", "enc_pos"), ("dec.pos", "dec_pos")]
        wb = (".weight", ".bias")
        for l in range(self.Le):
            p = f"enc.{l}."
            names += [(p + n + x, p + n + x) for n in ("ln1", "ln2") for x in wb]
            names += [(p + "attn.in" + x, p + "attn.inp" + x) for x in wb]
            names += [(p + "attn.out" + x, p + "attn.out" + x) for x in wb]
            names += [(p + n + x, p + n + x) for n in ("ff1", "ff2") for x in wb]
        names += [("enc.ln" + x, "enc_ln" + x) for x in wb]
        for l in range(self.Ld):
            p = f"dec.{l}."
            names += [(p + n + x, p + n + x) for n in ("ln1", "ln2", "ln3") for x in wb]
            names += [(p + "self.in" + x, p + "self_attn.inp" + x) for x in wb]
            names += [(p + "self.out" + x, p + "self_attn.out" + x) for x in wb]
            names += [(p + f"cross.{n}" + x, p + f"cross.{n}" + x) for n in ("q", "kv", "out") for x in wb]
            names += [(p + n + x, p + n + x) for n in ("ff1", "ff2") for x in wb]
        names += [("dec.ln" + x, "dec_ln" + x) for x in wb]
        names += [("copy.q.weight", "copy_q.weight"), ("copy.k.weight", "copy_k.weight"),
                  ("gen.bias", "gen_bias"), ("pgen.weight", "pgen.weight"), ("pgen.bias", "pgen.bias")]
        return names

    def export_tensors(self):
        sd = {k: v.detach().float().contiguous().numpy() for k, v in self.state_dict().items()}
        return {name: sd[key] for name, key in self.tensor_names()}

    def import_tensors(self, t):
        """Load weights from export_tensors() names (e.g. read back from a .ptm file)."""
        self.load_state_dict({key: torch.from_numpy(t[name].copy()) for name, key in self.tensor_names()})
