#!/usr/bin/env python3
"""Downloads under load as the desktop sees them: Meanwhile against uGet.

SPDX-License-Identifier: GPL-3.0-or-later

Eight files from a loopback nginx (256 MiB each, 16 with MW_BENCH_QUICK=1), fetched by
the real application under Xvfb while the window manager's "is it responding?" probe
(_NET_WM_PING, every 20 ms, tests/bench/wmping.py) measures how long its window takes to
answer. Contenders, interleaved run by run:

- the floor: eight curls fetch the same files while an idle Meanwhile window answers the
  probe, which is what this machine allows at all;
- Meanwhile (GSK_RENDERER=cairo), its eight downloads added through its D-Bus action;
- uGet (GTK 3, libcurl in threads), its eight added with `uget-gtk --quiet`.

Each row: total time from the first download added to the last file complete on disk,
CPU seconds of the application (all threads) and of its main thread alone, and the ping
round trips: median, 99th percentile, worst, and how many waited over 100 ms. Environment
meson sets: MW_EXECUTABLE, GSETTINGS_SCHEMA_DIR.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import mwbench
import wmping

QUICK = mwbench.QUICK
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


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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
            stop(proc)


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
            stop(proc)


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
            stop(proc)


def main():
    app = os.environ.get("MW_EXECUTABLE")
    if not app or "GSETTINGS_SCHEMA_DIR" not in os.environ:
        sys.exit("MW_EXECUTABLE and GSETTINGS_SCHEMA_DIR must be set (meson sets them)")
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
            results = {name: [] for name, _ in contenders}
            for _ in range(RUNS):
                for name, run in contenders:
                    results[name].append(run(display, server, names))
    mwbench.report_figures(
        f"8. Eight {SIZE // mwbench.MIB} MiB downloads as the desktop sees them "
        f"(_NET_WM_PING every 20 ms, Xvfb, cairo)",
        results,
        [("wall", "total", "s"), ("cpu", "CPU", "s"), ("main_cpu", "main thread CPU", "s"),
         ("ping_p50", "ping p50", "ms"), ("ping_p99", "ping p99", "ms"),
         ("ping_max", "ping max", "ms"), ("pings_slow", "pings > 100 ms", "")],
        reference="uGet 2")


if __name__ == "__main__":
    main()
