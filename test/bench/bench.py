"""In-server measurements of make bench (test/bench/run.sh), against the running throw-away cluster.

    /usr/bin/python3 test/bench/bench.py throughput OUT PEERDIR       rows/s, prodtext and the PL/Python peer
    /usr/bin/python3 test/bench/bench.py summarize|rewrite OUT PEERDIR summaries or rewrites/s, scalar and batched
    /usr/bin/python3 test/bench/bench.py latency OUT CONFIG PEERDIR    first call in a new connection
    /usr/bin/python3 test/bench/bench.py memory OUT CONFIG PEERDIR     PSS of 1, 8 and 32 backends
    /usr/bin/python3 test/bench/bench.py report OUT                    the table (stdout) and the plots

PEERDIR holds pg_torch_peer.py, pg_torch_decoders.py and their files,
readable by the server; "-" leaves the peer out.  CONFIG is a label: "no preload" or "preload".

Connections go through psql over the unix socket in PGHOST (one long-lived
psql per session, fed through a pipe).  Throughput is rows per CPU-second of
the backend (the sum of its threads' run time from /proc/PID/task/*/schedstat),
so it is a per-core rate that holds up when other jobs share the machine;
wall-clock rates are kept in the CSV too.  Memory is the proportional set
size from /proc/PID/smaps_rollup (root, or the server's OS user, can read it).
"""
import csv
import os
import statistics
import subprocess
import sys
import time

MARK = "@@bench-done@@"
PEER_ROWS = "id % 5 = 0"          # the PL/Python peer scores every 5th review (2,000 per language)
LATENCY_REPS = 7
PEER_LATENCY_REPS = 3
BACKENDS = (1, 8, 32)
PEER_BACKENDS = (1, 4)
TEXT = {"en": "Great cooler, excellent air flow. Love it!", "zh": "质量很好，物流也快，非常满意！"}
DESCRIPTION = "Cotton t-shirt with a round neck, short sleeves and a regular fit."


class Session:
    """One psql connection kept open; run() sends SQL and waits for its output."""

    def __init__(self):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=0"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pid = int(self.run("SELECT pg_backend_pid()")[0])

    def run(self, sql):
        self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + MARK + "\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError(f"psql exited; output so far: {out}")
            line = line.rstrip("\n")
            if line == MARK:
                break
            out.append(line)
        if any("ERROR:" in x for x in out):
            raise RuntimeError(f"{sql}\n" + "\n".join(out))
        return out

    def cpu_s(self):
        """CPU seconds used so far by every thread of the backend."""
        base = f"/proc/{self.pid}/task"
        total = 0
        for t in os.listdir(base):
            try:
                with open(f"{base}/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
            except OSError:
                pass
        return total / 1e9

    def timed(self, sql):
        """(wall seconds, backend CPU seconds) of one statement."""
        c0, t0 = self.cpu_s(), time.perf_counter()
        self.run(sql)
        t1 = time.perf_counter()
        return t1 - t0, self.cpu_s() - c0

    def memory(self):
        """smaps_rollup fields in KiB: Rss, Pss, Pss_Anon, Pss_File, Pss_Shmem."""
        out = {}
        with open(f"/proc/{self.pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[2] == "kB":
                    out[parts[0].rstrip(":")] = int(parts[1])
        return out

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            self.p.wait(timeout=30)


def write_csv(path, rows, fields):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def append_csv(path, rows, fields):
    old = read_csv(path)
    write_csv(path, old + rows, fields)


# ---- the PL/Python peer ----

PRODTEXT_DEFAULTS = {"prodtext.beam_width": 4, "prodtext.rewrite_beam_width": 1}  # src/pg/pg_guc.c

def peer_sql(peerdir):
    """The peer's functions: torch_sentiment, torch_summarize and torch_rewrite, each for text and text[]."""
    def body(key, module):
        return (f"if {key!r} not in GD:\n    import sys\n    sys.path.insert(0, {peerdir!r})\n"
                f"    import {module}\n    GD[{key!r}] = {module}\n")
    def beam(setting):
        """The beam width of prodtext's setting; its default where prodtext is not loaded (memory runs)."""
        return (f"int(plpy.execute(\"SELECT coalesce(current_setting('{setting}', true), "
                f"'{PRODTEXT_DEFAULTS[setting]}') b\")[0]['b'])")
    calls = {"torch_sentiment": ("real", body("peer", "pg_torch_peer"), "GD['peer'].score({})"),
             "torch_summarize": ("text", body("dec", "pg_torch_decoders"),
                                 "GD['dec'].run('summarize', {}, " + beam("prodtext.beam_width") + ")"),
             "torch_rewrite": ("text", body("dec", "pg_torch_decoders"),
                               "GD['dec'].run('rewrite', {}, " + beam("prodtext.rewrite_beam_width") + ")")}
    sql = "CREATE EXTENSION IF NOT EXISTS plpython3u;\n"
    for fn, (ret, load, call) in calls.items():
        sql += (f"CREATE OR REPLACE FUNCTION {fn}(t text) RETURNS {ret}\n"
                f"LANGUAGE plpython3u STRICT PARALLEL SAFE AS $py$\n{load}return {call.format('[t]')}[0]\n$py$;\n"
                f"CREATE OR REPLACE FUNCTION {fn}(t text[]) RETURNS {ret}[]\n"
                f"LANGUAGE plpython3u STRICT PARALLEL SAFE AS $py$\n{load}return {call.format('t')}\n$py$;\n")
    return sql


# ---- throughput ----

FORMS = [  # name, SQL over the rows of one language (%s: the WHERE clause)
    ("sentiment(text)", "SELECT sum(sentiment(body)) FROM bench_reviews WHERE {w}"),
    ("sentiment(text[]) x256",
     "SELECT sum(s) FROM (SELECT unnest(sentiment(array_agg(body))) s FROM bench_reviews "
     "WHERE {w} GROUP BY id / 256) x"),
    ("sentiment_avg(text)", "SELECT sentiment_avg(body) FROM bench_reviews WHERE {w}"),
]
PEER_FORMS = [
    ("torch_sentiment(text)", "SELECT sum(torch_sentiment(body)) FROM bench_reviews WHERE {w}"),
    ("torch_sentiment(text[]) x256",
     "SELECT sum(s) FROM (SELECT unnest(torch_sentiment(array_agg(body))) s FROM bench_reviews "
     "WHERE {w} GROUP BY id / 256) x"),
]
THROUGHPUT_FIELDS = ["engine", "function", "lang", "rows", "cpu_s", "wall_s", "rows_per_cpu_s", "rows_per_wall_s"]


def best_run(s, sql, runs=2):
    """(wall seconds, backend CPU seconds) of the run with the least CPU time."""
    return min((s.timed(sql) for _ in range(runs)), key=lambda r: r[1])


def rate_row(engine, name, lang, n, wall, cpu):
    return dict(engine=engine, function=name, lang=lang, rows=n, cpu_s=f"{cpu:.3f}", wall_s=f"{wall:.3f}",
                rows_per_cpu_s=f"{n / cpu:.0f}", rows_per_wall_s=f"{n / wall:.0f}")


def measuring_session():
    """A session for per-row rates: no parallel workers, and no JIT.  The JIT compile is a cost per
    query, not per row, and speeds up neither engine's function calls; with the planner's guess of
    the number of arrays in a GROUP BY it can be a fifth of a 10,000-row query."""
    s = Session()
    s.run("SET max_parallel_workers_per_gather = 0")
    s.run("SET jit = off")
    return s


def throughput(out, peerdir):
    s = measuring_session()
    if peerdir != "-":
        s.run(peer_sql(peerdir))
    s.run(f"SELECT sentiment('{TEXT['en']}'), sentiment('{TEXT['zh']}')")
    rows = []
    counts = {}
    for lang in ("en", "zh"):
        counts[lang] = int(s.run(f"SELECT count(*) FROM bench_reviews WHERE lang = '{lang}'")[0])
        counts[lang, "peer"] = int(s.run(
            f"SELECT count(*) FROM bench_reviews WHERE lang = '{lang}' AND {PEER_ROWS}")[0])
    # prodtext: best of two runs of each form
    for name, q in FORMS:
        for lang in ("en", "zh"):
            n = counts[lang]
            rows.append(rate_row("prodtext", name, lang, n, *best_run(s, q.format(w=f"lang = '{lang}'"))))
            print(f"   prodtext {name:<28} {lang}: {rows[-1]['rows_per_cpu_s']:>8} rows/s", flush=True)
    write_csv(os.path.join(out, "throughput.csv"), rows, THROUGHPUT_FIELDS)
    if peerdir == "-":
        s.close()
        return
    # the peer, in the same backend, after a warm-up that loads torch and both models
    s.run(f"SELECT torch_sentiment('{TEXT['en']}'), torch_sentiment('{TEXT['zh']}')")
    for name, q in PEER_FORMS:
        for lang in ("en", "zh"):
            n = counts[lang, "peer"]
            rows.append(rate_row("plpython+torch", name, lang, n,
                                 *s.timed(q.format(w=f"lang = '{lang}' AND {PEER_ROWS}"))))
            print(f"   peer     {name:<28} {lang}: {rows[-1]['rows_per_cpu_s']:>8} rows/s", flush=True)
    # the peer computes the same model: compare the scores
    diff = s.run(f"SELECT max(abs(sentiment(body) - torch_sentiment(body))) FROM bench_reviews "
                 f"WHERE {PEER_ROWS} AND id % 25 = 0")[0]
    s.close()
    write_csv(os.path.join(out, "throughput.csv"), rows, THROUGHPUT_FIELDS)
    with open(os.path.join(out, "peer-agreement.txt"), "w") as f:
        f.write(diff + "\n")
    print(f"   max |prodtext - peer| polarity over {2 * counts['en', 'peer'] // 5} reviews: {diff}")


# ---- summarize and rewrite: 1,000 real product descriptions ----

def batched(fn, size, where="true"):
    return (f"SELECT sum(length(s)) FROM (SELECT unnest({fn}(array_agg(body))) s "
            f"FROM bench_descriptions WHERE {where} GROUP BY id / {size}) x")


PEER_DESCRIPTIONS = "id % 5 = 0"  # the PL/Python peer decodes every 5th description (200)

# task -> what it makes, the target (per second per core, batched), forms (name, setting, SQL,
# the peer form it is compared with), the peer's forms (name -> SQL)
DECODERS = {
    "summarize": ("summaries", 300, "budget 200 characters", [
        ("summarize(text)", "RESET prodtext.beam_width", "SELECT sum(length(summarize(body))) FROM bench_descriptions",
         "torch_summarize(text)"),
        ("summarize(text[]) x256", "RESET prodtext.beam_width", batched("summarize", 256), "torch_summarize(text[]) x256"),
        ("summarize(text[]) x256, greedy", "SET prodtext.beam_width = 1", batched("summarize", 256),
         "torch_summarize(text[]) x256, greedy"),
    ], {
        "torch_summarize(text)": ("RESET prodtext.beam_width",
                                  f"SELECT sum(length(torch_summarize(body))) FROM bench_descriptions WHERE {PEER_DESCRIPTIONS}"),
        "torch_summarize(text[]) x256": ("RESET prodtext.beam_width", batched("torch_summarize", 256, PEER_DESCRIPTIONS)),
        "torch_summarize(text[]) x256, greedy": ("SET prodtext.beam_width = 1",
                                                 batched("torch_summarize", 256, PEER_DESCRIPTIONS)),
    }),
    "rewrite": ("rewrites", 50, "no budget", [
        ("rewrite(text), greedy", "RESET prodtext.rewrite_beam_width", "SELECT sum(length(rewrite(body))) FROM bench_descriptions",
         "torch_rewrite(text)"),
        ("rewrite(text[]) x64, greedy", "RESET prodtext.rewrite_beam_width", batched("rewrite", 64), "torch_rewrite(text[]) x64"),
        ("rewrite(text[]) x64, beam 4", "SET prodtext.rewrite_beam_width = 4", batched("rewrite", 64),
         "torch_rewrite(text[]) x64, beam 4"),
    ], {
        "torch_rewrite(text)": ("RESET prodtext.rewrite_beam_width",
                                f"SELECT sum(length(torch_rewrite(body))) FROM bench_descriptions WHERE {PEER_DESCRIPTIONS}"),
        "torch_rewrite(text[]) x64": ("RESET prodtext.rewrite_beam_width", batched("torch_rewrite", 64, PEER_DESCRIPTIONS)),
        "torch_rewrite(text[]) x64, beam 4": ("SET prodtext.rewrite_beam_width = 4",
                                              batched("torch_rewrite", 64, PEER_DESCRIPTIONS)),
    }),
}


def decoder(out, task, peerdir):
    what, _, budget, forms, peer_forms = DECODERS[task]
    s = measuring_session()
    model = s.run(f"SELECT string_agg(name || ' ' || version, ', ') FROM prodtext_models() WHERE task = '{task}'")
    model = model[0] if model and model[0] else "none installed: model-free path only"
    n = int(s.run("SELECT count(*) FROM bench_descriptions")[0])
    chars = s.run("SELECT round(avg(char_length(body))) FROM bench_descriptions")[0]
    s.run(f"SELECT {task}('{DESCRIPTION}')")  # warm-up: maps the model, builds the task object
    print(f"   model: {model}; {n} descriptions, {chars} characters on average; {budget}", flush=True)
    rows = []
    for name, setting, q, _ in forms:
        s.run(setting)
        rows.append(rate_row("prodtext", name, "en", n, *best_run(s, q)))
        print(f"   prodtext {name:<32} en: {rows[-1]['rows_per_cpu_s']:>8} {what}/s", flush=True)
    if peerdir != "-":
        s.run(peer_sql(peerdir))
        n_peer = int(s.run(f"SELECT count(*) FROM bench_descriptions WHERE {PEER_DESCRIPTIONS}")[0])
        s.run(f"SELECT torch_{task}('{DESCRIPTION}')")  # warm-up: loads torch and the model
        for name, (setting, q) in peer_forms.items():
            s.run(setting)
            rows.append(rate_row("plpython+torch", name, "en", n_peer, *s.timed(q)))
            print(f"   peer     {name:<32} en: {rows[-1]['rows_per_cpu_s']:>8} {what}/s", flush=True)
    s.close()
    write_csv(os.path.join(out, f"{task}.csv"), rows, THROUGHPUT_FIELDS)


def decoder_report(out, task):
    what, target, budget, forms, _ = DECODERS[task]
    rows = read_csv(os.path.join(out, f"{task}.csv"))
    if not rows:
        return []
    rate = {r["function"]: float(r["rows_per_cpu_s"]) for r in rows}
    peer_of = {name: peer for name, _, _, peer in forms}
    print(f"\n{task}, {rows[0]['rows']} real product descriptions (Myntra), {budget}; "
          f"{what} per CPU-second of one backend (target: >= {target} batched)")
    print(f"{'function':<34} {what + '/s':>11} {'ms each':>8} {'wall s':>7}   {'peer':<30} {what + '/s':>11} {'x peer':>7}")
    summary = []
    for r in rows:
        v = float(r["rows_per_cpu_s"])
        peer = peer_of.get(r["function"], "")
        p = rate.get(peer)
        ratio = f"{v / p:.1f}" if p and r["engine"] == "prodtext" else ""
        print(f"{r['function']:<34} {v:11.0f} {1000 / v:8.2f} {float(r['wall_s']):7.2f}   "
              f"{peer if p else '':<30} {f'{p:.0f}' if p else '':>11} {ratio:>7}")
        summary.append(dict(what=r["function"], lang="en", rows_per_s=f"{v:.0f}", gflops="", pct_peak="",
                            peer_rows_per_s=f"{p:.0f}" if p else "", ratio=ratio))
    print(f"(peer: PL/Python torch_{task}() in the same server, the same weights in the training code's "
          f"PyTorch modules, the beam width of prodtext's setting, one model pass per row, no guards; "
          f"every 5th description)")
    return summary


# ---- first-call latency in a new connection ----

LATENCY_CALLS = [
    ("LOAD 'prodtext' (library only)", "LOAD 'prodtext'"),
    ("sentiment(text) en", f"SELECT sentiment('{TEXT['en']}')"),
    ("sentiment(text) zh", f"SELECT sentiment('{TEXT['zh']}')"),
    ("sentiment_label(text)", f"SELECT sentiment_label('{TEXT['en']}')"),
    ("sentiment(text[]) en+zh", f"SELECT sentiment(ARRAY['{TEXT['en']}', '{TEXT['zh']}'])"),
    ("sentiment_avg(text) en+zh",
     f"SELECT sentiment_avg(t) FROM (VALUES ('{TEXT['en']}'), ('{TEXT['zh']}')) v(t)"),
    ("sentiment_explain(text)", f"SELECT count(*) FROM sentiment_explain('{TEXT['en']}')"),
    ("summarize(text) en", f"SELECT summarize('{DESCRIPTION}')"),
    ("summarize_agg(text) en", f"SELECT summarize_agg(t) FROM (VALUES ('{TEXT['en']}'), ('{DESCRIPTION}')) v(t)"),
    ("rewrite(text) en", f"SELECT rewrite('{DESCRIPTION}')"),
]
PEER_LATENCY_CALLS = [
    ("LOAD 'prodtext' (library only)", "LOAD 'prodtext'"),
    ("torch_sentiment(text) en", f"SELECT torch_sentiment('{TEXT['en']}')"),
    ("torch_sentiment(text[]) en+zh", f"SELECT torch_sentiment(ARRAY['{TEXT['en']}', '{TEXT['zh']}'])"),
]
LATENCY_FIELDS = ["config", "engine", "function", "first_call_ms", "second_call_ms", "select1_ms", "reps"]


def latency(out, config, peerdir):
    rows = []
    calls = [("prodtext", c, LATENCY_REPS) for c in LATENCY_CALLS]
    if peerdir != "-":
        calls += [("plpython+torch", c, PEER_LATENCY_REPS) for c in PEER_LATENCY_CALLS]
    for engine, (name, q), reps in calls:
        first, second, base = [], [], []
        for _ in range(reps):
            s = Session()
            base.append(s.timed("SELECT 1")[0])
            first.append(s.timed(q)[0])
            second.append(s.timed(q)[0])
            s.close()
        med = lambda v: f"{statistics.median(v) * 1000:.2f}"  # noqa: E731
        rows.append(dict(config=config, engine=engine, function=name, first_call_ms=med(first),
                         second_call_ms=med(second), select1_ms=med(base), reps=reps))
        print(f"   {config:<11} {name:<30} first {med(first):>9} ms, then {med(second):>7} ms", flush=True)
    append_csv(os.path.join(out, "latency.csv"), rows, LATENCY_FIELDS)


# ---- memory ----

# what each backend runs before its PSS is read, using every model: 200 reviews of both languages
# through every form of sentiment, 10 descriptions through summarize and rewrite; {k} spreads rows
# over backends; plain backends run the same SQL with length()
DESCRIPTIONS_K = "FROM bench_descriptions d WHERE d.id % 100 = {k}"
WORKLOADS = {
    "plain": ("SELECT count(length(body)), avg(length(body)), "
              "(SELECT sum(length(s)) FROM unnest(array_agg(body)) s), "
              f"(SELECT sum(length(d.body)) + sum(length(d.body)) {DESCRIPTIONS_K}) "
              "FROM bench_reviews WHERE id % 100 = {k}"),
    "prodtext": ("SELECT count(sentiment(body)), sentiment_avg(body), "
                 "(SELECT sum(s) FROM unnest(sentiment(array_agg(body))) s), "
                 f"(SELECT sum(length(summarize(d.body))) + sum(length(rewrite(d.body))) {DESCRIPTIONS_K}) "
                 "FROM bench_reviews WHERE id % 100 = {k}"),
    "plpython+torch": ("SELECT (SELECT sum(s) FROM unnest(torch_sentiment(array_agg(body))) s), "
                       "(SELECT sum(length(s)) FROM (SELECT unnest(torch_summarize(array_agg(d.body)) || "
                       f"torch_rewrite(array_agg(d.body))) s {DESCRIPTIONS_K}) x) "
                       "FROM bench_reviews WHERE id % 100 = {k}"),
}
MEMORY_FIELDS = ["config", "engine", "backends", "pss_total_kib", "pss_per_backend_kib",
                 "pss_anon_per_backend_kib", "pss_file_per_backend_kib", "rss_per_backend_kib"]


def memory(out, config, peerdir):
    rows = []
    engines = [("plain", sorted(set(BACKENDS + PEER_BACKENDS))), ("prodtext", BACKENDS)]
    if peerdir != "-":
        engines.append(("plpython+torch", PEER_BACKENDS))
    for engine, counts in engines:
        sessions = []
        for n in counts:
            while len(sessions) < n:
                s = Session()
                s.run("SET max_parallel_workers_per_gather = 0")
                s.run(WORKLOADS[engine].format(k=len(sessions) % 100))
                sessions.append(s)
            mem = [s.memory() for s in sessions]
            tot = lambda key: sum(m.get(key, 0) for m in mem)  # noqa: E731
            rows.append(dict(config=config, engine=engine, backends=n, pss_total_kib=tot("Pss"),
                             pss_per_backend_kib=round(tot("Pss") / n),
                             pss_anon_per_backend_kib=round(tot("Pss_Anon") / n),
                             pss_file_per_backend_kib=round(tot("Pss_File") / n),
                             rss_per_backend_kib=round(tot("Rss") / n)))
            print(f"   {config:<11} {engine:<15} {n:>3} backends: PSS {tot('Pss') / 1024:8.1f} MiB in all, "
                  f"{tot('Pss') / n / 1024:6.2f} MiB each", flush=True)
        for s in sessions:
            s.close()
    append_csv(os.path.join(out, "memory.csv"), rows, MEMORY_FIELDS)


# ---- the table and the plots ----

def report(out):
    core = read_csv(os.path.join(out, "sentiment-core.csv"))
    thr = read_csv(os.path.join(out, "throughput.csv"))
    lat = read_csv(os.path.join(out, "latency.csv"))
    mem = read_csv(os.path.join(out, "memory.csv"))
    peak = max(float(r["sgemm_peak"]) for r in core)
    flops = {r["lang"]: float(r["flops_per_row"]) for r in core}
    rate = {(r["engine"], r["function"], r["lang"]): float(r["rows_per_cpu_s"]) for r in thr}
    peer_of = {"sentiment(text)": "torch_sentiment(text)",
               "sentiment(text[]) x256": "torch_sentiment(text[]) x256",
               "sentiment_avg(text)": "torch_sentiment(text[]) x256"}
    summary = []

    kernels = os.path.join(out, "kernels.txt")  # bench_kernels: the OpenBLAS core, and a warning when not the best
    if os.path.exists(kernels):
        print(open(kernels).read().rstrip())
    print(f"\nsentiment, 10,000 real reviews per language; rows/s = rows per CPU-second of one "
          f"backend (one core, one thread)\nsgemm peak, one thread, this run: {peak:.0f} GFLOP/s\n")
    hdr = f"{'function':<30} {'lang':<4} {'rows/s':>8} {'GFLOP/s':>8} {'% peak':>7}   {'peer rows/s':>11} {'x peer':>7}"
    print(hdr)
    print("-" * len(hdr))
    for r in core:
        lang, prec = r["lang"], r["precision"]
        for name, c, t in ((f"core C {prec}, 1 row/call", "c_rows_per_s_single", "torch_rows_per_s_single"),
                           (f"core C {prec}, 256 rows/call", "c_rows_per_s_batch256", "torch_rows_per_s_batch256")):
            v, p = float(r[c]), r[t]
            g = v * flops[lang] / 1e9
            ratio = f"{v / float(p):.1f}" if p not in ("", "n/a") else "n/a"
            print(f"{name:<30} {lang:<4} {v:8.0f} {g:8.1f} {100 * g / peak:6.1f}%   {p:>11} {ratio:>7}")
            summary.append(dict(what=name, lang=lang, rows_per_s=f"{v:.0f}", gflops=f"{g:.1f}",
                                pct_peak=f"{100 * g / peak:.1f}", peer_rows_per_s=p, ratio=ratio))
    for name in peer_of:
        for lang in ("en", "zh"):
            v = rate.get(("prodtext", name, lang))
            p = rate.get(("plpython+torch", peer_of[name], lang))
            if v is None:
                continue
            g = v * flops[lang] / 1e9
            ratio = f"{v / p:.1f}" if p else "n/a"
            print(f"{name:<30} {lang:<4} {v:8.0f} {g:8.1f} {100 * g / peak:6.1f}%   "
                  f"{p or 0:11.0f} {ratio:>7}")
            summary.append(dict(what=name, lang=lang, rows_per_s=f"{v:.0f}", gflops=f"{g:.1f}",
                                pct_peak=f"{100 * g / peak:.1f}", peer_rows_per_s=f"{p or 0:.0f}", ratio=ratio))
    print("(peer: torch_peer.py outside the server for the core rows; PL/Python torch_sentiment() in the same "
          "server for SQL rows, arrays of 256 for sentiment_avg.  SQL rows use the 8-bit convolutions where the "
          "CPU has AVX-512 VNNI; GFLOP/s counts fp32-equivalent multiply-adds, so int8 rows are effective rates)")
    agree = os.path.join(out, "peer-agreement.txt")
    if os.path.exists(agree):
        print(f"max |prodtext - peer| polarity on a sample: {open(agree).read().strip()}")
    write_csv(os.path.join(out, "summary-throughput.csv"), summary,
              ["what", "lang", "rows_per_s", "gflops", "pct_peak", "peer_rows_per_s", "ratio"])

    print(f"\nfirst call in a new connection, ms (median; SELECT 1 on the same connection ~"
          f"{statistics.median(float(r['select1_ms']) for r in lat):.2f} ms)")
    print(f"{'function':<32} {'no preload':>11} {'preload':>9} {'2nd call':>9}")
    by = {(r["config"], r["function"]): r for r in lat}
    for name in dict.fromkeys(r["function"] for r in lat):
        a, b = by.get(("no preload", name)), by.get(("preload", name))
        print(f"{name:<32} {a['first_call_ms'] if a else '':>11} {b['first_call_ms'] if b else '':>9} "
              f"{(a or b)['second_call_ms']:>9}")

    print("\nmemory: PSS of N backends that each used every model (MiB); extra = over as many plain backends "
          "running the same SQL without prodtext;\nmarginal = extra PSS one more backend adds (from the previous N), "
          "all / file-backed (the weights' mapping) / anonymous (heap)")
    print(f"{'config':<11} {'engine':<15} {'N':>3} {'PSS total':>10} {'per backend':>12} "
          f"{'extra/backend':>14} {'marginal all / file / anon':>27}")
    tot_of = lambda r, key: int(r[key]) * int(r["backends"])  # noqa: E731
    plain = {(r["config"], int(r["backends"])): r for r in mem if r["engine"] == "plain"}
    prev = {}
    mem_summary = []
    for r in mem:
        n = int(r["backends"])
        tot = int(r["pss_total_kib"])
        extra = marg = ""
        fields = ("pss_total_kib", "pss_file_per_backend_kib", "pss_anon_per_backend_kib")
        base = plain.get((r["config"], n)) or plain.get(("no preload", n))
        over = None
        if r["engine"] != "plain" and base is not None:
            over = [(int(r[f]) if f == "pss_total_kib" else tot_of(r, f)) -
                    (int(base[f]) if f == "pss_total_kib" else tot_of(base, f)) for f in fields]
            extra = f"{over[0] / n / 1024:.2f}"
        key = (r["config"], r["engine"])
        if over is not None and key in prev:
            pn, pover = prev[key]
            marg = " / ".join(f"{(a - b) / (n - pn) / 1024:.2f}" for a, b in zip(over, pover))
        if over is not None:
            prev[key] = (n, over)
        print(f"{r['config']:<11} {r['engine']:<15} {n:>3} {tot / 1024:10.1f} {tot / n / 1024:12.2f} "
              f"{extra:>14} {marg:>27}")
        mem_summary.append(dict(config=r["config"], engine=r["engine"], backends=n,
                                pss_total_mib=f"{tot / 1024:.1f}", pss_per_backend_mib=f"{tot / n / 1024:.2f}",
                                extra_per_backend_mib=extra, marginal_all_file_anon_mib=marg))
    write_csv(os.path.join(out, "summary-memory.csv"), mem_summary,
              ["config", "engine", "backends", "pss_total_mib", "pss_per_backend_mib",
               "extra_per_backend_mib", "marginal_all_file_anon_mib"])
    decoders = decoder_report(out, "summarize") + decoder_report(out, "rewrite")
    write_csv(os.path.join(out, "summary-decoders.csv"), decoders,
              ["what", "lang", "rows_per_s", "gflops", "pct_peak", "peer_rows_per_s", "ratio"])
    plots(out, summary, mem)


def plots(out, summary, mem):
    """throughput.png and memory.png with gnuplot, when it is installed."""
    if subprocess.run(["sh", "-c", "command -v gnuplot"], capture_output=True).returncode != 0:
        print("(gnuplot not installed: no plots; scripts/install-deps.sh --bench)")
        return
    with open(os.path.join(out, "plot-throughput.dat"), "w") as f:
        for r in summary:
            if r["peer_rows_per_s"] not in ("", "n/a", "0"):
                f.write(f"\"{r['what'].replace('core C ', 'C ')} {r['lang']}\" {r['rows_per_s']} "
                        f"{r['peer_rows_per_s']}\n")
    for engine in ("plain", "prodtext", "plpython+torch"):
        for config in ("no preload", "preload"):
            rows = [r for r in mem if r["engine"] == engine and r["config"] == config]
            if rows:
                with open(os.path.join(out, f"plot-mem-{engine.replace('+', '-')}-{config.replace(' ', '-')}.dat"),
                          "w") as f:
                    for r in rows:
                        f.write(f"{r['backends']} {int(r['pss_total_kib']) / 1024:.1f}\n")
    mem_lines = []
    for engine, config, title in (("plain", "no preload", "plain backends (no prodtext)"),
                                  ("prodtext", "no preload", "prodtext"),
                                  ("prodtext", "preload", "prodtext, shared\\_preload\\_libraries"),
                                  ("plpython-torch", "no preload", "PL/Python + PyTorch")):
        p = os.path.join(out, f"plot-mem-{engine}-{config.replace(' ', '-')}.dat")
        if os.path.exists(p):
            mem_lines.append(f"'{p}' using 1:2 with linespoints lw 2 pt 7 title '{title}'")
    script = f"""
set terminal pngcairo size 1000,520 font 'DejaVu Sans,10'
set output '{out}/throughput.png'
set title 'sentiment throughput, rows per CPU-second of one core (higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set yrange [0:*]
set grid ytics
set xtics rotate by -30 noenhance
set key outside top center horizontal
plot '{out}/plot-throughput.dat' using 2:xtic(1) title 'prodtext (C)' lc rgb '#1f77b4', \
     '' using 3 title 'PyTorch peer' lc rgb '#d62728'
set output '{out}/memory.png'
set title 'memory: total PSS of N backends that each used both sentiment models'
set style data linespoints
unset key
set key top left
set logscale x 2
set xrange [0.8:40]
set yrange [0:*]
set xlabel 'backends'
set ylabel 'PSS, MiB (sum over the backends)'
set xtics (1, 4, 8, 32) norotate
set key top left
plot {', '.join(mem_lines)}
"""
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        print("gnuplot failed:\n" + r.stderr)
    else:
        print(f"\nplots: {out}/throughput.png {out}/memory.png")


def main():
    cmd, out = sys.argv[1], sys.argv[2]
    if cmd == "throughput":
        throughput(out, sys.argv[3])
    elif cmd in DECODERS:
        decoder(out, cmd, sys.argv[3])
    elif cmd == "latency":
        latency(out, sys.argv[3], sys.argv[4])
    elif cmd == "memory":
        memory(out, sys.argv[3], sys.argv[4])
    elif cmd == "report":
        report(out)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
