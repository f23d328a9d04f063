#!/usr/bin/env python3
"""bench/memory_map.py — where a server's resident memory goes, mapping by mapping.

    python3 bench/memory_map.py [--rounds 3] [--seconds 5]
          (needs wrk and taskset: apt-get install wrk util-linux)

VmRSS, the figure bench/run.py compares with nginx, adds up very different things. This reads
/proc/PID/smaps instead and sums each mapping's resident memory into five groups:

  Deno's code       the deno binary's machine code and read-only data (V8, rustls, tokio, the
                    snapshot of Deno's own JavaScript): pages read from the file when first run,
                    shared with the disk cache, which the kernel may drop and read again
  Deno's data       the binary's writable data
  malloc's heap     [heap], what the main thread gets from malloc (Deno links the C library's):
                    Rust's allocations, the bytes of JavaScript's ArrayBuffers (a Uint8Array's)
  other anonymous   V8's heap pages, the other threads' malloc arenas, large blocks, the stacks
  other files       the C library's code, V8's code cache (a file Deno maps), ...

for three servers, each started afresh for every round (one process is one sample, see
bench/run.py), idle one second after it listens and again near the end of --seconds of
`wrk -c64` on a 1 KiB file over HTTPS (the server on core 0, wrk on core 1):

  floor              bench/deno_floor.ts with TLS: twenty lines of Deno, no node: module
  floor + node:fs    the same after import("node:fs/promises"), which starts Deno's Node
                     compatibility layer, as server.ts's own import of it (to open files) does
  tinyhttps          server.ts, as the start task runs it (its V8 flags), --quiet

Each cell is the median over the rounds, in MiB. The differences between the columns say what
each step up costs, and of what kind: code Deno runs, or memory the server allocated.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

from run import CERT, DENO, KEY, PROJECT, free_port, memory_near_end_of_load, start, stop, tinyhttps, \
    tree, wait_until_listening, why_not

GROUPS = ["Deno's code", "Deno's data", "malloc's heap", "other anonymous", "other files"]


def group_of(path, permissions, binary):
    """Which of GROUPS a mapping of `path` (empty for an anonymous one) belongs to; `binary` is the
    path of the deno executable."""
    if path == "[heap]":
        return "malloc's heap"
    if path == "" or path.startswith("["):  # anonymous, the stacks
        return "other anonymous"
    if path == binary:
        return "Deno's data" if "w" in permissions else "Deno's code"
    return "other files"


def resident_by_group(proc):
    """MiB resident in each of GROUPS, from /proc/PID/smaps of the deno process `proc` started (it
    may be a child: npx's deno is a Node.js script that starts the binary)."""
    for pid in tree(proc.pid):
        binary = os.path.realpath(f"/proc/{pid}/exe")
        if os.path.basename(binary) == "deno":
            break
    else:
        raise RuntimeError(f"no deno process under {proc.pid}")
    sums = dict.fromkeys(GROUPS, 0)
    group = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            mapping = re.match(r"^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if mapping:
                group = group_of(mapping.group(2), mapping.group(1), binary)
            elif line.startswith("Rss:"):
                sums[group] += int(line.split()[1])
    return {**{name: kib / 1024 for name, kib in sums.items()}, "all": sum(sums.values()) / 1024}


def measure(proc, port, url, seconds):
    """(idle, under load): each a dict of GROUPS and "all", or None if the server did not come up."""
    if not wait_until_listening(proc, port):
        print(f"memory_map: a server {why_not(proc)}", file=sys.stderr)
        return None
    time.sleep(1)
    return resident_by_group(proc), memory_near_end_of_load(proc, url, seconds, resident_by_group)


def floor(port, with_node):
    return start([DENO, "run", "--allow-net", "--allow-read", f"{PROJECT}/bench/deno_floor.ts",
                  str(port), CERT, KEY, *(["node"] if with_node else [])])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="each cell is the median of these")
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="tinyhttps-memory-map-")
    with open(f"{root}/1k.bin", "wb") as f:
        f.write(os.urandom(1024))
    servers = {
        "floor": lambda port: floor(port, with_node=False),
        "floor + node:fs": lambda port: floor(port, with_node=True),
        "tinyhttps": lambda port: tinyhttps(PROJECT, root, free_port(), port),
    }
    samples = {}  # (server, "idle" or "load") → one dict per round
    try:
        for turn in range(1, args.rounds + 1):
            for name, begin in servers.items():
                port = free_port()
                proc = begin(port)
                try:
                    found = measure(proc, port, f"https://127.0.0.1:{port}/1k.bin", args.seconds)
                finally:
                    stop(proc)
                if found is None:
                    continue
                for when, figures in zip(("idle", "load"), found):
                    samples.setdefault((name, when), []).append(figures)
                print(f"memory_map: round {turn} {name:16} idle {found[0]['all']:.0f} MiB, "
                      f"under load {found[1]['all']:.0f} MiB", file=sys.stderr, flush=True)
    finally:
        os.remove(f"{root}/1k.bin")
        os.rmdir(root)
    columns = [(name, when) for when in ("idle", "load") for name in servers if (name, when) in samples]
    print("| MiB | " + " | ".join(f"{name}, {'idle' if when == 'idle' else 'under load'}"
                                   for name, when in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for row in [*GROUPS, "all"]:
        cells = [statistics.median(s[row] for s in samples[column]) for column in columns]
        print(f"| {row} | " + " | ".join(f"{cell:.1f}" for cell in cells) + " |")


if __name__ == "__main__":
    main()
