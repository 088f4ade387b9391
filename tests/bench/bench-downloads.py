#!/usr/bin/env python3
"""Meanwhile's download benchmarks, against curl and wget on the same loopback nginx.

SPDX-License-Identifier: GPL-3.0-or-later

  large-file        one large file (1 GiB): the engine vs `curl -o` and `wget -O`, also
                    with SHA-256 verification (against curl followed by sha256sum); wall
                    time, CPU time, peak RSS, and how much the peak RSS grows with the size
  eight-at-once     eight files of 256 MiB at once: the engine vs eight parallel curls;
                    aggregate throughput, and the engine's main-loop lateness in
                    responsive and in freezing mode, and of the same program idle; and
                    what recording the timeline costs (the engine with it and without)
  thousand-at-once  1,000 downloads at once from nginx's throttled /slow/ location: peak
                    RSS per download and the process's thread count, at 1, 10 and 1,000

The engine runs in tests/bench/mw-bench-download (path in MW_BENCH_DOWNLOAD), a program
without a window that downloads with an MwDownloadList as the app does and prints its
figures as one JSON line. Timings are printed, never asserted.

Usage: bench-downloads.py [large-file] [eight-at-once] [thousand-at-once]   (all if none)
Environment: see mwbench.py (MW_BENCH_RUNS, MW_BENCH_QUICK, MW_BENCH_RESULTS), and
  MW_BENCH_DATA   a folder in which to keep the generated input files between runs
                  (by default they go to a temporary folder that is removed at the end)
"""

import json
import os
import shutil
import sys
import tempfile

import mwbench
from mwbench import MIB, QUICK, log

DRIVER = os.environ.get("MW_BENCH_DOWNLOAD", "")

LARGE_SIZE = (64 if QUICK else 1024) * MIB
SMALL_SIZE = 1 * MIB
EIGHT_SIZE = (16 if QUICK else 256) * MIB
MANY = 100 if QUICK else 1000
MANY_SIZE = 64 * 1024
# 64 KiB at 8 KiB/s: eight seconds per download, long enough for all of them to be
# running at the same time however long the first connections take.
SLOW_RATE = 8 * 1024


def driver_figures(result):
    """The JSON line mw-bench-download printed."""
    for line in reversed(result["stdout"].splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("mw-bench-download printed no figures: " + result["stderr"][-2000:])


def sha256_of(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 * MIB), b""):
            h.update(block)
    return h.hexdigest()


class Workspace:
    """Input files (kept in MW_BENCH_DATA if set) and an output folder per contender."""

    def __init__(self):
        self.keep = os.environ.get("MW_BENCH_DATA")
        if self.keep:
            os.makedirs(self.keep, exist_ok=True)
            self.data = self.keep
        else:
            self.data = tempfile.mkdtemp(prefix="mw-bench-data-", dir="/var/tmp")
        self.out = tempfile.mkdtemp(prefix="mw-bench-out-", dir="/var/tmp")

    def input(self, name, size):
        return mwbench.make_file(os.path.join(self.data, name), size)

    def output(self, contender):
        return os.path.join(self.out, contender.replace(" ", "-").replace(",", ""))

    def clear_outputs(self, contender=None):
        """Empties the output folders and flushes what earlier runs wrote, so that no run
        pays for the previous one's writeback."""
        shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(self.out, exist_ok=True)
        os.sync()

    def close(self):
        shutil.rmtree(self.out, ignore_errors=True)
        if not self.keep:
            shutil.rmtree(self.data, ignore_errors=True)


def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


def table(title, header, rows):
    log("")
    log(f"## {title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header] + rows:
        log("   " + "  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                              for i, (x, w) in enumerate(zip(row, widths))))


def median_of(results, key):
    return mwbench.summarise([r[key] for r in results])[0]


def lateness_rows(results):
    """Rows of the engine's main-loop lateness, medians over the runs, in ms."""
    rows = []
    for name, rs in results.items():
        if "lateness_p99_us" not in rs[0]:
            continue
        p50 = median_of(rs, "lateness_p50_us") / 1000
        p99 = median_of(rs, "lateness_p99_us") / 1000
        worst = max(r["lateness_max_us"] for r in rs) / 1000
        rows.append([name, f"{p50:.2f}", f"{p99:.2f}", f"{median_of(rs, 'lateness_max_us') / 1000:.1f}",
                     f"{worst:.1f}", f"{median_of(rs, 'lateness_samples'):.0f}"])
        mwbench.record({"benchmark": "main-loop lateness", "contender": name,
                        "p50_ms": p50, "p99_ms": p99,
                        "max_ms": median_of(rs, "lateness_max_us") / 1000, "worst_max_ms": worst})
    return rows


def engine_extra(name, result):
    return driver_figures(result) if name.startswith("Meanwhile") else {}


# --- 1. One large file ------------------------------------------------------------------

def large_file(ws):
    big = ws.input("large.bin", LARGE_SIZE)
    small = ws.input("small.bin", SMALL_SIZE)
    digest = sha256_of(big)
    with mwbench.Nginx(ws.data) as server:
        url = server.url("/files/large.bin")
        c = {
            "curl -o": ["curl", "-sSf", "-o", os.path.join(ws.output("curl"), "large.bin"), url],
            "wget -O": ["wget", "-q", "-O", os.path.join(ws.output("wget"), "large.bin"), url],
            "Meanwhile": [DRIVER, "--folder", ws.output("mw"),
                          "--expect-size", str(LARGE_SIZE), url],
            "curl -o, then sha256sum": [
                "sh", "-c", 'curl -sSf -o "$1" "$2" && sha256sum "$1" | grep -q "^$3 "', "sh",
                os.path.join(ws.output("curl-sha"), "large.bin"), url, digest],
            "Meanwhile, SHA-256": [DRIVER, "--folder", ws.output("mw-sha"), "--sha256", digest,
                                   "--expect-size", str(LARGE_SIZE), url],
            # The same program on a small file: the difference is what the size costs.
            "Meanwhile, 1 MiB file": [DRIVER, "--folder", ws.output("mw-small"),
                                      "--expect-size", str(SMALL_SIZE),
                                      server.url("/files/small.bin")],
        }

        def before(name):
            ws.clear_outputs()
            for d in ("curl", "wget", "curl-sha"):
                ensure_dir(ws.output(d))

        results = mwbench.compare(f"One large file ({LARGE_SIZE // MIB} MiB)", c, "curl -o",
                                  before_each=before, extra=engine_extra)

    ref = median_of(results["curl -o"], "wall")
    ref_sha = median_of(results["curl -o, then sha256sum"], "wall")
    base_rss = median_of(results["Meanwhile, 1 MiB file"], "rss_kib")
    rows = []
    for name, ref_wall in (("curl -o", ref), ("wget -O", ref), ("Meanwhile", ref),
                           ("curl -o, then sha256sum", ref_sha), ("Meanwhile, SHA-256", ref_sha)):
        rs = results[name]
        wall = median_of(rs, "wall")
        rss = median_of(rs, "rss_kib")
        growth = f"{(rss - base_rss) / 1024:+.1f}" if name.startswith("Meanwhile") else "-"
        rows.append([name, f"{wall:.2f}", f"{LARGE_SIZE / MIB / wall:.0f}",
                     f"{wall / ref_wall:.2f}", f"{median_of(rs, 'cpu'):.2f}",
                     f"{rss / 1024:.1f}", growth])
        mwbench.record({"benchmark": "one large file", "contender": name, "wall": wall,
                        "ratio": wall / ref_wall, "rss_kib": rss,
                        "rss_growth_kib": (rss - base_rss) if name.startswith("Meanwhile") else None})
    table("One large file: summary (medians; the SHA-256 rows compare with curl + sha256sum)",
          ["contender", "wall s", "MiB/s", "ratio", "cpu s", "RSS MiB",
           "RSS growth MiB (vs 1 MiB file)"], rows)
    table("One large file: the engine's main-loop lateness (ms)",
          ["contender", "p50", "p99", "max (median)", "max (worst)", "ticks"],
          lateness_rows(results))


# --- 2. Eight at once -------------------------------------------------------------------

IDLE = "Meanwhile, idle (no download)"
TIMELINE_OFF = "Meanwhile, timeline off"
IDLE_SECONDS = 3

def eight_at_once(ws):
    names = [f"part{i}.bin" for i in range(8)]
    for n in names:
        ws.input(n, EIGHT_SIZE)
    total = 8 * EIGHT_SIZE
    with mwbench.Nginx(ws.data) as server:
        urls = [server.url("/files/" + n) for n in names]
        # `wait` alone would not tell whether a curl failed: each leaves a mark if it did.
        curl_script = " ".join(f'(curl -sSf -o "$1/{n}" {u} || touch "$1/failed") &'
                               for n, u in zip(names, urls)) + ' wait; test ! -e "$1/failed"'
        c = {
            "8 x curl, in parallel": ["sh", "-c", curl_script, "sh", ws.output("curl")],
            "Meanwhile": [DRIVER, "--folder", ws.output("mw"), "--max-concurrent", "8",
                          "--expect-size", str(EIGHT_SIZE)] + urls,
            # The app always records the timeline: without it, what recording costs.
            TIMELINE_OFF: [DRIVER, "--folder", ws.output("mw-no-timeline"), "--max-concurrent", "8",
                           "--no-timeline", "--expect-size", str(EIGHT_SIZE)] + urls,
            "Meanwhile, freezing mode": [DRIVER, "--folder", ws.output("mw-freezing"),
                                         "--max-concurrent", "8", "--freezing",
                                         "--expect-size", str(EIGHT_SIZE)] + urls,
            # The same program downloading nothing: what the machine alone does to a
            # main loop at that moment, the floor under the figures above.
            IDLE: [DRIVER, "--folder", ws.output("mw-idle"), "--idle", str(IDLE_SECONDS)],
        }

        def before(name):
            ws.clear_outputs()
            ensure_dir(ws.output("curl"))

        results = mwbench.compare(f"Eight at once (8 x {EIGHT_SIZE // MIB} MiB)", c,
                                  "8 x curl, in parallel", before_each=before, extra=engine_extra)

    rows = []
    ref = median_of(results["8 x curl, in parallel"], "wall")
    for name, rs in results.items():
        if name == IDLE:
            continue
        wall = median_of(rs, "wall")
        rows.append([name, f"{wall:.2f}", f"{total / MIB / wall:.0f}", f"{ref / wall:.2f}"])
        mwbench.record({"benchmark": "eight at once, throughput", "contender": name,
                        "mib_per_s": total / MIB / wall, "relative_to_curl": ref / wall})
    table("Eight at once: aggregate throughput (medians)",
          ["contender", "wall s", "MiB/s", "throughput vs curls"], rows)
    table("Eight at once: the engine's main-loop lateness (ms; timer every 10 ms)",
          ["contender", "p50", "p99", "max (median)", "max (worst)", "ticks"],
          lateness_rows(results))
    timeline_cost(results)


def timeline_cost(results):
    """The engine with the timeline recording (as in the app) and without."""
    rows = []
    for name in ("Meanwhile", TIMELINE_OFF):
        rs = results[name]
        rows.append([name, f"{median_of(rs, 'cpu'):.2f}", f"{median_of(rs, 'wall'):.2f}",
                     f"{median_of(rs, 'lateness_p50_us') / 1000:.2f}",
                     f"{median_of(rs, 'lateness_p99_us') / 1000:.2f}",
                     f"{median_of(rs, 'lateness_max_us') / 1000:.1f}"])
        mwbench.record({"benchmark": "eight at once, timeline cost", "contender": name,
                        "cpu": median_of(rs, "cpu"), "wall": median_of(rs, "wall"),
                        "p50_ms": median_of(rs, "lateness_p50_us") / 1000,
                        "p99_ms": median_of(rs, "lateness_p99_us") / 1000})
    table("Eight at once: what recording the timeline costs (medians; lateness in ms)",
          ["contender", "cpu s", "wall s", "p50", "p99", "max"], rows)
    ns = median_of(results["Meanwhile"], "timeline_ns_per_segment")
    log(f"   one segment recorded (begin and end, one thread, uncontended): {ns:.0f} ns")


# --- 3. A thousand at once --------------------------------------------------------------

def thousand_at_once(ws):
    # A thousand different names (hard links to one file), as a thousand different
    # downloads would have.
    first = ws.input("slow-0000.bin", MANY_SIZE)
    names = [f"slow-{i:04d}.bin" for i in range(MANY)]
    for n in names[1:]:
        if not os.path.exists(os.path.join(ws.data, n)):
            os.link(first, os.path.join(ws.data, n))
    counts = [1, 10, MANY]
    with mwbench.Nginx(ws.data, slow_rate=SLOW_RATE) as server:
        c = {}
        for n in counts:
            c[f"Meanwhile, {n} at once"] = [DRIVER, "--folder", ws.output(f"mw-{n}"),
                                            "--max-concurrent", str(n),
                                            "--expect-size", str(MANY_SIZE)] + \
                [server.url("/slow/" + name) for name in names[:n]]

        results = mwbench.compare(
            f"A thousand at once ({MANY} x {MANY_SIZE // 1024} KiB at {SLOW_RATE // 1024} KiB/s each)",
            c, "Meanwhile, 1 at once", before_each=lambda name: ws.clear_outputs(),
            extra=engine_extra)

    one = results["Meanwhile, 1 at once"]
    base_rss = median_of(one, "rss_kib")
    rows = []
    for n in counts:
        rs = results[f"Meanwhile, {n} at once"]
        rss = median_of(rs, "rss_kib")
        per = (rss - base_rss) / (n - 1) if n > 1 else None
        rows.append([str(n), f"{median_of(rs, 'peak_active'):.0f}",
                     f"{median_of(rs, 'threads_at_peak_active'):.0f}",
                     f"{max(r['peak_threads'] for r in rs)}",
                     f"{rss / 1024:.1f}", f"{per:.1f}" if per is not None else "-"])
        mwbench.record({"benchmark": "a thousand at once", "downloads": n,
                        "peak_active": median_of(rs, "peak_active"),
                        "threads_at_peak_active": median_of(rs, "threads_at_peak_active"),
                        "peak_threads": max(r["peak_threads"] for r in rs),
                        "rss_kib": rss, "rss_per_download_kib": per})
    table("A thousand at once: memory and threads (medians; RSS per download = "
          "(peak RSS with N - peak RSS with 1) / (N - 1))",
          ["downloads", "running at peak", "threads then", "threads, most seen",
           "peak RSS MiB", "KiB per download"], rows)
    table("A thousand at once: the engine's main-loop lateness (ms)",
          ["contender", "p50", "p99", "max (median)", "max (worst)", "ticks"],
          lateness_rows(results))


BENCHMARKS = {
    "large-file": large_file,
    "eight-at-once": eight_at_once,
    "thousand-at-once": thousand_at_once,
}


def main(argv):
    wanted = argv[1:] or list(BENCHMARKS)
    unknown = [w for w in wanted if w not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if not DRIVER or not os.access(DRIVER, os.X_OK):
        sys.exit("MW_BENCH_DOWNLOAD must name the mw-bench-download program "
                 "(meson test -C _build --benchmark sets it)")
    mwbench.require("nginx", "curl", "wget", "sha256sum", "/usr/bin/time")
    log(f"# Meanwhile download benchmarks{' (quick sizes)' if QUICK else ''}: "
        f"{mwbench.machine_description()}")
    ws = Workspace()
    try:
        for name in wanted:
            BENCHMARKS[name](ws)
    finally:
        ws.close()


if __name__ == "__main__":
    main(sys.argv)
