#!/usr/bin/env python3
"""bench/flags.py — does a V8 flag (or the access log) make tinyhttps faster, slower or smaller,
and does it still after a quiet spell?

    python3 bench/flags.py [--connections 64] [--seconds 3] [--quiet 12] [--rounds 3] [--log]
                           [--fresh] [--variant FLAGS ...]
          (needs wrk: apt-get install wrk; writes nothing but a temporary folder)

Each --variant FLAGS is one variant's --v8-flags value; the start task's own flags are always the first
variant, "start task". Every variant is a tinyhttps of this checkout on core 0, all of them
running at once (so that each meets the machine's slow and fast moments alike), serving a 1 KiB
file over HTTPS; wrk runs on core 1. Each round, for each variant in turn (one place further
along each round): one second of warm-up, a "busy" measurement, --quiet seconds without a
request, then an "after quiet" one — a server that is quiet frees memory (server.ts part 15), and
a burst that follows pays for it. Then its resident memory. Each cell is the median of the
rounds. With --fresh, each variant gets a new server every round (its busy and after-quiet
measurements share it), so that what V8 decides once per process (to make some objects straight in
the old generation: allocation-site pretenuring) is sampled every round instead of once per run.
This is how the start task's --min-semi-space-size=4 (LESSON.md part 15) and
--no-allocation-site-pretenuring (README.md) were chosen: one flag tried beside the others, in one
run, on a machine whose speed changes by 20% from minute to minute.

    python3 bench/flags.py --variant=--max-semi-space-size=8,--min-semi-space-size=8,--expose-gc
    python3 bench/flags.py --log --quiet 40       (each variant logs to a file of its own)
    python3 bench/flags.py --fresh --quiet 0 --seconds 4 --rounds 8 \
        --variant=--max-semi-space-size=4,--min-semi-space-size=4,--expose-gc,--no-flush-bytecode
          (the start task beside itself without --no-allocation-site-pretenuring)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

# Starting, waiting for and stopping servers, and picking free ports, as bench/run.py does.
from run import free_port, start, stop, wait_until_listening, why_not

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
CERT, KEY = f"{PROJECT}/certs/cert.pem", f"{PROJECT}/certs/key.pem"


def start_task_flags():
    """The --v8-flags value of deno.json's start task: the variant every other is measured against."""
    with open(f"{PROJECT}/deno.json") as f:
        words = json.load(f)["tasks"]["start"].split()
    return next((w.split("=", 1)[1] for w in words if w.startswith("--v8-flags=")), "")


def tinyhttps(flags, root, https_port, log):
    """One variant: tinyhttps on core 0 with these V8 flags, quiet or logging to `log`; its plain
    HTTP port is a free one too."""
    allowed, logging = ([f"--allow-write={log}"], ["--log", log]) if log else ([], ["--quiet"])
    return start(["deno", "run", f"--v8-flags={flags}", "--allow-net", "--allow-read", "--allow-ffi=/lib",
                  *allowed, f"{PROJECT}/server.ts", "--root", root, "--hostname", "127.0.0.1",
                  "--http-port", str(free_port()), "--https-port", str(https_port), "--cert", CERT,
                  "--key", KEY, "--no-redirect", *logging])


def up(proc, port):
    """Waits until the variant `proc` listens on `port`; stops the run, saying why, if it does not."""
    if not wait_until_listening(proc, port):
        raise SystemExit(f"bench/flags.py: tinyhttps on port {port} {why_not(proc)}")


def wrk(port, connections, seconds):
    """req/s and p99 (ms) of wrk on core 1 against the variant on `port`."""
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                          "--latency", f"https://127.0.0.1:{port}/1k.bin"],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    if rate is None or p99 is None:
        raise SystemExit(f"bench/flags.py: wrk said nothing we could read:\n{out}")
    return float(rate.group(1)), float(p99.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[p99.group(2)]


def resident_mib(proc):
    with open(f"/proc/{proc.pid}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=3, help="of each measurement")
    parser.add_argument("--quiet", type=int, default=12, help="seconds without a request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--log", action="store_true", help="every variant logs to a file")
    parser.add_argument("--fresh", action="store_true", help="a new server for each variant every round")
    parser.add_argument("--variant", action="append", default=[], metavar="FLAGS",
                        help="one variant's --v8-flags value (--variant=--expose-gc); may be repeated")
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench/flags.py: {tool} is needed (apt-get install wrk util-linux)")
    variants = {"start task": start_task_flags(), **{flags: flags for flags in args.variant}}
    with tempfile.TemporaryDirectory() as root:
        with open(f"{root}/1k.bin", "wb") as f:
            f.write(os.urandom(1024))
        ports = {name: free_port() for name in variants}
        logs = {name: f"{root}/log{i}" if args.log else None for i, name in enumerate(variants)}
        procs = {name: tinyhttps(variants[name], root, ports[name], logs[name]) for name in variants}
        try:
            for name, port in ports.items():
                up(procs[name], port)
            results = {name: [] for name in variants}
            names = list(variants)
            for round in range(args.rounds):
                for name in names[round % len(names):] + names[:round % len(names)]:
                    if args.fresh and round > 0:
                        stop(procs[name])
                        procs[name] = tinyhttps(variants[name], root, ports[name], logs[name])
                        up(procs[name], ports[name])
                    wrk(ports[name], args.connections, 1)
                    busy = wrk(ports[name], args.connections, args.seconds)
                    time.sleep(args.quiet)
                    cold = wrk(ports[name], args.connections, args.seconds)
                    results[name].append((*busy, *cold, resident_mib(procs[name])))
                    print(f"round {round + 1}  {name}: busy {busy[0]:,.0f} req/s p99 {busy[1]:.1f} ms;"
                          f" after quiet {cold[0]:,.0f} req/s p99 {cold[1]:.1f} ms;"
                          f" {results[name][-1][4]} MiB", flush=True)
        finally:
            for proc in procs.values():
                stop(proc)
    print(f"\nmedians of {args.rounds} rounds, {args.connections} connections, "
          f"{args.seconds} s each, {args.quiet} s quiet{', logging' if args.log else ''}"
          f"{', a new server each round' if args.fresh else ''}:")
    print("| variant | busy req/s | busy p99 ms | after quiet req/s | after quiet p99 ms | MiB |")
    print("|---|---|---|---|---|---|")
    for name, rows in results.items():
        busy, busy99, cold, cold99, mib = (median([row[i] for row in rows]) for i in range(5))
        print(f"| {name} | {busy:,.0f} | {busy99:.1f} | {cold:,.0f} | {cold99:.1f} | {mib} |")


if __name__ == "__main__":
    main()
