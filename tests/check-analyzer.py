#!/usr/bin/env python3
"""Static analysis of the engine: clang's analyzer and GCC's -fanalyzer.

SPDX-License-Identifier: GPL-3.0-or-later

Usage: check-analyzer.py BUILD_DIR EXPLAINED_FILE

Analyses every C file of src/engine/ (all its layers) and src/demo/ with the flags the build uses (from the build's
compile_commands.json), with both analyzers. A finding passes only when
EXPLAINED_FILE explains it; any other finding fails the test, and so does an
explanation that no longer matches anything (so the file never outlives the code).

EXPLAINED_FILE holds one finding per paragraph:
    file: src/engine/feed/mw-opml.c
    checker: unix.Malloc
    match: Potential leak of memory pointed to by 'top'
    why: free text, any number of lines
    only-with: clang 14
The optional only-with names the analyzers (tool and major version, several separated
by commas) that report the finding: the Debian 12 and Debian 13 builds run different
ones, and an explanation is stale only where its analyzer runs and reports nothing.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

FINDING = re.compile(r"^(?P<file>[^:\s]+\.c):(?P<line>\d+):\d+: warning: (?P<message>.*?)"
                     r"(?: \[(?P<checker>[^\]]+)\])?$")


# The engine's layers and the demo server: everything below the UI.
ANALYSED_FOLDERS = ("engine", "demo")


def engine_commands(build_dir):
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        commands = json.load(f)
    for entry in commands:
        path = "/" + os.path.normpath(entry["file"]).replace("\\", "/")
        if not any("/src/" + folder + "/" in path or entry["file"].startswith("../src/" + folder + "/")
                   for folder in ANALYSED_FOLDERS):
            continue
        yield entry


def flags_of(entry):
    """The preprocessor, language and definition flags of one compile command, without
    outputs, dependency files, sanitizers or warnings (the analyzers have their own)."""
    args = shlex.split(entry["command"])[1:]
    keep = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in ("-o", "-MF", "-MQ", "-MT"):
            skip = True
            continue
        if arg in ("-MD", "-MMD", "-c", "-pipe") or arg.startswith("-W") or \
                arg.startswith("-fsanitize") or arg.startswith("-fno-sanitize") or \
                arg.startswith("-fanalyzer") or arg.startswith("-fdiagnostics-color") or \
                arg == entry["file"]:
            continue
        keep.append(arg)
    return keep


def run(tool, entry):
    flags = flags_of(entry)
    if tool == "clang":
        cmd = ["clang", "--analyze", "-o", "/dev/null"] + flags + \
            ["-fno-color-diagnostics", entry["file"]]
    else:
        cmd = ["gcc", "-fanalyzer", "-c", "-o", "/dev/null"] + flags + \
            ["-fdiagnostics-color=never", entry["file"]]
    proc = subprocess.run(cmd, cwd=entry["directory"], capture_output=True, text=True)
    findings = []
    for line in proc.stderr.splitlines():
        m = FINDING.match(line)
        if m and (tool == "clang" or (m["checker"] or "").startswith("-Wanalyzer")):
            path = os.path.relpath(os.path.join(entry["directory"], m["file"]),
                                   os.path.join(entry["directory"], ".."))
            findings.append({"tool": tool, "file": os.path.normpath(path),
                             "line": int(m["line"]), "message": m["message"],
                             "checker": m["checker"] or ""})
    if proc.returncode != 0 and not findings:
        raise RuntimeError(f"{tool} failed on {entry['file']}:\n{proc.stderr[-3000:]}")
    return findings


def load_explained(path):
    explained = []
    with open(path) as f:
        text = f.read()
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            m = re.match(r"^(file|checker|match|why|only-with):\s*(.*)$", line)
            if m:
                key = m[1]
                fields[key] = m[2].strip()
            elif key == "why":
                fields["why"] += " " + line.strip()
        if fields:
            for needed in ("file", "checker", "match", "why"):
                if not fields.get(needed):
                    sys.exit(f"{path}: an entry lacks '{needed}': {block!r}")
            fields["used"] = False
            explained.append(fields)
    return explained


def analyzer_versions():
    """Each analyzer as only-with names it: the tool and its major version."""
    versions = set()
    for tool in ("clang", "gcc"):
        out = subprocess.run([tool, "-dumpversion"], capture_output=True, text=True, check=True)
        versions.add(f"{tool} {out.stdout.strip().split('.')[0]}")
    return versions


def main():
    build_dir, explained_path = sys.argv[1], sys.argv[2]
    explained = load_explained(explained_path)
    entries = list(engine_commands(build_dir))
    if not entries:
        sys.exit("no engine files in compile_commands.json")

    jobs = [(tool, e) for e in entries for tool in ("clang", "gcc")]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: run(*job), jobs))

    unexplained = []
    seen = set()
    for finding in (f for fs in results for f in fs):
        key = (finding["tool"], finding["file"], finding["line"], finding["message"])
        if key in seen:
            continue
        seen.add(key)
        reason = None
        for entry in explained:
            if finding["file"].endswith(entry["file"]) and entry["checker"] == finding["checker"] \
                    and entry["match"] in finding["message"]:
                entry["used"] = True
                reason = entry["why"]
                break
        where = f"{finding['file']}:{finding['line']}: {finding['message']} [{finding['checker']}]"
        if reason:
            print(f"explained  {finding['tool']:5} {where}\n           why: {reason}")
        else:
            print(f"FINDING    {finding['tool']:5} {where}")
            unexplained.append(finding)

    running = analyzer_versions()
    stale = [e for e in explained if not e["used"] and
             ("only-with" not in e or
              running & {v.strip() for v in e["only-with"].split(",")})]
    for entry in stale:
        print(f"STALE      explanation matches nothing any more: {entry['file']} "
              f"[{entry['checker']}] {entry['match']}")

    print(f"{len(entries)} engine files, clang --analyze and gcc -fanalyzer: "
          f"{len(seen)} findings, {len(unexplained)} unexplained, {len(stale)} stale explanations")
    sys.exit(1 if unexplained or stale else 0)


if __name__ == "__main__":
    main()
