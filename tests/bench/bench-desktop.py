#!/usr/bin/env python3
"""Meanwhile under load as the desktop sees it: downloads against uGet, feeds against Liferea.

SPDX-License-Identifier: GPL-3.0-or-later

  bench-desktop.py downloads   8. eight downloads: Meanwhile, uGet and the machine's floor
  bench-desktop.py feeds       9. a refresh of 300 feeds of 200 articles: Meanwhile and
                                  Liferea

Downloads. Eight files from a loopback nginx (256 MiB each, 16 with MW_BENCH_QUICK=1), fetched by
the real application under Xvfb while the window manager's "is it responding?" probe
(_NET_WM_PING, every 20 ms, tests/bench/wmping.py) measures how long its window takes to
answer. Contenders, interleaved run by run:

- the floor: eight curls fetch the same files while an idle Meanwhile window answers the
  probe, which is what this machine allows at all;
- Meanwhile (GSK_RENDERER=cairo), its eight downloads added through its D-Bus action;
- uGet (GTK 3, libcurl in threads), its eight added with `uget-gtk --quiet`.

Each row: total time from the first download added to the last file complete on disk,
CPU seconds of the application (all threads) and of its main thread alone, and the ping
round trips: median, 99th percentile, worst, and how many waited over 100 ms.

Feeds. 300 RSS feeds of 200 articles each (30 of 50 with MW_BENCH_QUICK=1) on the same
nginx, subscribed but never fetched: Meanwhile from its state file, Liferea 1.14 (GTK 3)
from its OPML feed list. Each fetches them all at launch (Meanwhile 10 s after it,
Liferea at once), so every feed brings 200 new articles to parse, store and list. The
probe runs from the first request nginx logs until the application has fetched every
feed and its CPU time stood still for a second; the row gives that time, the CPU seconds
of the application and of its main thread, and the same ping figures, with the count of
pings over 50 ms beside those over 100 ms.

Environment meson sets: MW_EXECUTABLE, GSETTINGS_SCHEMA_DIR.
"""

import html
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

import mwbench
import wmping

QUICK = mwbench.QUICK
# The columns both desktop tables share, after which each adds its own counts.
TIME_AND_PING = [("wall", "total", "s"), ("cpu", "CPU", "s"), ("main_cpu", "main thread CPU", "s"),
                 ("ping_p50", "ping p50", "ms"), ("ping_p99", "ping p99", "ms"),
                 ("ping_max", "ping max", "ms")]
SIZE = (16 if QUICK else 256) * mwbench.MIB
N_FILES = 8
RUNS = min(mwbench.RUNS, 4)
APP_ID = "io.github.meanwhileapp.Meanwhile"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, tid=None):
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def all_complete(folder, names):
    """Every file there at its full size, and nothing else (no partial file left)."""
    try:
        present = set(os.listdir(folder))
    except FileNotFoundError:
        return False
    return present == set(names) and all(os.path.getsize(os.path.join(folder, n)) == SIZE
                                         for n in names)


def start_meanwhile(app, env):
    proc = subprocess.Popen([app], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["gdbus", "wait", "--session", "--timeout", "60", APP_ID], env=env, check=True)
    return proc


def add_to_meanwhile(env, url):
    subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID,
                    "--object-path", "/" + APP_ID.replace(".", "/"),
                    "--method", "org.gtk.Actions.Activate", "download", f"[<'{url}'>]", "{}"],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def measure(display, proc, start_work, folder, names, work_pids=None):
    """Runs `start_work` under the probe until every file is complete; returns figures."""
    window = wmping.find_window(display.display, proc.pid)
    time.sleep(2)   # past start-up's own work
    cpu0 = cpu_seconds(proc.pid)
    main0 = cpu_seconds(proc.pid, proc.pid)
    with wmping.PingProbe(display.display, window) as probe:
        t0 = time.monotonic()
        extra = start_work()
        mwbench.wait_for(lambda: all_complete(folder, names), 600, "the eight files to be complete")
        wall = time.monotonic() - t0
    figures = {"wall": wall,
               "cpu": cpu_seconds(proc.pid) - cpu0,
               "main_cpu": cpu_seconds(proc.pid, proc.pid) - main0}
    if extra is not None:
        figures["cpu"] = extra()
        figures.pop("main_cpu")
    figures.update(probe.figures())
    return figures


def run_floor(app, display, server, names):
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-") as home:
        env = mwbench.app_env(home, display, GSK_RENDERER="cairo")
        folder = os.path.join(home, "curl")
        os.makedirs(folder)
        proc = start_meanwhile(app, env)
        try:
            def start_curls():
                curls = [subprocess.Popen(["curl", "-s", "-o", os.path.join(folder, n),
                                           server.url("files/" + n)]) for n in names]

                def curl_cpu():
                    # Their CPU in all, read when each has ended (by then the files are whole).
                    total = 0.0
                    for c in curls:
                        _, status, usage = os.wait4(c.pid, 0)
                        total += usage.ru_utime + usage.ru_stime
                    return total
                return curl_cpu
            return measure(display, proc, start_curls, folder, names)
        finally:
            mwbench.stop_process(proc)


def run_meanwhile(app, display, server, names):
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-") as home:
        env = mwbench.app_env(home, display, GSK_RENDERER="cairo")
        folder = os.path.join(home, "Downloads")
        proc = start_meanwhile(app, env)
        try:
            def add():
                for n in names:
                    add_to_meanwhile(env, server.url("files/" + n))
            return measure(display, proc, add, folder, names)
        finally:
            mwbench.stop_process(proc)


def run_uget(display, server, names):
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-") as home:
        env = mwbench.app_env(home, display, GSK_RENDERER="cairo")
        folder = os.path.join(home, "uget")
        os.makedirs(folder)
        proc = subprocess.Popen(["uget-gtk"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            def add():
                for n in names:
                    subprocess.run(["uget-gtk", "--quiet", f"--folder={folder}", server.url("files/" + n)],
                                   env=env, check=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            return measure(display, proc, add, folder, names)
        finally:
            mwbench.stop_process(proc)


def downloads(app):
    mwbench.require("gdbus", "curl", "uget-gtk")
    names = [f"file-{i}.bin" for i in range(N_FILES)]
    contenders = [
        ("eight curls (the floor)", lambda *a: run_floor(app, *a)),
        ("Meanwhile", lambda *a: run_meanwhile(app, *a)),
        ("uGet 2", lambda *a: run_uget(*a)),
    ]
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-files-") as files:
        for n in names:
            mwbench.make_file(os.path.join(files, n), SIZE)
        with mwbench.Nginx(files) as server, mwbench.Display() as display:
            results = mwbench.run_interleaved(contenders, RUNS, display, server, names)
    mwbench.report_figures(
        f"8. Eight {SIZE // mwbench.MIB} MiB downloads as the desktop sees them "
        f"(_NET_WM_PING every 20 ms, Xvfb, cairo)",
        results, TIME_AND_PING + [("pings_slow", "pings > 100 ms", "")],
        reference="uGet 2")


# --- 9. Feeds ----------------------------------------------------------------------------

N_FEEDS, N_ARTICLES = (30, 50) if QUICK else (300, 200)
FEED_RUNS = min(mwbench.RUNS, 2)


def feed_generator():
    """bench-feeds.py's generated articles and RSS writer, shared rather than written twice."""
    spec = importlib.util.spec_from_file_location(
        "bench_feeds", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-feeds.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_feeds(folder):
    gen = feed_generator()
    names = []
    for i in range(N_FEEDS):
        site = f"https://site{i}.example"
        name = f"feed-{i:03d}.xml"
        gen.write_rss(os.path.join(folder, name), f"Site {i}", site,
                      gen.make_items(N_ARTICLES, 700, seed=9000 + i, site=site))
        names.append(name)
    return names


class FeedLog:
    """nginx's log of the feed requests, read as it grows."""

    def __init__(self, path):
        self.path = path

    def clear(self):
        open(self.path, "w").close()

    def count(self):
        try:
            with open(self.path) as f:
                return sum(1 for _ in f)
        except FileNotFoundError:
            return 0


def measure_refresh(display, proc, log, n_feeds):
    """From the first feed request to every feed fetched and a second without CPU."""
    window = wmping.find_window(display.display, proc.pid)
    mwbench.wait_for(lambda: log.count() > 0, 120, "the first feed request")
    cpu0 = cpu_seconds(proc.pid)
    main0 = cpu_seconds(proc.pid, proc.pid)
    with wmping.PingProbe(display.display, window) as probe:
        t0 = time.monotonic()
        mwbench.wait_for(lambda: log.count() >= n_feeds, 900, f"all {n_feeds} feeds to be requested")
        last_cpu, last_change = cpu_seconds(proc.pid), time.monotonic()
        while time.monotonic() - last_change < 1.0:
            time.sleep(0.1)
            cpu = cpu_seconds(proc.pid)
            if cpu - last_cpu > 0.02:
                last_cpu, last_change = cpu, time.monotonic()
            if time.monotonic() - t0 > 900:
                raise RuntimeError("the application was still busy 15 minutes after the refresh began")
        wall = last_change - t0
    figures = probe.figures(until=last_change)
    figures.update({"wall": wall,
                    "cpu": cpu_seconds(proc.pid) - cpu0,
                    "main_cpu": cpu_seconds(proc.pid, proc.pid) - main0})
    return figures


def run_meanwhile_feeds(app, display, server, log, names):
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-") as home:
        env = mwbench.app_env(home, display, GSK_RENDERER="cairo")
        data = os.path.join(home, "data", "meanwhile")
        os.makedirs(data)
        feeds = [{"url": server.url("feeds/" + n), "title": f"Site {i}", "link": None,
                  "description": None, "icon": None, "etag": None, "last-modified": None,
                  "error": None, "gone": False, "items": []} for i, n in enumerate(names)]
        with open(os.path.join(data, "feeds.json"), "w") as f:
            json.dump({"format": "meanwhile-feeds", "version": 1, "feeds": feeds}, f)
        log.clear()
        proc = start_meanwhile(app, env)
        try:
            return measure_refresh(display, proc, log, len(names))
        finally:
            mwbench.stop_process(proc)


def run_liferea(display, server, log, names):
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-") as home:
        # Liferea's own settings schema is the system's, not the build's.
        env = mwbench.app_env(home, display)
        env.pop("GSETTINGS_SCHEMA_DIR", None)
        config = os.path.join(home, "config", "liferea")
        os.makedirs(config)
        with open(os.path.join(config, "feedlist.opml"), "w") as f:
            f.write('<?xml version="1.0" encoding="utf-8"?>\n<opml version="1.0">\n'
                    "<head><title>Benchmark</title></head>\n<body>\n")
            for i, n in enumerate(names):
                url = html.escape(server.url("feeds/" + n))
                f.write(f'<outline title="Site {i}" text="Site {i}" id="feed{i:03d}" '
                        f'xmlUrl="{url}" updateInterval="60"/>\n')
            f.write("</body>\n</opml>\n")
        log.clear()
        # Liferea updates at launch every subscription with an interval of its own that is due
        # (startup-feed-action 0); the default interval, -1, would leave them all alone.
        proc = subprocess.Popen(["liferea"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            return measure_refresh(display, proc, log, len(names))
        finally:
            mwbench.stop_process(proc)


def feeds(app):
    mwbench.require("gdbus", "liferea")
    with tempfile.TemporaryDirectory(prefix="mw-bench-desktop-feeds-") as files:
        names = make_feeds(files)
        log = FeedLog(os.path.join(files, "requests.log"))
        location = f"location /feeds/ {{ alias {files}/; access_log {log.path}; }}"
        contenders = [
            ("Meanwhile", lambda *a: run_meanwhile_feeds(app, *a)),
            ("Liferea 1.14", lambda *a: run_liferea(*a)),
        ]
        with mwbench.Nginx(files, extra_locations=location) as server, mwbench.Display() as display:
            results = mwbench.run_interleaved(contenders, FEED_RUNS, display, server, log, names)
    mwbench.report_figures(
        f"9. A refresh of {N_FEEDS} feeds of {N_ARTICLES} new articles as the desktop sees it "
        f"(_NET_WM_PING every 20 ms, Xvfb, cairo for Meanwhile)",
        results,
        TIME_AND_PING + [("pings_over_50", "pings > 50 ms", ""), ("pings_slow", "pings > 100 ms", "")],
        reference="Liferea 1.14")


def main():
    app = os.environ.get("MW_EXECUTABLE")
    if not app or "GSETTINGS_SCHEMA_DIR" not in os.environ:
        sys.exit("MW_EXECUTABLE and GSETTINGS_SCHEMA_DIR must be set (meson sets them)")
    benchmarks = {"downloads": downloads, "feeds": feeds}
    if len(sys.argv) != 2 or sys.argv[1] not in benchmarks:
        sys.exit("usage: bench-desktop.py downloads|feeds")
    benchmarks[sys.argv[1]](app)


if __name__ == "__main__":
    main()
