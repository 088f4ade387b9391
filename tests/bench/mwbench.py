"""Shared pieces of Meanwhile's benchmarks.

SPDX-License-Identifier: GPL-3.0-or-later

- Nginx: a real, independent HTTP server on loopback (Debian's nginx) with a generated
  configuration on a free port, serving one folder at /files/ at full speed and at
  /slow/ throttled, so that Meanwhile and the reference tools fetch the same bytes from
  the same server.
- run_one: one run of a command, with its wall time, CPU time (user + system of the
  process and its children) and peak resident memory, measured by GNU time.
- compare: runs every contender several times, interleaved (A B C A B C ...) so that a
  slow moment of the machine does not fall on one contender only, and prints the median,
  the min-max and the ratio of each to the reference.

Environment:
  MW_BENCH_RUNS      runs per contender (default 5)
  MW_BENCH_QUICK=1   smaller inputs, for checking that the benchmarks work
  MW_BENCH_RESULTS   a file to which every result is appended as one JSON line
"""

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("MW_BENCH_RUNS", "5"))
QUICK = os.environ.get("MW_BENCH_QUICK", "") not in ("", "0")
MIB = 1024 * 1024


def log(*args):
    print(*args, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f", {kib / MIB:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} x {cpu}{mem}, {platform.system()} {platform.release()}"


def require(*programs):
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        sys.exit("missing programs: " + ", ".join(missing) +
                 " (build-aux/deps.sh installs them)")


class Nginx:
    """nginx on 127.0.0.1 serving `root`.

    /files/NAME  full speed, with Range, ETag and Last-Modified
    /slow/NAME   throttled to `slow_rate` bytes per second per connection
    """

    def __init__(self, root, slow_rate=1024, extra_locations=""):
        self.root = os.path.abspath(root)
        self.slow_rate = slow_rate
        self.extra_locations = extra_locations
        self.port = None
        self.process = None
        self.prefix = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + "/" + path.lstrip("/")

    def __enter__(self):
        require("nginx")
        self.prefix = tempfile.mkdtemp(prefix="mw-nginx-")
        os.makedirs(os.path.join(self.prefix, "logs"))
        self.port = free_port()
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = f"""{user}worker_processes 1;
daemon off;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
worker_rlimit_nofile 8192;
http {{
    access_log off;
    client_body_temp_path {self.prefix}/body;
    proxy_temp_path {self.prefix}/proxy;
    fastcgi_temp_path {self.prefix}/fastcgi;
    uwsgi_temp_path {self.prefix}/uwsgi;
    scgi_temp_path {self.prefix}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    types {{
        application/rss+xml rss;
        application/atom+xml atom;
        application/feed+json json;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{self.port} backlog=4096;
        location /files/ {{ alias {self.root}/; }}
        location /slow/ {{ alias {self.root}/; limit_rate {self.slow_rate}; }}
        {self.extra_locations}
    }}
}}
"""
        conf_path = os.path.join(self.prefix, "nginx.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        self.process = subprocess.Popen(
            ["nginx", "-p", self.prefix, "-c", conf_path, "-e", f"{self.prefix}/logs/error.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx did not start: " +
                                   self.process.stderr.read().decode(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)
        return False


def make_file(path, size):
    """A file of `size` incompressible bytes, made once and reused."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return path
    block = os.urandom(MIB)
    with open(path + ".tmp", "wb") as f:
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
    os.rename(path + ".tmp", path)
    return path


def run_one(cmd, env=None, cwd=None):
    """Runs `cmd` once; returns its wall time, CPU time (user + system, with its
    children), peak RSS in KiB and standard output.

    GNU time measures it: its own image is small, so the peak RSS it reads with wait4()
    is the command's (a Python parent would lend its own pages to the forked child)."""
    with tempfile.NamedTemporaryFile(mode="r", prefix="mw-bench-time-") as stats:
        start = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-q", "-o", stats.name,
                               "-f", "%e %U %S %M"] + list(cmd),
                              env=env, cwd=cwd, capture_output=True)
        wall = time.monotonic() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}: "
                               f"{proc.stderr.decode(errors='replace').strip()[-2000:]}")
        fields = stats.read().split()
    user, system, rss = float(fields[1]), float(fields[2]), int(fields[3])
    return {"wall": wall, "cpu": user + system, "rss_kib": rss,
            "stdout": proc.stdout.decode(errors="replace"),
            "stderr": proc.stderr.decode(errors="replace")}


def compare(title, contenders, reference, runs=RUNS, before_each=None, extra=None):
    """contenders: dict name -> list (the command) or callable returning the command.
    before_each: callable(name) run before every run (e.g. to delete the output file).
    extra: callable(name, result) -> dict of further figures parsed from the output.
    Prints a table and returns {name: [results]}."""
    results = {name: [] for name in contenders}
    for i in range(runs):
        for name, cmd in contenders.items():
            if before_each:
                before_each(name)
            argv = cmd() if callable(cmd) else cmd
            r = run_one(argv)
            if extra:
                r.update(extra(name, r))
            results[name].append(r)
    report(title, results, reference)
    return results


def summarise(values):
    values = sorted(values)
    return statistics.median(values), values[0], values[-1]


def report(title, results, reference, key="wall", unit="s"):
    log("")
    log(f"## {title}")
    log(f"   {machine_description()}; {len(next(iter(results.values())))} runs each, interleaved")
    ref_median = summarise([r[key] for r in results[reference]])[0] if reference in results else None
    log(f"   {'contender':<28} {'median':>9} {'min-max':>19} {'ratio':>6} {'cpu':>8} {'peak RSS':>10}")
    for name, rs in results.items():
        med, lo, hi = summarise([r[key] for r in rs])
        cpu = summarise([r["cpu"] for r in rs])[0]
        rss = summarise([r["rss_kib"] for r in rs])[0]
        ratio = f"{med / ref_median:.2f}" if ref_median else "-"
        span = f"{lo:.3f}-{hi:.3f}{unit}"
        log(f"   {name:<28} {med:>8.3f}{unit} {span:>19} {ratio:>6} "
            f"{cpu:>7.2f}s {rss / 1024:>8.1f}MiB")
        record({"benchmark": title, "contender": name, "median": med, "min": lo, "max": hi,
                "ratio": (med / ref_median) if ref_median else None, "cpu": cpu,
                "rss_kib": rss, "key": key})


def record(obj):
    path = os.environ.get("MW_BENCH_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(obj) + "\n")


def report_figures(title, results, columns, reference=None):
    """Prints a table of figures that a run reported itself (phases, latencies, ...).

    results: {name: [dict per run]}; columns: [(key, label, unit)]. Each cell is the
    median over the runs, with the min-max under it when they differ; a contender without
    a key shows "-". With a reference, the first column's median gets a ratio to it."""
    decimals = {"s": 3, "ms": 1, "%": 2, "/s": 1}
    log("")
    log(f"## {title}")
    n_runs = max((len(rs) for rs in results.values()), default=0)
    log(f"   {machine_description()}; {n_runs} runs each, interleaved")
    width = max([28] + [len(name) for name in results])
    head = f"   {'':<{width}}"
    for _, label, _ in columns:
        head += f" {label:>16}"
    if reference:
        head += f" {'ratio':>6}"
    log(head)
    ref_median = None
    if reference in results:
        values = [r[columns[0][0]] for r in results[reference] if columns[0][0] in r]
        ref_median = summarise(values)[0] if values else None
    for name, rs in results.items():
        line = f"   {name:<{width}}"
        spans = f"   {'':<{width}}"
        figures = {"benchmark": title, "contender": name}
        for key, _, unit in columns:
            values = [r[key] for r in rs if key in r]
            if not values:
                line += f" {'-':>16}"
                spans += f" {'':>16}"
                continue
            med, lo, hi = summarise(values)
            d = decimals.get(unit, 0)
            line += f" {med:>{14}.{d}f}{unit:<2}"
            spans += f" {f'{lo:.{d}f}-{hi:.{d}f}':>16}" if lo != hi else f" {'':>16}"
            figures[key] = {"median": med, "min": lo, "max": hi, "unit": unit}
        if reference:
            values = [r[columns[0][0]] for r in rs if columns[0][0] in r]
            ratio = summarise(values)[0] / ref_median if values and ref_median else None
            line += f" {ratio:>6.2f}" if ratio else f" {'-':>6}"
            figures["ratio"] = ratio
        log(line)
        if spans.strip():
            log(spans)
        record(figures)


def wait_for(condition, seconds, what):
    """Polls `condition` until it holds; after `seconds`, fails naming `what`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop_process(proc, timeout=20):
    """Asks PROC to end, and kills it if it has not within TIMEOUT seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_interleaved(contenders, runs, *args):
    """Runs each (name, run) of CONTENDERS with ARGS, RUNS times in turn; returns the
    figures of each name's runs."""
    results = {name: [] for name, _ in contenders}
    for _ in range(runs):
        for name, run in contenders:
            results[name].append(run(*args))
    return results


def app_env(home, display, **extra):
    """The environment of an application under test: its own home folders below `home`
    (data, config, cache and Downloads, made here), the benchmark's Xvfb and session bus,
    settings in memory, no Wayland and no accessibility bus; `extra` adds to it."""
    for sub in ("data", "config", "cache", "Downloads"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    env = dict(os.environ)
    env.update({
        "HOME": home,
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "XDG_DOWNLOAD_DIR": os.path.join(home, "Downloads"),
        "DISPLAY": display.display,
        "DBUS_SESSION_BUS_ADDRESS": display.bus_address,
        "GDK_BACKEND": "x11",
        "GSETTINGS_BACKEND": "memory",
        "NO_AT_BRIDGE": "1",
    })
    env.update(extra)
    env.pop("WAYLAND_DISPLAY", None)
    return env


class Display:
    """One Xvfb and one private session bus for all runs, started before any is timed."""

    def __enter__(self):
        require("Xvfb", "dbus-daemon")
        read_fd, write_fd = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1200x24",
                                      "-nolisten", "tcp"], pass_fds=[write_fd],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            self.display = ":" + f.readline().strip()
        # Services the bus starts (the desktop portal and its backend) need the display.
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                    env=dict(os.environ, DISPLAY=self.display))
        self.bus_address = self.bus.stdout.readline().strip()
        return self

    def __exit__(self, *exc):
        for p in (self.bus, self.xvfb):
            p.terminate()
            p.wait()
        return False
