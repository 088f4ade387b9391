#!/usr/bin/env python3
"""What Meanwhile costs while it waits: CPU and wakeups of the real application.

SPDX-License-Identifier: GPL-3.0-or-later

People leave a downloader open all day. This launches the real `meanwhile` under its own
Xvfb and session bus with an empty state, lets it settle, and then counts over a window
of MW_BENCH_IDLE_SECONDS (default 30, 8 with MW_BENCH_QUICK=1):

- CPU: user + system time of all its threads, as a share of one core;
- wakeups: voluntary context switches, a thread going to sleep in poll() and being woken
  again, per second; for the main thread alone and for all threads.

The scenarios: the window open with nothing to do (cairo and GL renderers), the window
open a few seconds after a download finished (the instruments must have gone to rest),
and, for contrast, the window open while a slow download runs. Environment meson sets:
MW_EXECUTABLE, GSETTINGS_SCHEMA_DIR.
"""

import os
import subprocess
import sys
import tempfile
import time

import mwbench

QUICK = mwbench.QUICK
SECONDS = float(os.environ.get("MW_BENCH_IDLE_SECONDS", "8" if QUICK else "30"))
RUNS = min(mwbench.RUNS, 3)
# Longer than the instruments' rest delay after the last work, and than start-up's own
# one-off work (reading the state, the first feed check).
SETTLE_SECONDS = 8
APP_ID = "io.github.meanwhileapp.Meanwhile"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are the 14th and 15th fields; 'state' (the 3rd) is fields[0] here.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def switches(pid):
    """Voluntary context switches of each thread, by thread id."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        counts[int(tid)] = int(line.split()[1])
        except FileNotFoundError:
            pass   # a worker thread that ended meanwhile
    return counts


def wakeups(pid, before, after):
    """The main thread's wakeups and all threads' (those alive at both ends)."""
    main = after.get(pid, 0) - before.get(pid, 0)
    total = sum(after[tid] - before[tid] for tid in after if tid in before)
    return main, total


def activate(env, action, parameter=None):
    """Calls one of the application's actions over D-Bus, as a script would."""
    params = f"[<{parameter}>]" if parameter else "[]"
    subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID,
                    "--object-path", "/" + APP_ID.replace(".", "/"),
                    "--method", "org.gtk.Actions.Activate", action, params, "{}"],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def run_scenario(app, display, scenario, renderer, server):
    with tempfile.TemporaryDirectory(prefix="mw-bench-idle-") as home:
        downloads = os.path.join(home, "Downloads")
        env = mwbench.app_env(home, display)
        if renderer:
            env["GSK_RENDERER"] = renderer
        else:
            env.pop("GSK_RENDERER", None)
        app_proc = subprocess.Popen([app], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        try:
            subprocess.run(["gdbus", "wait", "--session", "--timeout", "60", APP_ID],
                           env=env, check=True)
            if scenario == "after-download":
                activate(env, "download", f"'{server.url('files/small.bin')}'")
                mwbench.wait_for(lambda: os.path.exists(os.path.join(downloads, "small.bin")), 60,
                         "the download of small.bin to finish")
            elif scenario == "downloading":
                activate(env, "download", f"'{server.url('slow/large.bin')}'")
                mwbench.wait_for(lambda: os.path.exists(os.path.join(downloads, "large.bin.part")), 60,
                         "the slow download to start")
            time.sleep(SETTLE_SECONDS)
            cpu0, sw0, t0 = cpu_seconds(app_proc.pid), switches(app_proc.pid), time.monotonic()
            time.sleep(SECONDS)
            cpu1, sw1, t1 = cpu_seconds(app_proc.pid), switches(app_proc.pid), time.monotonic()
            if app_proc.poll() is not None:
                raise RuntimeError("meanwhile exited during the measurement")
            wall = t1 - t0
            main, total = wakeups(app_proc.pid, sw0, sw1)
            return {"cpu_percent": 100 * (cpu1 - cpu0) / wall,
                    "main_wakeups": main / wall,
                    "all_wakeups": total / wall}
        finally:
            mwbench.stop_process(app_proc)


def main():
    app = os.environ.get("MW_EXECUTABLE")
    if not app or "GSETTINGS_SCHEMA_DIR" not in os.environ:
        sys.exit("MW_EXECUTABLE and GSETTINGS_SCHEMA_DIR must be set (meson sets them)")
    mwbench.require("gdbus")
    scenarios = [
        ("idle, window open, GSK_RENDERER=cairo", "idle", "cairo"),
        ("idle, window open, GL (default)", "idle", None),
        ("idle after a download, cairo", "after-download", "cairo"),
        ("downloading at 64 KiB/s, cairo", "downloading", "cairo"),
    ]
    with tempfile.TemporaryDirectory(prefix="mw-bench-idle-files-") as files:
        mwbench.make_file(os.path.join(files, "small.bin"), 256 * 1024)
        mwbench.make_file(os.path.join(files, "large.bin"), 64 * mwbench.MIB)
        with mwbench.Nginx(files, slow_rate=64 * 1024) as server, mwbench.Display() as display:
            results = {name: [] for name, _, _ in scenarios}
            for _ in range(RUNS):
                for name, scenario, renderer in scenarios:
                    results[name].append(run_scenario(app, display, scenario, renderer, server))
    mwbench.report_figures(f"7. Cost while waiting, over {SECONDS:.0f} s under Xvfb",
                           results,
                           [("cpu_percent", "CPU of a core", "%"),
                            ("main_wakeups", "main wakeups", "/s"),
                            ("all_wakeups", "all wakeups", "/s")])


if __name__ == "__main__":
    main()
