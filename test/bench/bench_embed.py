"""embed() in make bench (test/bench/run.sh): rows per CPU-second of one backend, prodtext against
the same model in PL/Python + PyTorch (pg_torch_embed.py), on the benchmark's real reviews (10,000
per language) and 1,000 product descriptions, in the running throw-away cluster.

    /usr/bin/python3 test/bench/bench_embed.py OUT PEERDIR      writes OUT/embed.csv, prints the table

PEERDIR as for bench.py ("-": no peer).  The peer embeds every 5th row; its vectors are compared with
embed()'s (max |difference| of an element).
"""
import os
import sys

from bench import PEER_ROWS, best_run, measuring_session, rate_row, write_csv, THROUGHPUT_FIELDS

SOURCES = {  # name -> (table, WHERE)
    "reviews en": ("bench_reviews", "lang = 'en'"),
    "reviews zh": ("bench_reviews", "lang = 'zh'"),
    "descriptions en": ("bench_descriptions", "true"),
}


def peer_sql(peerdir):
    return ("CREATE EXTENSION IF NOT EXISTS plpython3u;\n"
            "CREATE OR REPLACE FUNCTION torch_embed(t text) RETURNS real[]\n"
            "LANGUAGE plpython3u STRICT PARALLEL SAFE AS $py$\n"
            f"if 'embed' not in GD:\n    import sys\n    sys.path.insert(0, {peerdir!r})\n"
            "    import pg_torch_embed\n    GD['embed'] = pg_torch_embed\n"
            "return GD['embed'].embed([t])[0]\n$py$;\n")


def main():
    out, peerdir = sys.argv[1], sys.argv[2]
    s = measuring_session()
    s.run("SELECT embed('warm-up: load the model')")
    if peerdir != "-":
        s.run(peer_sql(peerdir))
        s.run("SELECT torch_embed('warm-up: load torch and the model')")
    rows = []
    for name, (table, where) in SOURCES.items():
        n = int(s.run(f"SELECT count(*) FROM {table} WHERE {where}")[0])
        q = f"SELECT sum(array_length(embed(body), 1)) FROM {table} WHERE {where}"
        rows.append(rate_row("prodtext", "embed(text)", name, n, *best_run(s, q)))
        line = f"   embed(text)       {name:<16} {rows[-1]['rows_per_cpu_s']:>8} rows/s"
        if peerdir != "-":
            n = int(s.run(f"SELECT count(*) FROM {table} WHERE {where} AND {PEER_ROWS}")[0])
            q = f"SELECT sum(array_length(torch_embed(body), 1)) FROM {table} WHERE {where} AND {PEER_ROWS}"
            rows.append(rate_row("plpython+torch", "torch_embed(text)", name, n, *s.timed(q)))
            ratio = float(rows[-2]["rows_per_cpu_s"]) / float(rows[-1]["rows_per_cpu_s"])
            diff = s.run(f"SELECT max(abs(a - b)) FROM (SELECT unnest(embed(body)) a, unnest(torch_embed(body)) b "
                         f"FROM {table} WHERE {where} AND id % 50 = 0) x")[0]
            line += f"; peer {rows[-1]['rows_per_cpu_s']:>6} rows/s; ratio {ratio:.1f}x; max |diff| {diff}"
        print(line, flush=True)
    s.close()
    write_csv(os.path.join(out, "embed.csv"), rows, THROUGHPUT_FIELDS)


if __name__ == "__main__":
    main()
