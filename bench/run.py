#!/usr/bin/env python3
"""bench/run.py — tinyhttps beside nginx and other file servers, measured in one run.

    python3 bench/run.py [--seconds 5] [--rounds 3] [--compare DIR]
                                                     (needs wrk and nginx: apt-get install wrk nginx-light)

Every server serves the same folder on loopback, pinned to core 0; wrk runs on core 1
(`taskset`). Each case runs each server for --seconds, in --rounds interleaved rounds, and
each cell is the median: the ratios are comparable even on a noisy machine; the absolute
numbers are not. Writes bench/RESULTS.md
(a table of numbers and ratios to nginx) and bench/results.svg (a chart of those ratios), and
stops every server it started. Deno std's file_server is tried from the npm package deno-std;
where it cannot run, RESULTS.md says why. --compare DIR adds the tinyhttps of another checkout
(an older commit: `git worktree add /tmp/before HEAD~3`) as one more server of the same run, so a
change is measured against what it changed, round by round, and RESULTS.md gets a ratio column.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
os.environ["NO_COLOR"] = "1"  # plain error text in RESULTS.md
DENO = os.environ.get("DENO") or shutil.which("deno") or "deno"
CERT, KEY = f"{PROJECT}/certs/cert.pem", f"{PROJECT}/certs/key.pem"
COMPARED = "tinyhttps at "  # the name of the --compare server, before its commit

CASES = [
    # name, scheme, path, wrk options, what is measured
    ("1 KiB, keep-alive, HTTP", "http", "/1k.bin", ["-c64"], "req/s"),
    ("1 KiB, keep-alive, HTTPS", "https", "/1k.bin", ["-c64"], "req/s"),
    ("1 KiB, new connection each, HTTPS", "https", "/1k.bin", ["-c16", "-H", "Connection: close"], "req/s"),
    ("Range 100 KB of 100 MiB, HTTPS", "https", "/100m.bin", ["-c16", "-H", "Range: bytes=1000000-1099999"], "req/s"),
    ("100 MiB file, HTTP", "http", "/100m.bin", ["-c4"], "MB/s"),
    ("100 MiB file, HTTPS", "https", "/100m.bin", ["-c4"], "MB/s"),
    ("1 KiB, 256 connections, HTTPS: p99", "https", "/1k.bin", ["-c256"], "p99 ms"),
]
# The rows of the table: (row, the case measured, what is read off it). Latency at 64 connections
# comes from the keep-alive HTTPS runs themselves.
ROWS = [(name, name, measure) for name, _, _, _, measure in CASES]
ROWS.insert(2, ("1 KiB, 64 connections, HTTPS: p99", "1 KiB, keep-alive, HTTPS", "p99 ms"))


def make_root():
    root = tempfile.mkdtemp(prefix="tinyhttps-bench-")
    os.chmod(root, 0o755)  # nginx's worker runs as nobody
    with open(f"{root}/1k.bin", "wb") as f:
        f.write(os.urandom(1024))
    with open(f"{root}/100m.bin", "wb") as f:
        block = os.urandom(1 << 20)
        for _ in range(100):
            f.write(block)
    for name in ("1k.bin", "100m.bin"):
        os.chmod(f"{root}/{name}", 0o644)
    return root


# The npm package deno-std@1.4.0 ships http/file_server.js but not seven modules it imports. None
# of them is on the path that serves a file, so they are filled in here, in a temporary copy of
# the package, with what std's own modules export (names and values), and the run says so.
STD_SHIMS = {
    "fs/exists.js": """export async function exists(path) {
  try { await Deno.stat(path); return true; }
  catch (e) { if (e instanceof Deno.errors.NotFound) return false; throw e; }
}""",
    "media-types/content_type.js": 'export * from "../media_types/content_type.js";',
    "http/deno.json": '{ "version": "from npm deno-std@1.4.0" }',
    "net/unstable_get_network_address.js": """export function getNetworkAddress(family = "IPv4") {
  return Deno.networkInterfaces().find((i) => i.family === family &&
    (family === "IPv4" ? !i.address.startsWith("127.") : i.address !== "::1"))?.address;
}""",
    "http/unstable_header.js": "export const HEADER = " + repr({
        "AcceptRanges": "Accept-Ranges", "AccessControlAllowHeaders": "Access-Control-Allow-Headers",
        "AccessControlAllowOrigin": "Access-Control-Allow-Origin", "ContentLength": "Content-Length",
        "ContentRange": "Content-Range", "ContentType": "Content-Type", "ETag": "ETag",
        "IfModifiedSince": "If-Modified-Since", "IfNoneMatch": "If-None-Match",
        "LastModified": "Last-Modified", "Range": "Range"}) + ";",
    "http/unstable_method.js": 'export const METHOD = { Get: "GET", Head: "HEAD" };',
    "html/unstable_html.js": "export const html = String.raw; // only its directory pages use it",
}


def std_file_server(workdir):
    """Deno std's file server from the npm package deno-std, completed with STD_SHIMS.
    Returns (path of file_server.js or None, what RESULTS.md should say about it)."""
    packed = subprocess.run(["npm", "pack", "deno-std@1.4.0", "--pack-destination", workdir],
                            capture_output=True, text=True, timeout=120)
    if packed.returncode != 0:
        return None, "npm pack failed: " + (packed.stderr.strip().splitlines() or ["?"])[-1]
    subprocess.run(["tar", "xzf", f"{workdir}/{packed.stdout.strip().splitlines()[-1]}", "-C", workdir],
                   check=True)
    for name, text in STD_SHIMS.items():
        os.makedirs(os.path.dirname(f"{workdir}/package/{name}"), exist_ok=True)
        with open(f"{workdir}/package/{name}", "w") as f:
            f.write(text + "\n")
    return (f"{workdir}/package/http/file_server.js",
            "from npm deno-std@1.4.0; seven modules it imports but the package lacks, none on the "
            "path that serves a file, were filled in by bench/run.py (STD_SHIMS)")


def start(argv, **kw):
    log = tempfile.TemporaryFile()  # the server's own words, if it does not come up
    proc = subprocess.Popen(["taskset", "-c", "0", *argv], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, **kw)
    proc.log = log
    return proc


def wait_until_up(found, seconds=30):
    """Waits until every server accepts connections on its ports; one that does not is dropped
    from the run, with what it printed as the reason."""
    until = time.time() + seconds
    for name, (proc, http_port, https_port, note) in list(found.items()):
        ports = [p for p in (http_port, https_port) if p]
        while proc is not None and ports and time.time() < until and proc.poll() is None:
            try:
                for port in ports:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            if proc is not None:
                proc.log.seek(0)
                said = proc.log.read().decode(errors="replace").strip().splitlines() or ["nothing"]
                code = proc.poll()
                found[name] = (None, None, None, f"did not come up (exit {code}): {said[-1]}")
                if code is None:
                    os.killpg(proc.pid, signal.SIGTERM)


def tinyhttps(project, root, http_port, https_port):
    return start([DENO, "run", "--allow-net", "--allow-read", "--allow-ffi=/lib", f"{project}/server.ts",
                  "--root", root, "--hostname", "127.0.0.1", "--http-port", str(http_port),
                  "--https-port", str(https_port), "--quiet", "--no-redirect"])


def commit_of(project):
    out = subprocess.run(["git", "-C", project, "log", "-1", "--format=%h"], capture_output=True, text=True)
    return out.stdout.strip() or os.path.basename(os.path.abspath(project))


def servers(root, workdir, compare=None):
    """name → (process or None, http port, https port or None, note)."""
    nginx_conf = f"{workdir}/nginx.conf"
    with open(nginx_conf, "w") as f:
        f.write(f"""daemon off; worker_processes 1; pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{ include /etc/nginx/mime.types; access_log off; sendfile on;
  client_body_temp_path {workdir};
  server {{ listen 127.0.0.1:28080; listen 127.0.0.1:28443 ssl;
    ssl_certificate {CERT}; ssl_certificate_key {KEY}; root {root}; }} }}
""")
    found = {}
    found["tinyhttps"] = (tinyhttps(PROJECT, root, 18080, 18443), 18080, 18443, "")
    if compare:
        found[COMPARED + commit_of(compare)] = (tinyhttps(compare, root, 19080, 19443), 19080, 19443,
                                                 f"the tinyhttps of {compare}, for comparison")
    found["nginx (1 worker, sendfile)"] = (start(["nginx", "-c", nginx_conf]), 28080, 28443, "")
    found["python3 -m http.server"] = (
        start([sys.executable, "-m", "http.server", "-b", "127.0.0.1", "38080"], cwd=root), 38080, None, "")
    npx = shutil.which("npx")
    if npx:
        found["npm http-server 14"] = (start([npx, "--yes", "http-server@14.1.1", root, "-a", "127.0.0.1",
                                              "-p", "48443", "-S", "-C", CERT, "-K", KEY, "-s", "-c-1"]),
                                       None, 48443, "")
    std_server, note = std_file_server(workdir)
    std = subprocess.run([DENO, "run", "-A", std_server, "--help"], capture_output=True, text=True,
                         timeout=120) if std_server else None
    if std is not None and std.returncode == 0:
        found["Deno std file_server"] = (start([DENO, "run", "-A", std_server,
                                                root, "--host", "127.0.0.1", "--port", "58443",
                                                "--cert", CERT, "--key", KEY, "--quiet"]), None, 58443, note)
    else:
        why = note if std is None else re.sub(r"\x1b\[[0-9;]*m", "", (std.stderr.strip().splitlines() or ["?"])[0])
        found["Deno std file_server"] = (None, None, None, f"did not run from npm deno-std@1.4.0: {why}")
    wait_until_up(found)
    return found


def wrk(url, options, seconds):
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-d{seconds}s", "--latency", *options, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    mb = None
    if transfer:
        scale = {"B": 1e-6, "KB": 1e-3, "MB": 1, "GB": 1e3}.get(transfer.group(2), 1)
        mb = float(transfer.group(1)) * scale * 1.048576  # wrk's KB/MB are KiB/MiB
    ms = None
    if p99:
        ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[p99.group(2)]
    return {"req/s": float(rps.group(1)) if rps else None, "MB/s": mb, "p99 ms": ms,
            "errors": errors.group(0) if errors else ""}


def rss_mib(proc):
    try:
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(proc.pid), "-p", str(proc.pid)],
                             capture_output=True, text=True).stdout.split()
        return sum(int(x) for x in out) / 1024
    except Exception:
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="each cell is the median of these")
    parser.add_argument("--compare", metavar="DIR", help="another tinyhttps checkout to run beside this one")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is needed (apt-get install wrk nginx-light util-linux)")
    root = make_root()
    workdir = tempfile.mkdtemp(prefix="tinyhttps-bench-run-")
    found = servers(root, workdir, args.compare)
    samples = {}  # (case, server) → one wrk result per round
    peak = {}
    try:
        # Rounds outermost: each server meets the machine's slow and fast moments alike.
        for round in range(1, args.rounds + 1):
            for name, scheme, path, options, measure in CASES:
                for server, (proc, http_port, https_port, note) in found.items():
                    port = http_port if scheme == "http" else https_port
                    if proc is None or port is None:
                        continue
                    r = wrk(f"{scheme}://127.0.0.1:{port}{path}", options, args.seconds)
                    if measure == "MB/s":
                        peak[server] = max(peak.get(server, 0), rss_mib(proc) or 0)
                    samples.setdefault((name, server), []).append(r)
                    print(f"bench: round {round} {name:38} {server:28} {r[measure]} {r['errors']}",
                          flush=True)
    finally:
        for proc, *_ in found.values():
            if proc is not None:
                os.killpg(proc.pid, signal.SIGTERM)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    results = {}  # (row, server) → (median value, errors)
    for row, case, measure in ROWS:
        for (name, server), runs in samples.items():
            values = sorted(r[measure] for r in runs if r[measure] is not None)
            if name == case:
                median = values[len(values) // 2] if values else None
                results[(row, server)] = (median, "; ".join(r["errors"] for r in runs if r["errors"]))
    write_results(found, results, peak, args)


def fmt(value, measure):
    if value is None:
        return "—"
    return f"{value:,.1f}" if measure == "p99 ms" else f"{value:,.0f}"


def write_results(found, results, peak, args):
    names = list(found)
    ref = "nginx (1 worker, sendfile)"
    compared = next((s for s in names if s.startswith(COMPARED)), None)
    lines = [
        "# Benchmark results", "",
        f"Written by `python3 bench/run.py --seconds {args.seconds} --rounds {args.rounds}"
        f"{' --compare ' + args.compare if args.compare else ''}` on "
        f"{time.strftime('%Y-%m-%d')}: every server pinned",
        "to core 0, wrk (one thread) on core 1, loopback. Each cell is the median of "
        f"{args.rounds} runs of {args.seconds} s,",
        "the rounds interleaved (every case for every server, then again), so that all servers meet the",
        "machine's noisy moments alike. Ratios are to nginx in the same run; for p99 latency, lower is",
        "better and the ratio is nginx's p99 divided by the server's (so above 1 is better there too).",
        "",
        "| case | " + " | ".join(names) + " | tinyhttps ÷ nginx | tinyhttps ÷ Deno std |" +
        (f" tinyhttps ÷ {compared} |" if compared else ""),
        "|---|" + "---|" * len(names) + "---|---|" + ("---|" if compared else ""),
    ]
    ratios = []
    for name, _, measure in ROWS:
        row = [f"{name} ({measure})"]
        for server in names:
            value, errors = results.get((name, server), (None, ""))
            row.append(fmt(value, measure) + (" ⚠" if errors else ""))
        tiny, nginx = results.get((name, "tinyhttps"), (None,))[0], results.get((name, ref), (None,))[0]
        ratio = None
        if tiny and nginx:
            ratio = nginx / tiny if measure == "p99 ms" else tiny / nginx
        ratios.append((name, ratio))
        row.append(f"{ratio:.2f}×" if ratio else "—")
        std = results.get((name, "Deno std file_server"), (None,))[0]
        versus_std = (std / tiny if measure == "p99 ms" else tiny / std) if tiny and std else None
        row.append(f"{versus_std:.1f}×" if versus_std else "—")
        if compared:
            old = results.get((name, compared), (None,))[0]
            versus_old = (old / tiny if measure == "p99 ms" else tiny / old) if tiny and old else None
            row.append(f"{versus_old:.2f}×" if versus_old else "—")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("| peak resident memory in the 100 MiB cases (MiB) | " +
                 " | ".join(f"{peak[s]:.0f}" if s in peak else "—" for s in names) + " | | |" +
                 (" |" if compared else ""))
    notes = [f"- {s}: {n}" for s, (_, _, _, n) in found.items() if n]
    if any(e for (_, e) in results.values()):
        notes.append("- ⚠: wrk reported errors or non-2xx answers for that cell.")
    lines += ["", *notes, "", "![tinyhttps ÷ nginx](results.svg)", ""]
    with open(f"{HERE}/RESULTS.md", "w") as f:
        f.write("\n".join(lines))
    with open(f"{HERE}/results.svg", "w") as f:
        f.write(svg(ratios))
    print("bench: wrote bench/RESULTS.md and bench/results.svg")


def svg(ratios):
    """A horizontal bar per case: tinyhttps ÷ nginx, with the 1.0× line marked."""
    width, bar, top, left, scale = 760, 26, 40, 300, 180
    height = top + len(ratios) * (bar + 10) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="13">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-weight="bold">tinyhttps ÷ nginx (same run; above 1× is better)</text>']
    for i, (name, ratio) in enumerate(ratios):
        y = top + i * (bar + 10)
        out.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{name}</text>')
        if ratio:
            w = min(ratio, 2.3) * scale
            color = "#2a7" if ratio >= 1 else "#d84"
            out.append(f'<rect x="{left}" y="{y}" width="{w:.0f}" height="{bar}" fill="{color}"/>')
            out.append(f'<text x="{left + w + 6:.0f}" y="{y + 17}">{ratio:.2f}×</text>')
    x1 = left + scale
    out.append(f'<line x1="{x1}" y1="{top - 6}" x2="{x1}" y2="{height - 20}" stroke="#333" '
               f'stroke-dasharray="4 3"/><text x="{x1}" y="{height - 6}" text-anchor="middle">1×</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
