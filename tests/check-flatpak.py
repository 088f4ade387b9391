#!/usr/bin/env python3
# Checks the Flatpak manifests in flatpak/: each one must be accepted by flatpak-builder
# without a single warning, carry an app ID the tree builds (the release ID or its .Devel
# twin, matched to the meson profile it selects), launch the executable the tree installs,
# and ask for exactly the permissions Meanwhile needs and nothing more.
#
# Usage: check-flatpak.py FLATPAK-BUILDER SOURCE-ROOT
# Exits non-zero, after listing every problem found, if anything is wrong.

import json
import os
import re
import subprocess
import sys

FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--filesystem=xdg-download",
}
RUNTIME = "org.gnome.Platform"
SDK = "org.gnome.Sdk"

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def tree_facts(root):
    """The base app ID, the .Devel ID and the executable name, as the tree defines them."""
    top = read(os.path.join(root, "meson.build"))
    m = re.search(r"^base_id\s*=\s*'([^']+)'", top, re.M)
    if not m:
        sys.exit("check-flatpak: cannot find base_id in meson.build")
    base_id = m.group(1)
    m = re.search(r"application_id\s*=\s*base_id\s*\+\s*'([^']+)'", top)
    if not m:
        sys.exit("check-flatpak: cannot find the development app ID suffix in meson.build")
    devel_id = base_id + m.group(1)

    # The data files are named after the base ID and take the real one from @APP_ID@.
    desktop_in = os.path.join(root, "data", base_id + ".desktop.in.in")
    if not os.path.isfile(desktop_in):
        sys.exit(f"check-flatpak: {desktop_in} is missing")
    if "@APP_ID@" not in read(desktop_in):
        sys.exit(f"check-flatpak: {desktop_in} does not take the app ID from @APP_ID@")

    src = read(os.path.join(root, "src", "meson.build"))
    m = re.search(r"meanwhile_exe\s*=\s*executable\(\s*'([^']+)'", src)
    if not m:
        sys.exit("check-flatpak: cannot find the app executable in src/meson.build")
    return base_id, devel_id, m.group(1)


def show_manifest(builder, path, where):
    try:
        r = subprocess.run([builder, "--show-manifest", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        problem(where, f"flatpak-builder --show-manifest could not run: {e}")
        return None
    err = r.stderr.decode("utf-8", "replace").strip()
    if r.returncode != 0:
        problem(where, f"flatpak-builder --show-manifest exited with {r.returncode}")
    if err:
        problem(where, "flatpak-builder --show-manifest wrote to stderr "
                       "(warnings count as failures):\n    " + err.replace("\n", "\n    "))
    if r.returncode != 0:
        return None
    try:
        return json.loads(r.stdout.decode("utf-8"))
    except ValueError as e:
        problem(where, f"flatpak-builder printed a manifest that is not JSON: {e}")
        return None


def check_manifest(m, where, app_id, profile, executable, devel):
    got_id = m.get("id", m.get("app-id"))
    if "id" in m and "app-id" in m:
        problem(where, "has both id and app-id")
    if got_id != app_id:
        problem(where, f"app ID is {got_id!r}, expected {app_id!r}")
    if m.get("runtime") != RUNTIME:
        problem(where, f"runtime is {m.get('runtime')!r}, expected {RUNTIME!r}")
    if m.get("sdk") != SDK:
        problem(where, f"sdk is {m.get('sdk')!r}, expected {SDK!r}")
    version = m.get("runtime-version")
    if not isinstance(version, str) or not re.fullmatch(r"[0-9]+", version):
        problem(where, f"runtime-version is {version!r}, expected a GNOME release such as \"50\"")
    if m.get("command") != executable:
        problem(where, f"command is {m.get('command')!r}, expected {executable!r}")

    args = m.get("finish-args", [])
    if len(args) != len(set(args)):
        problem(where, "finish-args lists a permission twice")
    extra = sorted(set(args) - FINISH_ARGS)
    missing = sorted(FINISH_ARGS - set(args))
    if extra:
        problem(where, "finish-args grants more than Meanwhile needs: " + ", ".join(extra))
    if missing:
        problem(where, "finish-args lacks: " + ", ".join(missing))

    modules = m.get("modules", [])
    if not modules or not isinstance(modules[-1], dict):
        problem(where, "has no inline module for the app")
        return
    app = modules[-1]
    if app.get("buildsystem") != "meson":
        problem(where, f"the app module's buildsystem is {app.get('buildsystem')!r}, expected 'meson'")
    sources = app.get("sources", [])
    if not any(isinstance(s, dict) and s.get("type") == "dir" and s.get("path") == ".."
               for s in sources):
        problem(where, "the app module does not build this repository ({\"type\": \"dir\", \"path\": \"..\"})")
    opts = app.get("config-opts", [])
    if f"-Dprofile={profile}" not in opts:
        problem(where, f"the app module's config-opts lack -Dprofile={profile}")
    if devel and app.get("run-tests") is not True:
        problem(where, "the .Devel manifest must run the test suite (\"run-tests\": true)")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check-flatpak.py FLATPAK-BUILDER SOURCE-ROOT")
    builder, root = sys.argv[1], sys.argv[2]
    base_id, devel_id, executable = tree_facts(root)
    flatpak_dir = os.path.join(root, "flatpak")

    expected = {
        base_id + ".json": (base_id, "default", False),
        devel_id + ".json": (devel_id, "development", True),
    }
    present = sorted(n for n in os.listdir(flatpak_dir)
                     if n.endswith((".json", ".yml", ".yaml")))
    for name in expected:
        if name not in present:
            problem("flatpak/" + name, "is missing")

    checked = 0
    for name in present:
        where = "flatpak/" + name
        if name not in expected:
            problem(where, f"is not a manifest for {base_id} or {devel_id}")
            continue
        app_id, profile, devel = expected[name]
        m = show_manifest(builder, os.path.join(flatpak_dir, name), where)
        if m is None:
            continue
        check_manifest(m, where, app_id, profile, executable, devel)
        checked += 1

    for p in problems:
        print("FAIL " + p, file=sys.stderr)
    if problems or checked == 0:
        sys.exit(1)
    print(f"ok: {checked} manifests ({', '.join(present)})")


if __name__ == "__main__":
    main()
