#!/usr/bin/env python3
"""Meanwhile's feed and start-up benchmarks.

SPDX-License-Identifier: GPL-3.0-or-later

  bench-feeds.py big-feed        4. a 20 MiB feed of 20,000 items as RSS, Atom and JSON
                                    Feed: Meanwhile's parser against xmllint --stream
                                    (the floor for XML), Python's json module (the floor
                                    for JSON) and Python's feedparser
  bench-feeds.py thousand-feeds  5. 1,000 feeds on a loopback nginx: subscribing, a full
                                    refresh and a refresh answered by 304s, with the
                                    main loop's lateness; curl fetching the same 1,000
                                    documents is the floor
  bench-feeds.py startup         6. the meanwhile binary under Xvfb: launch to the first
                                    frame, and to the first frame with the state shown,
                                    with 1,000 downloads and 50,000 articles in the state
                                    files, against an empty state

Every input is generated from a fixed seed, so every run reads the same bytes.
MW_BENCH_QUICK=1 makes the inputs ten times smaller. The programs come from the
environment meson sets: MW_BENCH_FEEDS (the headless driver), MW_EXECUTABLE (meanwhile),
GSETTINGS_SCHEMA_DIR (the build's compiled schemas).
"""

import email.utils
import html
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import mwbench
from mwbench import MIB, QUICK, RUNS, log

WORDS = ("async main loop frame clock feed parser thread reader network window render "
         "server socket buffer stream queue signal object widget model list view item "
         "title link summary content author date update refresh subscribe download file "
         "folder disk cache memory latency throughput budget profile measure compare").split()

BASE_TIME = 1795000000          # 2026-11-18, a fixed "now" for every generated date
# feedparser and the json module run under Debian's own Python, where the packages are.
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def bench_program(variable):
    path = os.environ.get(variable)
    if not path or not os.path.exists(path):
        sys.exit(f"{variable} is not set to a built program: run this through "
                 "`meson test -C _build --benchmark`")
    return path


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


# --- Generated feeds ---------------------------------------------------------------------


def make_items(n_items, body_bytes, seed, site):
    """The articles every format carries: same ids, titles, dates, bodies."""
    rng = random.Random(seed)
    items = []
    for i in range(n_items):
        paragraphs = []
        size = 0
        while size < body_bytes:
            p = sentence(rng, rng.randint(12, 30)).capitalize() + "."
            if rng.random() < 0.3:
                p = p.replace(" ", " <em>", 1).replace(" ", "</em> ", 1)
            paragraphs.append(f"<p>{p}</p>")
            size += len(paragraphs[-1])
        item = {
            "id": f"{site}/articles/{i}",
            "title": f"{i}: " + sentence(rng, rng.randint(4, 9)).capitalize(),
            "link": f"{site}/articles/{i}",
            "author": rng.choice(["Ada", "Grace", "Linus", "Margaret", "Dennis"]) + " Writer",
            "date": BASE_TIME - i * 600 - rng.randint(0, 300),
            "html": "".join(paragraphs),
            "enclosure": None,
        }
        if i % 10 == 0:
            item["enclosure"] = (f"{site}/media/{i}.mp3", "audio/mpeg", rng.randint(10**6, 10**8))
        items.append(item)
    return items


def write_rss(path, title, site, items):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
                f"<title>{html.escape(title)}</title>\n<link>{site}/</link>\n"
                "<description>Generated for Meanwhile's benchmarks</description>\n"
                f'<atom:link rel="self" href="{site}/feed.xml"/>\n')
        for it in items:
            f.write("<item>\n"
                    f"  <title>{html.escape(it['title'])}</title>\n"
                    f"  <link>{it['link']}</link>\n"
                    f"  <guid isPermaLink=\"false\">{it['id']}</guid>\n"
                    f"  <pubDate>{email.utils.formatdate(it['date'], usegmt=True)}</pubDate>\n"
                    f"  <dc:creator>{it['author']}</dc:creator>\n"
                    f"  <description>{html.escape(it['html'])}</description>\n")
            if it["enclosure"]:
                url, kind, length = it["enclosure"]
                f.write(f'  <enclosure url="{url}" type="{kind}" length="{length}"/>\n')
            f.write("</item>\n")
        f.write("</channel>\n</rss>\n")


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def write_atom(path, title, site, items):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom">\n'
                f"<title>{html.escape(title)}</title>\n<id>{site}/</id>\n"
                f'<link href="{site}/"/>\n<updated>{rfc3339(BASE_TIME)}</updated>\n')
        for it in items:
            f.write("<entry>\n"
                    f"  <id>{it['id']}</id>\n"
                    f"  <title>{html.escape(it['title'])}</title>\n"
                    f'  <link href="{it["link"]}"/>\n'
                    f"  <published>{rfc3339(it['date'])}</published>\n"
                    f"  <updated>{rfc3339(it['date'])}</updated>\n"
                    f"  <author><name>{it['author']}</name></author>\n"
                    f'  <content type="html">{html.escape(it["html"])}</content>\n')
            if it["enclosure"]:
                url, kind, length = it["enclosure"]
                f.write(f'  <link rel="enclosure" href="{url}" type="{kind}" length="{length}"/>\n')
            f.write("</entry>\n")
        f.write("</feed>\n")


def write_json_feed(path, title, site, items):
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": site + "/",
        "feed_url": site + "/feed.json",
        "items": [],
    }
    for it in items:
        entry = {
            "id": it["id"],
            "url": it["link"],
            "title": it["title"],
            "content_html": it["html"],
            "date_published": rfc3339(it["date"]),
            "authors": [{"name": it["author"]}],
        }
        if it["enclosure"]:
            url, kind, length = it["enclosure"]
            entry["attachments"] = [{"url": url, "mime_type": kind, "size_in_bytes": length}]
        doc["items"].append(entry)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


WRITERS = {"rss": (write_rss, "xml"), "atom": (write_atom, "atom"), "json": (write_json_feed, "json")}


def make_big_feeds(folder):
    """The same 20,000 articles (2,000 when quick) in each format, about 20 MiB each,
    made once into FOLDER: their names say all that makes them, so a change makes new ones."""
    n_items = 2000 if QUICK else 20000
    body, seed = 600, 4
    paths = {}
    items = None
    for kind, (writer, ext) in WRITERS.items():
        path = os.path.join(folder, f"big-{n_items}-{body}-{seed}.{ext}")
        if not os.path.exists(path):
            items = items or make_items(n_items, body, seed=seed, site="https://big.example")
            writer(path + ".tmp", "A big feed", "https://big.example", items)
            os.rename(path + ".tmp", path)
        paths[kind] = path
    return n_items, paths


# --- 4. A big feed ---------------------------------------------------------------------

FEEDPARSER_SCRIPT = """
import sys, time, json, feedparser
start = time.perf_counter()
d = feedparser.parse(sys.argv[1])
print(json.dumps({"items": len(d.entries), "parse_ms": (time.perf_counter() - start) * 1000}))
"""

JSON_SCRIPT = """
import sys, time, json
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    d = json.load(f)
print(json.dumps({"items": len(d["items"]), "parse_ms": (time.perf_counter() - start) * 1000}))
"""


def stdout_figures(name, result):
    """The JSON line a contender printed, when it printed one."""
    out = result["stdout"].strip().splitlines()
    if not out:
        return {}
    try:
        return json.loads(out[-1])
    except ValueError:
        return {}


def big_feed():
    mwbench.require("xmllint")
    driver = bench_program("MW_BENCH_FEEDS")
    have_feedparser = subprocess.run([SYSTEM_PYTHON, "-c", "import feedparser"],
                                     capture_output=True).returncode == 0
    if not have_feedparser:
        log("python3-feedparser is missing (build-aux/deps.sh installs it): left out")
    cache = os.path.join(tempfile.gettempdir(), "mw-bench-feeds-cache")
    os.makedirs(cache, exist_ok=True)
    n_items, paths = make_big_feeds(cache)
    for kind, path in paths.items():
        size = os.path.getsize(path)
        title = f"4. A big feed: {kind.upper()}, {size / MIB:.1f} MiB, {n_items:,} items"
        contenders = {}
        if kind == "json":
            reference = "python3 json (floor)"
            contenders[reference] = [SYSTEM_PYTHON, "-c", JSON_SCRIPT, path]
            if shutil.which("jq"):
                contenders["jq empty"] = ["jq", "empty", path]
        else:
            reference = "xmllint --stream (floor)"
            contenders[reference] = ["xmllint", "--stream", "--noout", path]
        contenders["meanwhile parser"] = [driver, "parse", path]
        # Debian 12's feedparser (6.0) does not read JSON Feed: it finds no entries.
        if have_feedparser and kind != "json":
            contenders["python3 feedparser"] = [SYSTEM_PYTHON, "-c", FEEDPARSER_SCRIPT, path]
        results = mwbench.compare(title, contenders, reference, extra=stdout_figures)
        for name, rs in results.items():
            items = {r.get("items") for r in rs if "items" in r}
            if items and items != {n_items}:
                raise RuntimeError(f"{name} read {items} items of {n_items} in {path}")
        mwbench.report_figures(title + ": time inside the process (no start-up, no exit)",
                               {name: rs for name, rs in results.items() if "parse_ms" in rs[0]},
                               [("parse_ms", "parse", "ms")])


# --- 5. A thousand feeds ---------------------------------------------------------------


def make_small_feeds(folder, n_feeds):
    """N small feeds of 20 articles, about 13 KiB each: mostly RSS, some Atom and JSON."""
    names = []
    for i in range(n_feeds):
        kind = "atom" if i % 10 == 3 else "json" if i % 10 == 7 else "rss"
        writer, ext = WRITERS[kind]
        site = f"https://site{i}.example"
        name = f"feed-{i:04d}.{ext}"
        writer(os.path.join(folder, name), f"Site {i}", site, make_items(20, 560, seed=1000 + i, site=site))
        names.append(name)
    return names


PHASES = [("subscribe", "subscribe (parse, new articles)"),
          ("full", "full refresh (200, merge)"),
          ("not_modified", "refresh answered by 304")]


def thousand_feeds():
    mwbench.require("nginx", "curl")
    driver = bench_program("MW_BENCH_FEEDS")
    n_feeds = 100 if QUICK else 1000
    with tempfile.TemporaryDirectory(prefix="mw-bench-feeds-") as root:
        served = os.path.join(root, "served")
        os.makedirs(served)
        names = make_small_feeds(served, n_feeds)
        total = sum(os.path.getsize(os.path.join(served, n)) for n in names)
        with mwbench.Nginx(served) as nginx:
            urls = [nginx.url("files/" + n) for n in names]
            url_file = os.path.join(root, "urls.txt")
            with open(url_file, "w") as f:
                f.write("\n".join(urls) + "\n")
            curl_config = os.path.join(root, "curl.conf")
            with open(curl_config, "w") as f:
                for u in urls:
                    f.write(f'url = "{u}"\noutput = "/dev/null"\n')

            title = (f"5. A thousand feeds: {n_feeds:,} feeds, {total / MIB:.1f} MiB in all, "
                     "on one loopback nginx")
            contenders = {
                "curl, 6 connections (floor)": ["curl", "-s", "-f", "--parallel", "--parallel-max", "6",
                                                "-K", curl_config],
                "meanwhile refresh": [driver, "refresh", "--urls", url_file],
            }
            results = mwbench.compare(title + ": the whole process", contenders,
                                      "curl, 6 connections (floor)", extra=stdout_figures)
            runs = results["meanwhile refresh"]
            for r in runs:
                if r.get("subscribed") != n_feeds or any(r[p]["failures"] for p, _ in PHASES):
                    raise RuntimeError(f"feeds failed: {r.get('first_error')}")
            phases = {}
            for key, label in PHASES:
                phases[label] = [{"wall_s": r[key]["wall_ms"] / 1000,
                                  "p50_ms": r[key]["lateness_p50_us"] / 1000,
                                  "p99_ms": r[key]["lateness_p99_us"] / 1000,
                                  "max_ms": r[key]["lateness_max_us"] / 1000,
                                  "over_16": r[key]["ticks_over_16ms"],
                                  "busy_max_ms": r[key]["busy_max_us"] / 1000,
                                  "busy_over_16": r[key]["busy_over_16ms"]} for r in runs]
            phases["curl, 6 connections (floor)"] = [{"wall_s": r["wall"]}
                                                     for r in results["curl, 6 connections (floor)"]]
            mwbench.report_figures(title + ": each phase, with the main loop's lateness",
                                   phases,
                                   [("wall_s", "wall", "s"), ("p50_ms", "late p50", "ms"),
                                    ("p99_ms", "late p99", "ms"), ("max_ms", "late max", "ms"),
                                    ("over_16", "late >16ms", ""),
                                    ("busy_max_ms", "busy max", "ms"),
                                    ("busy_over_16", "busy >16ms", "")])
            log("   late: how late the main loop's 10 ms timer ran; busy: the part of that the")
            log("   main thread was running (the rest it waited for a CPU the machine gave others)")


# --- 6. Start-up -----------------------------------------------------------------------


def write_state(folder, n_downloads, n_feeds, items_per_feed):
    """downloads.json and feeds.json as Meanwhile writes them (see the README)."""
    rng = random.Random(6)
    data = os.path.join(folder, "data", "meanwhile")
    os.makedirs(data, exist_ok=True)
    downloads_folder = os.path.join(folder, "Downloads")
    os.makedirs(downloads_folder, exist_ok=True)
    states = ["completed"] * 8 + ["paused", "failed", "cancelled"]
    downloads = []
    for i in range(n_downloads):
        state = states[i % len(states)]
        total = rng.randint(10**5, 10**9)
        downloads.append({
            "url": f"https://files{i % 7}.example/releases/package-{i}.tar.gz",
            "final-url": f"https://mirror{i % 7}.example/releases/package-{i}.tar.gz",
            "file": os.path.join(downloads_folder, f"package-{i}.tar.gz"),
            "state": state,
            "received": total if state == "completed" else total // 3,
            "total": total,
            "etag": f'"{rng.getrandbits(64):016x}"',
            "last-modified": email.utils.formatdate(BASE_TIME - i * 3600, usegmt=True),
            "sha256": None,
            "error": "The server refused the connection." if state == "failed" else None,
            "added": BASE_TIME - i * 3600,
        })
    with open(os.path.join(data, "downloads.json"), "w") as f:
        json.dump({"format": "meanwhile-downloads", "version": 1, "downloads": downloads}, f, indent=2)

    feeds = []
    for i in range(n_feeds):
        site = f"https://site{i}.example"
        entries = []
        for n, it in enumerate(make_items(items_per_feed, 500, seed=60000 + i, site=site)):
            entries.append({
                "id": it["id"], "title": it["title"], "link": it["link"], "author": it["author"],
                "published": it["date"], "updated": 0, "summary": it["html"][:200], "content": it["html"],
                "read": n >= 20, "starred": n % 97 == 0, "first-seen": it["date"],
                "enclosures": ([{"url": it["enclosure"][0], "type": it["enclosure"][1],
                                 "length": it["enclosure"][2]}] if it["enclosure"] else []),
            })
        feeds.append({
            "url": f"{site}/feed.xml", "title": f"Site {i}", "link": site + "/",
            "description": "Generated for Meanwhile's benchmarks", "icon": None,
            "etag": f'"{i:08x}"', "last-modified": None, "error": None, "gone": False,
            "items": entries,
        })
    with open(os.path.join(data, "feeds.json"), "w") as f:
        json.dump({"format": "meanwhile-feeds", "version": 1, "feeds": feeds}, f, indent=2)
    return sum(os.path.getsize(os.path.join(data, n)) for n in os.listdir(data))


def run_startup(app, state_source, display, env_extra):
    """One launch; returns the times from the launch to each reported frame."""
    with tempfile.TemporaryDirectory(prefix="mw-bench-startup-") as home:
        if state_source:
            shutil.copytree(state_source, home, dirs_exist_ok=True)
        env = mwbench.app_env(home, display, MW_REPORT_STARTUP="1", **env_extra)
        start_us = time.monotonic_ns() // 1000
        r = mwbench.run_one([app], env=env)
        lines = {}
        for line in r["stdout"].splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "startup":
                lines[parts[1]] = dict(p.split("=", 1) for p in parts[2:])
        if "first-frame" not in lines or "state-shown" not in lines:
            raise RuntimeError("meanwhile did not report its start-up: " + r["stdout"] + r["stderr"])
        first, shown = lines["first-frame"], lines["state-shown"]
        r.update({
            "first_frame_ms": (int(first["monotonic_us"]) - start_us) / 1000,
            "first_frame_main_ms": float(first["main_ms"]),
            "state_shown_ms": (int(shown["monotonic_us"]) - start_us) / 1000,
            "stall_ms": float(shown["stall_ms"]),
            "articles": int(shown["articles"]),
            "downloads": int(shown["downloads"]),
        })
        return r


def startup():
    app = bench_program("MW_EXECUTABLE")
    if "GSETTINGS_SCHEMA_DIR" not in os.environ:
        sys.exit("GSETTINGS_SCHEMA_DIR must point at the build's compiled schemas")
    n_downloads, n_feeds = (100, 10) if QUICK else (1000, 100)
    per_feed = 500
    # Cairo, as in the window tests: without a GPU, GL under Xvfb is Mesa's software
    # renderer, whose own start-up would be measured. MW_BENCH_RENDERERS=cairo,gl adds it.
    renderers = [(f"GSK_RENDERER={r}", {"GSK_RENDERER": r})
                 for r in os.environ.get("MW_BENCH_RENDERERS", "cairo").split(",")]
    with tempfile.TemporaryDirectory(prefix="mw-bench-state-") as full, mwbench.Display() as display:
        size = write_state(full, n_downloads, n_feeds, per_feed)
        n_articles = n_feeds * per_feed
        title = (f"6. Start-up under Xvfb: {n_downloads:,} downloads and {n_articles:,} articles "
                 f"({size / MIB:.1f} MiB of state) against an empty state")
        contenders = {}
        for label, env in renderers:
            contenders[f"empty state, {label}"] = (None, env)
            contenders[f"full state, {label}"] = (full, env)
        # One launch each, untimed: the page cache then holds the libraries, and the
        # desktop portal that GTK asks for settings is running, as on a desktop.
        for source, env in contenders.values():
            run_startup(app, source, display, env)
        results = {name: [] for name in contenders}
        for _ in range(RUNS):
            for name, (source, env) in contenders.items():
                results[name].append(run_startup(app, source, display, env))
        for name, rs in results.items():
            if contenders[name][0] and any(r["articles"] != n_articles or r["downloads"] != n_downloads
                                           for r in rs):
                raise RuntimeError(f"{name}: the state was not all shown")
        mwbench.report_figures(title, results,
                               [("first_frame_ms", "1st frame", "ms"),
                                ("first_frame_main_ms", "from main()", "ms"),
                                ("state_shown_ms", "state shown", "ms"),
                                ("stall_ms", "worst stall", "ms"),
                                ("wall", "until exit", "s")])


if __name__ == "__main__":
    benchmarks = {"big-feed": big_feed, "thousand-feeds": thousand_feeds, "startup": startup}
    if len(sys.argv) != 2 or sys.argv[1] not in benchmarks:
        sys.exit("usage: bench-feeds.py " + " | ".join(benchmarks))
    benchmarks[sys.argv[1]]()
