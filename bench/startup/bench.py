#!/usr/bin/env python3
"""Startup benchmark: the release app against a bare Tauri window, in the same run.

Builds both (release), starts each N times (alternating, under Xvfb and a real gnome-keyring
session, so the app behaves as on a desktop), and reports for each:
  - time to first paint: from spawn to the page's readiness signal (`ready <ms>` on stdout,
    printed when the UI calls the `ui_ready` command after its first animation frame);
  - memory: RSS and PSS summed over the process and all its descendants (the WebKit network and
    web processes), read from /proc/<pid>/smaps_rollup once the page is ready and the process
    tree has stayed the same for SETTLE_S seconds;
  - the size of each release binary.
Ratios are app / bare. Usage: bench/startup/bench.py [--runs N] [--no-build]
Run it through `make bench-startup`, which wraps it in Xvfb and the keyring session.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP = os.path.join(ROOT, "target/release/fabric-ha-desktop")
BARE = os.path.join(ROOT, "target/release/bare-window")
CLI = os.path.join(ROOT, "target/release/fabric-ha")
SETTLE_S = 2.0
READY_TIMEOUT_S = 60.0


def build():
    subprocess.run(["npm", "run", "build"], cwd=os.path.join(ROOT, "ui"), check=True)
    subprocess.run(
        ["cargo", "build", "--release", "-p", "fabric-ha-desktop", "-p", "fabric-ha-cli", "-p", "bare-window"],
        cwd=ROOT,
        check=True,
    )


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return sorted(out)


def memory_kb(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def proc_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def one_run(binary, home):
    env = dict(os.environ, FABRIC_HA_REPORT_READY="1", FABRIC_HA_HOME=home)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
        start_new_session=True,
    )
    ready_ms = None
    deadline = t0 + READY_TIMEOUT_S
    while time.perf_counter() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("ready "):
            ready_ms = (time.perf_counter() - t0) * 1000.0
            break
    if ready_ms is None:
        proc.kill()
        raise SystemExit(f"{binary} never reported ready")
    # Memory once the process tree is stable (WebKit spawns its helpers during load).
    stable_since, last = time.perf_counter(), tree(proc.pid)
    while time.perf_counter() - stable_since < SETTLE_S:
        time.sleep(0.25)
        now = tree(proc.pid)
        if now != last:
            stable_since, last = time.perf_counter(), now
    rss, pss = memory_kb(last)
    names = sorted(proc_name(p) for p in last)
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return ready_ms, rss, pss, names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args()
    if not args.no_build:
        build()
    home = tempfile.mkdtemp(prefix="fabric-ha-bench-")
    try:
        # Warm-up: creates the workspace and its keyring entry, fills the page cache. Then the
        # first-run screen is dismissed, so the runs measure an everyday start (the Nodes page).
        one_run(APP, home)
        subprocess.run([CLI, "--data-dir", home, "settings", "set", "onboarded", "true"], check=True)
        one_run(BARE, home)
        results = {"app": [], "bare": []}
        for _ in range(args.runs):
            results["app"].append(one_run(APP, home))
            results["bare"].append(one_run(BARE, home))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    def summary(rows):
        return {
            "ready_ms_median": statistics.median(r[0] for r in rows),
            "rss_mb_median": statistics.median(r[1] for r in rows) / 1024,
            "pss_mb_median": statistics.median(r[2] for r in rows) / 1024,
            "processes": rows[-1][3],
        }

    app, bare = summary(results["app"]), summary(results["bare"])
    sizes = {"app": os.path.getsize(APP) / 1e6, "bare": os.path.getsize(BARE) / 1e6}
    print(f"runs: {args.runs} each, alternating; processes counted: {', '.join(app['processes'])}")
    print(f"{'':24}{'app':>10}{'bare':>10}{'app/bare':>10}")
    for key, label in [
        ("ready_ms_median", "first paint (ms, median)"),
        ("rss_mb_median", "RSS total (MB, median)"),
        ("pss_mb_median", "PSS total (MB, median)"),
    ]:
        print(f"{label:24}{app[key]:>10.1f}{bare[key]:>10.1f}{app[key] / bare[key]:>10.2f}")
    print(f"{'binary size (MB)':24}{sizes['app']:>10.1f}{sizes['bare']:>10.1f}{sizes['app'] / sizes['bare']:>10.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"app": app, "bare": bare, "binary_mb": sizes, "runs": args.runs}, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
