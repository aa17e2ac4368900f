"""summarize/model.py — the "lstm-pg" summarizer (pointer-generator LSTM), exactly as the C core runs it.

Spec (shared with src/core/summarize.c):
  src_ids = tokenize(normalize(text))[:S-1] + [EOS]; no BOS.
  Encoder: embed -> bidirectional LSTM (H per direction), enc_out_i = [fwd_i ; bwd_i].
  Bridge:  h0 = tanh(Wh [hf ; hb] + bh), c0 = tanh(Wc [cf ; cb] + bc), where hf/cf are the
           forward final state (after the last source position) and hb/cb the backward final
           state (after position 0).
  Keys:    K = enc_out · attn.weightᵀ.
  Step t:  x = embed[y_{t-1}] (y_{-1} = BOS), (h, c) = LSTMCell([x ; ctx_{t-1}], (h, c)), ctx_{-1} = 0;
           a = softmax(K h) over the source positions; ctx = Σ a_i enc_out_i;
           o = tanh(out.weight [h ; ctx] + out.bias); logits = embed · o + gen.bias;
           p_gen = sigmoid(pgen.weight [h ; ctx ; x] + pgen.bias);
           P(w) = p_gen softmax(logits)(w) + (1 - p_gen) Σ_{i: src_i = w} a_i;  log P = log(max(P, 1e-20)).
Dropout (training only) acts on the embeddings fed to the encoder and to the decoder.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from common.beam_torch import beam_batch

BOS, EOS = 1, 2
P_FLOOR = 1e-20


class Summarizer(nn.Module):
    def __init__(self, vocab=16000, embed=128, enc_hidden=128, dec_hidden=256, dropout=0.1):
        super().__init__()
        E, H, D = embed, enc_hidden, dec_hidden
        self.E, self.H, self.D, self.V = E, H, D, vocab
        self.embed = nn.Embedding(vocab, E)
        nn.init.normal_(self.embed.weight, std=E ** -0.5)
        self.enc = nn.LSTM(E, H, batch_first=True, bidirectional=True)
        self.bridge_h = nn.Linear(2 * H, D)
        self.bridge_c = nn.Linear(2 * H, D)
        self.dec = nn.LSTMCell(E + 2 * H, D)
        self.attn = nn.Linear(2 * H, D, bias=False)
        self.out = nn.Linear(D + 2 * H, E)
        self.gen_bias = nn.Parameter(torch.zeros(vocab))
        self.pgen = nn.Linear(D + 2 * H + E, 1)
        self.drop = nn.Dropout(dropout)

    # ---- encoder -------------------------------------------------------------------------
    def encode(self, src, lengths):
        """src [B, S] (0-padded), lengths [B] -> enc_out [B, S, 2H], keys [B, S, D], mask, (h0, c0)."""
        e = self.drop(self.embed(src))
        packed = pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, (h, c) = self.enc(packed)
        enc_out, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        h0 = torch.tanh(self.bridge_h(torch.cat([h[0], h[1]], 1)))
        c0 = torch.tanh(self.bridge_c(torch.cat([c[0], c[1]], 1)))
        keys = self.attn(enc_out)
        mask = torch.arange(src.shape[1])[None, :] < lengths[:, None]
        return enc_out, keys, mask, (h0, c0)

    def _step(self, x, ctx, state, enc_out, keys, mask):
        h, c = self.dec(torch.cat([x, ctx], 1), state)
        scores = torch.bmm(keys, h.unsqueeze(2)).squeeze(2).masked_fill(~mask, float("-inf"))
        a = torch.softmax(scores, 1)
        ctx = torch.bmm(a.unsqueeze(1), enc_out).squeeze(1)
        return h, c, a, ctx

    # ---- training ------------------------------------------------------------------------
    def forward(self, src, lengths, tgt):
        """Mean NLL per target token (teacher forcing). tgt [B, T] ends with EOS, 0-padded."""
        B, T = tgt.shape
        enc_out, keys, mask, (h, c) = self.encode(src, lengths)
        y_in = torch.cat([torch.full((B, 1), BOS, dtype=torch.long), tgt[:, :-1]], 1)
        xs = self.drop(self.embed(y_in))
        ctx = torch.zeros(B, 2 * self.H)
        Hs, Cs, As = [], [], []
        for t in range(T):
            h, c, a, ctx = self._step(xs[:, t], ctx, (h, c), enc_out, keys, mask)
            Hs.append(h)
            Cs.append(ctx)
            As.append(a)
        Hs, Cs, As = torch.stack(Hs, 1), torch.stack(Cs, 1), torch.stack(As, 1)   # [B,T,*]
        valid = tgt != 0                                   # only real target positions
        hc = torch.cat([Hs, Cs], 2)[valid]                 # [N, D+2H]
        x = xs[valid]
        y = tgt[valid]
        o = torch.tanh(self.out(hc))
        logits = o @ self.embed.weight.t() + self.gen_bias                       # [N,V]
        gen_lp = torch.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).squeeze(1)
        p_gen = torch.sigmoid(self.pgen(torch.cat([hc, x], 1))).squeeze(1)
        copy = (As * (src.unsqueeze(1) == tgt.unsqueeze(2)).float()).sum(2)[valid]
        p = p_gen * gen_lp.exp() + (1 - p_gen) * copy
        logp = torch.log(p.clamp(min=P_FLOOR))
        return -logp.mean(), torch.tensor(float(y.numel()))

    # ---- inference (golden file, dev tracking, the benchmark's PyTorch peer) --------------
    def _p_step(self, y, ctx, state, enc_out, keys, mask, src):
        """One decoder step from tokens y [B]: (P [B, V] with copying, x, (h, c), ctx)."""
        x = self.embed(y)
        h, c, a, ctx = self._step(x, ctx, state, enc_out, keys, mask)
        hc = torch.cat([h, ctx], 1)
        logits = torch.tanh(self.out(hc)) @ self.embed.weight.t() + self.gen_bias
        p_gen = torch.sigmoid(self.pgen(torch.cat([hc, x], 1)))
        p = (p_gen * torch.softmax(logits, 1)).scatter_add(1, src, (1 - p_gen) * a)
        return p, (h, c), ctx

    def _start(self, srcs):
        """Encode a batch of id lists: (src [B, S] 0-padded, enc_out, keys, mask, state, ctx)."""
        src = torch.zeros(len(srcs), max(len(s) for s in srcs), dtype=torch.long)
        for i, s in enumerate(srcs):
            src[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        enc_out, keys, mask, state = self.encode(src, torch.tensor([len(s) for s in srcs]))
        return src, enc_out, keys, mask, state, torch.zeros(len(srcs), 2 * self.H)

    @torch.no_grad()
    def greedy(self, src_ids, max_tgt, trace_steps=0):
        """Unconstrained greedy decoding: (ids, [full log P vectors of the first trace_steps steps])."""
        src, enc_out, keys, mask, state, ctx = self._start([src_ids])
        y, out, trace = torch.tensor([BOS]), [], []
        for t in range(max_tgt):
            p, state, ctx = self._p_step(y, ctx, state, enc_out, keys, mask, src)
            logp = torch.log(p.clamp(min=P_FLOOR))[0]
            if t < trace_steps:
                trace.append(logp.clone())
            out.append(int(logp.argmax()))
            if out[-1] == EOS:
                break
            y = torch.tensor([out[-1]])
        return out, trace

    @torch.no_grad()
    def greedy_batch(self, srcs, max_tgt):
        """Unconstrained greedy decoding of many sources at once -> id lists (EOS stripped)."""
        src, enc_out, keys, mask, state, ctx = self._start(srcs)
        y = torch.full((len(srcs),), BOS, dtype=torch.long)
        done = torch.zeros(len(srcs), dtype=torch.bool)
        outs = [[] for _ in srcs]
        for _ in range(max_tgt):
            p, state, ctx = self._p_step(y, ctx, state, enc_out, keys, mask, src)
            y = p.argmax(1)
            for i in range(len(srcs)):
                if not done[i]:
                    if int(y[i]) == EOS:
                        done[i] = True
                    else:
                        outs[i].append(int(y[i]))
            if bool(done.all()):
                break
        return outs

    def beam_batch(self, srcs, max_tgt, width=4, alpha=1.0):
        """Beam search of many sources at once (beam_torch.beam_batch) -> id lists (EOS stripped)."""
        src, enc_out, keys, mask, (h, c), ctx = self._start(srcs)
        rep = lambda t: t.repeat_interleave(width, 0)  # noqa: E731  row b's hypotheses: b*width ..
        src, enc_out, keys, mask = map(rep, (src, enc_out, keys, mask))
        state = {"hc": (rep(h), rep(c)), "ctx": rep(ctx)}

        def step(y, _t):
            p, state["hc"], state["ctx"] = self._p_step(y, state["ctx"], state["hc"], enc_out, keys, mask, src)
            return torch.log(p.clamp(min=P_FLOOR))

        def reorder(sel):
            state["hc"] = (state["hc"][0][sel], state["hc"][1][sel])
            state["ctx"] = state["ctx"][sel]

        return beam_batch(step, reorder, len(srcs), width, max_tgt, BOS, alpha)

    def export_tensors(self):
        sd = {k: v.detach().float().contiguous().numpy() for k, v in self.state_dict().items()}
        t = {"embed": sd["embed.weight"]}
        for d, suf in (("fwd", "l0"), ("bwd", "l0_reverse")):
            for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                t[f"enc.{d}.{w}"] = sd[f"enc.{w}_{suf}"]
        for b in ("h", "c"):
            t[f"bridge.{b}.weight"] = sd[f"bridge_{b}.weight"]
            t[f"bridge.{b}.bias"] = sd[f"bridge_{b}.bias"]
        for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            t[f"dec.{w}"] = sd[f"dec.{w}"]
        t["attn.weight"] = sd["attn.weight"]
        t["out.weight"] = sd["out.weight"]
        t["out.bias"] = sd["out.bias"]
        t["gen.bias"] = sd["gen_bias"]
        t["pgen.weight"] = sd["pgen.weight"]
        t["pgen.bias"] = sd["pgen.bias"]
        return t

    def import_tensors(self, t):
        """Load weights from export_tensors() names (e.g. read back from a .ptm file)."""
        sd = {"embed.weight": t["embed"]}
        for d, suf in (("fwd", "l0"), ("bwd", "l0_reverse")):
            for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                sd[f"enc.{w}_{suf}"] = t[f"enc.{d}.{w}"]
        for b in ("h", "c"):
            sd[f"bridge_{b}.weight"] = t[f"bridge.{b}.weight"]
            sd[f"bridge_{b}.bias"] = t[f"bridge.{b}.bias"]
        for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            sd[f"dec.{w}"] = t[f"dec.{w}"]
        sd.update({"attn.weight": t["attn.weight"], "out.weight": t["out.weight"],
                   "out.bias": t["out.bias"], "gen_bias": t["gen.bias"],
                   "pgen.weight": t["pgen.weight"], "pgen.bias": t["pgen.bias"]})
        self.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in sd.items()})
