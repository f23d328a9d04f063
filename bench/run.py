#!/usr/bin/env python3
"""bench/run.py — tinyhttps beside nginx and other file servers, measured in one run.

    python3 bench/run.py [--seconds 5] [--rounds 3] [--compare DIR]
          (needs wrk, nginx, gcc and OpenSSL's headers: apt-get install wrk nginx-light gcc libssl-dev)

Every server serves the same folder on loopback, pinned to core 0 (but one informative nginx with
`worker_processes auto`, on every core); the client runs on core 1 (`taskset`): wrk; for the
100 MiB files bench/bigread.c, which reads 1 MiB at a time (wrk's 8 KiB reads cap it near 2 GB/s);
and for a new connection per request bench/reconnect.c, which can make every handshake a full one
(wrk resumes the TLS session of its previous connection); both are compiled into a temporary
folder. Both nginx are told to speak the TLS tinyhttps speaks (NGINX_TLS), and RESULTS.md says what `openssl s_client` agreed with each server. tinyhttps and nginx also run
a second, logging server for one case; resident memory (/proc/PID/status) is read idle, under
load, and at its peak in the 100 MiB cases (tinyhttps's idle and under-load figures on --rounds
servers started for that alone: V8 decides some things once per process). Each case runs each
server for --seconds, in --rounds interleaved rounds, and each cell is the median: the ratios are
comparable even on a noisy machine; the absolute numbers are not. `--seconds 3 --rounds 3 --compare DIR`
takes about ten minutes. Writes bench/RESULTS.md (a table of numbers and
ratios to nginx) and bench/results.svg (a chart of those ratios), and
stops every server it started. Deno std's file_server is tried from the npm package deno-std;
where it cannot run, RESULTS.md says why. --compare DIR adds the tinyhttps of another checkout
(an older commit: `git worktree add /tmp/before HEAD~3`) as one more server of the same run, so a
change is measured against what it changed, round by round, and RESULTS.md gets a ratio column.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
os.environ["NO_COLOR"] = "1"  # plain error text in RESULTS.md
DENO = os.environ.get("DENO") or shutil.which("deno") or "deno"
CERT, KEY = f"{PROJECT}/certs/cert.pem", f"{PROJECT}/certs/key.pem"
COMPARED = "tinyhttps at "  # the name of the --compare server, before its commit

BIG = 100 << 20  # the size of 100m.bin
CASES = [
    # name, port (of each server's ports), path, client options, what is measured. The big files are
    # read by bench/bigread.c (1 MiB reads), new connections made by bench/reconnect.c, everything
    # else by wrk.
    ("1 KiB, keep-alive, HTTP", "http", "/1k.bin", ["-c64"], "req/s"),
    ("1 KiB, keep-alive, HTTPS", "https", "/1k.bin", ["-c64"], "req/s"),
    ("1 KiB, keep-alive, HTTPS, both logging to a file", "https-log", "/1k.bin", ["-c64"], "req/s"),
    ("1 KiB, 256 connections, HTTPS", "https", "/1k.bin", ["-c256"], "req/s"),
    ("1 KiB, new connection each, HTTPS, full handshake", "https", "/1k.bin", ["reconnect", "full", "16"],
     "req/s"),
    ("1 KiB, new connection each, HTTPS, session resumed", "https", "/1k.bin", ["reconnect", "resume", "16"],
     "req/s"),
    ("Range 100 KB of 100 MiB, HTTPS", "https", "/100m.bin", ["-c16", "-H", "Range: bytes=1000000-1099999"], "req/s"),
    ("100 MiB file, HTTP, 1 MiB reads", "http", "/100m.bin", ["bigread", "4"], "MB/s"),
    ("100 MiB file, HTTPS, 1 MiB reads", "https", "/100m.bin", ["bigread", "4"], "MB/s"),
]
# The rows of the table: (row, the case measured, what is read off it). Latency comes from the
# req/s runs themselves; memory rows (MEMORY) are measured beside the cases, not by a case.
ROWS = [(name, name, measure) for name, _, _, _, measure in CASES]
ROWS.insert(2, ("1 KiB, 64 connections, HTTPS: p99", "1 KiB, keep-alive, HTTPS", "p99 ms"))
ROWS.insert(5, ("1 KiB, 256 connections, HTTPS: p99", "1 KiB, 256 connections, HTTPS", "p99 ms"))
# A handshake costs the client as much as the server, so the new-connection rows may be the client's
# pace: what each request cost the server's CPU says what the server alone could do.
# Beside the keep-alive rows too: a noisy machine moves req/s more than it moves the CPU a request
# costs, and how that cost grows from 64 to 256 connections is the server's own.
for case in ("1 KiB, new connection each, HTTPS, full handshake",
             "1 KiB, new connection each, HTTPS, session resumed",
             "1 KiB, keep-alive, HTTPS", "1 KiB, 256 connections, HTTPS"):
    ROWS.insert(ROWS.index((case, case, "req/s")) + 1, (f"{case}: server CPU per request", case, "µs"))
MEMORY = [("idle", "resident memory, idle at start", "MiB"),
          ("load", "resident memory after 5 s of 64-connection keep-alive 1 KiB", "MiB"),
          ("peak", "peak resident memory in the 100 MiB cases", "MiB"),
          ("conn", "resident memory per idle keep-alive TLS connection, 300 of them", "KiB")]
ROWS += [(row, key, measure) for key, row, measure in MEMORY]
LOWER_IS_BETTER = ("p99 ms", "MiB", "KiB", "µs")
NGINX, NGINX_AUTO = "nginx (1 worker, sendfile)", f"nginx (worker_processes auto = {os.cpu_count()}, not pinned)"
FLOOR = "Deno floor (TLS, bench/deno_floor.ts)"
# Both nginx speak what tinyhttps (rustls, through Deno) speaks to OpenSSL clients like wrk and
# bigread: TLS 1.3 with TLS_AES_256_GCM_SHA384 over X25519. (nginx 1.22 offers TLS 1.2 only unless
# told.) bench/run.py asks every HTTPS server with `openssl s_client` and RESULTS.md says what each
# agreed to.
NGINX_TLS = ("ssl_protocols TLSv1.3; ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384; "
             "ssl_ecdh_curve X25519;")


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


def start(argv, pinned=True, **kw):
    log = tempfile.TemporaryFile()  # the server's own words, if it does not come up
    proc = subprocess.Popen(["taskset", "-c", "0", *argv] if pinned else argv, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True, **kw)
    proc.log = log
    return proc


class Server:
    """One server of the run: its process (None if it did not come up), its ports by case kind
    ("http", "https", "https-log"), and a note for RESULTS.md. A server may have a second process
    for the logging case (`logger`): tinyhttps's log is on or off for the whole process."""

    def __init__(self, proc, ports, note="", logger=None, serves=None):
        self.proc, self.ports, self.note, self.logger = proc, dict(ports), note, logger
        self.serves = serves  # a regex: only the cases whose name matches (None: all)
        self.tls = ""  # what `openssl s_client` agreed with it

    def procs(self):
        return [p for p in (self.proc, self.logger) if p is not None]


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def why_not(proc):
    proc.log.seek(0)
    said = proc.log.read().decode(errors="replace").strip().splitlines() or ["nothing"]
    code = proc.poll()
    if code is None:
        os.killpg(proc.pid, signal.SIGTERM)
    return f"did not come up (exit {code}): {said[-1]}"


def wait_until_up(found, seconds=30):
    """Waits until every server accepts connections on its ports; one that does not is dropped
    from the run, with what it printed as the reason (a logger that does not come up only drops
    the logging case)."""
    until = time.time() + seconds
    for server in found.values():
        for proc in server.procs():
            mine = [k for k in server.ports if (k == "https-log") == (proc is server.logger)]
            while time.time() < until and proc.poll() is None and \
                    not all(listening(server.ports[k]) for k in mine):
                time.sleep(0.2)
            if all(listening(server.ports[k]) for k in mine) and proc.poll() is None:
                continue
            note = why_not(proc)
            if proc is server.logger:
                server.logger = None
                server.ports.pop("https-log", None)
                server.note += ("; " if server.note else "") + f"its logging instance {note}"
            else:
                for other in server.procs():
                    if other.poll() is None:
                        os.killpg(other.pid, signal.SIGTERM)
                server.proc, server.logger, server.ports, server.note = None, None, {}, note
                break


def tinyhttps(project, root, http_port, https_port, log=None):
    """tinyhttps as the tasks run it, but quiet, or (log=FILE) logging to FILE: the tasks may
    write under logs/ only, so this grants --allow-write to FILE, in the run's temporary folder."""
    logging = ["--allow-write=" + log] if log else []
    # The V8 flags of that checkout's own start task (a --compare checkout may have none).
    with open(f"{project}/deno.json") as f:
        start_task = json.load(f)["tasks"]["start"]
    v8 = [word for word in start_task.split() if word.startswith("--v8-flags=")]
    return start([DENO, "run", *v8, "--allow-net", "--allow-read", *logging, "--allow-ffi=/lib",
                  f"{project}/server.ts", "--root", root, "--hostname", "127.0.0.1",
                  "--http-port", str(http_port), "--https-port", str(https_port), "--cert", CERT,
                  "--key", KEY, *(["--log", log] if log else ["--quiet"]), "--no-redirect"])


def commit_of(project):
    out = subprocess.run(["git", "-C", project, "log", "-1", "--format=%h"], capture_output=True, text=True)
    return out.stdout.strip() or os.path.basename(os.path.abspath(project))


def free_port(given=set()):
    """A port nobody listens on now (the kernel's pick), and not given out before: other people's
    servers on this machine may hold any fixed one."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in given:
            given.add(port)
            return port


def nginx_conf(workdir, name, root, workers, ports):
    """An nginx.conf in workdir: HTTP on ports["http"], HTTPS on ports["https"], and (if ports has
    "https-log") one more HTTPS server that logs every request to a file, nginx's default (one
    write() per line)."""
    log_port = ports.get("https-log")
    logging = f"""
  server {{ listen 127.0.0.1:{log_port} ssl; access_log {workdir}/{name}-access.log;
    ssl_certificate {CERT}; ssl_certificate_key {KEY}; root {root}; }}""" if log_port else ""
    path = f"{workdir}/{name}.conf"
    with open(path, "w") as f:
        f.write(f"""daemon off; worker_processes {workers}; pid {workdir}/{name}.pid;
error_log {workdir}/{name}-error.log;
events {{ worker_connections 4096; }}
http {{ include /etc/nginx/mime.types; access_log off; sendfile on;
  client_body_temp_path {workdir}; {NGINX_TLS}
  server {{ listen 127.0.0.1:{ports["http"]}; listen 127.0.0.1:{ports["https"]} ssl;
    ssl_certificate {CERT}; ssl_certificate_key {KEY}; root {root}; }}{logging} }}
""")
    return path


def use_ecdsa_certificate(workdir):
    """Makes a self-signed ECDSA P-256 certificate for 127.0.0.1 and points CERT and KEY at it."""
    global CERT, KEY
    CERT, KEY = f"{workdir}/ecdsa-cert.pem", f"{workdir}/ecdsa-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", KEY, "-out", CERT, "-days", "30", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)


def checkouts(compare):
    """name → folder of the tinyhttps servers in the run: this checkout, and the compared one."""
    return [("tinyhttps", PROJECT), *([(COMPARED + commit_of(compare), compare)] if compare else [])]


def servers(root, workdir, compare=None, quick=False):
    """name → Server (quick: tinyhttps, the compared one and nginx with 1 worker only)."""
    found = {}
    for name, project in checkouts(compare):
        ports = {"http": free_port(), "https": free_port(), "https-log": free_port()}
        found[name] = Server(tinyhttps(project, root, ports["http"], ports["https"]), ports,
                             "" if project == PROJECT else f"the tinyhttps of {compare}, for comparison",
                             logger=tinyhttps(project, root, free_port(), ports["https-log"],
                                              f"{workdir}/{len(found)}-access.log"))
    ports = {"http": free_port(), "https": free_port(), "https-log": free_port()}
    found[NGINX] = Server(start(["nginx", "-c", nginx_conf(workdir, "nginx", root, 1, ports)]), ports)
    if quick:
        return up_with_tls(found)
    ports = {"http": free_port(), "https": free_port()}
    found[NGINX_AUTO] = Server(
        start(["nginx", "-c", nginx_conf(workdir, "nginx-auto", root, "auto", ports)], pinned=False), ports,
        f"informative: one worker per core, on both cores, so it shares core 1 with the client; "
        f"its memory is the master's and its {os.cpu_count()} workers' together")
    found[NGINX].note = "memory is the master's and the worker's together"
    port = free_port()
    found["python3 -m http.server"] = Server(
        start([sys.executable, "-m", "http.server", "-b", "127.0.0.1", str(port)], cwd=root), {"http": port})
    npx = shutil.which("npx")
    if npx:
        port = free_port()
        found["npm http-server 14"] = Server(start([npx, "--yes", "http-server@14.1.1", root, "-a", "127.0.0.1",
                                                    "-p", str(port), "-S", "-C", CERT, "-K", KEY, "-s", "-c-1"]),
                                             {"https": port}, "memory is npx's and its children's together")
    port = free_port()
    found[FLOOR] = Server(start([DENO, "run", "--allow-net", "--allow-read", f"{PROJECT}/bench/deno_floor.ts",
                                 str(port), CERT, KEY]), {"https": port},
                          "informative: bench/deno_floor.ts with TLS, twenty lines that answer every read with "
                          "the same 1 KiB, parse nothing and load no node: module (no V8 flags): what Deno "
                          "itself costs; it serves no file and never closes, so it has the keep-alive 1 KiB rows and memory only",
                          serves=r"^1 KiB, (keep-alive, HTTPS$|64|256)")
    std_server, note = std_file_server(workdir)
    std = subprocess.run([DENO, "run", "-A", std_server, "--help"], capture_output=True, text=True,
                         timeout=120) if std_server else None
    if std is not None and std.returncode == 0:
        port = free_port()
        found["Deno std file_server"] = Server(start([DENO, "run", "-A", std_server,
                                                      root, "--host", "127.0.0.1", "--port", str(port),
                                                      "--cert", CERT, "--key", KEY, "--quiet"]), {"https": port}, note)
    else:
        why = note if std is None else re.sub(r"\x1b\[[0-9;]*m", "", (std.stderr.strip().splitlines() or ["?"])[0])
        found["Deno std file_server"] = Server(None, {}, f"did not run from npm deno-std@1.4.0: {why}")
    return up_with_tls(found)


def up_with_tls(found):
    """Waits until every server answers, and asks each HTTPS one what TLS it agrees to."""
    wait_until_up(found)
    for server in found.values():
        if "https" in server.ports:
            server.tls = tls_of(server.ports["https"])
    return found


def tls_of(port):
    """What an OpenSSL client (as wrk and bigread are) agrees with the server: version, cipher, group."""
    try:
        out = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}"], input="",
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e})"
    agreed = re.search(r"New, (\S+), Cipher is (\S+)", out)
    group = re.search(r"Server Temp Key: ([^,\n]+)", out)
    signature = re.search(r"Peer signature type: (\S+)", out)
    return " ".join([*(agreed.groups() if agreed else ["?"]), *(group.groups() if group else []),
                     *(signature.groups() if signature else [])])


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


def bigread(client, url, connections, seconds):
    """bench/bigread.c against url: MB/s (of 10^6 bytes) from 1 MiB reads, and how busy the client
    itself was (its CPU time ÷ wall time, on its one core)."""
    scheme, _, hostport, path = url.split("/", 3)
    host, port = hostport.rsplit(":", 1)
    out = subprocess.run(["taskset", "-c", "1", client, scheme.rstrip(":"), host, port, "/" + path,
                          str(connections), str(seconds), str(BIG)],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    said = dict(kv.split("=", 1) for kv in out.split())
    if "bytes" not in said:
        return {"req/s": None, "MB/s": None, "p99 ms": None, "errors": "bigread failed", "cpu": None}
    errors = int(said["errors"])
    return {"req/s": None, "MB/s": int(said["bytes"]) / seconds / 1e6, "p99 ms": None,
            "errors": f"{errors} failed answers" if errors else "", "cpu": float(said["cpu"]),
            "tls": said.get("tls", "-")}


def reconnect(client, url, mode, connections, seconds):
    """bench/reconnect.c against url: requests a second, each on a new connection, with full
    handshakes or resumed sessions (mode), and how busy the client itself was."""
    scheme, _, hostport, path = url.split("/", 3)
    host, port = hostport.rsplit(":", 1)
    out = subprocess.run(["taskset", "-c", "1", client, mode, host, port, "/" + path, str(connections),
                          str(seconds), "1024"], capture_output=True, text=True, timeout=seconds + 60).stdout
    said = dict(kv.split("=", 1) for kv in out.split())
    if "responses" not in said:
        return {"req/s": None, "MB/s": None, "p99 ms": None, "errors": "reconnect failed", "client cpu": None}
    responses, resumed, errors = int(said["responses"]), int(said["resumed"]), int(said["errors"])
    problems = [f"{errors} failed answers"] if errors else []
    # Each thread's first connection is a full handshake, and so is the one after a failure.
    if mode == "resume" and resumed < responses - connections - errors:
        problems.append(f"only {resumed} of {responses} connections resumed")
    return {"req/s": responses / seconds, "MB/s": None, "p99 ms": None, "errors": "; ".join(problems),
            "client cpu": float(said["cpu"]), "tls": said.get("tls", "-")}


def build_client(workdir, name):
    """Compiles bench/NAME.c into workdir; returns its path, or None and why not."""
    out = f"{workdir}/{name}"
    try:
        made = subprocess.run(["gcc", "-O2", "-pthread", f"{HERE}/{name}.c", "-o", out, "-lssl", "-lcrypto"],
                              capture_output=True, text=True, timeout=120)
    except OSError as e:
        return None, str(e)
    if made.returncode != 0:
        return None, (made.stderr.strip().splitlines() or ["?"])[-1]
    return out, ""


def cpu_seconds(proc):
    """The CPU time (user + system) a server's process and its descendants have used so far."""
    ticks = 0
    for pid in tree(proc.pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                ticks += sum(int(field) for field in f.read().rsplit(")", 1)[1].split()[11:13])
        except OSError:
            pass  # it ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")


# Resident memory, from /proc/PID/status, summed over a server's process and its descendants
# (nginx: the master and its workers; npx: npx and the node it starts). Not the logging instance.
def tree(pid):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except OSError:
                pass
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += parents.get(p, [])
    return pids


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            found = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
        return int(found.group(1)) if found else 0
    except OSError:
        return 0


def memory_mib(proc, field="VmRSS"):
    return sum(status_kib(p, field) for p in tree(proc.pid)) / 1024 if proc and proc.poll() is None else None


class Peak:
    """`with Peak(proc) as peak:` … `peak.mib`: the most resident memory during the block. VmHWM is
    set back to VmRSS first (`echo 5 > /proc/PID/clear_refs`) and read after; where that is not
    allowed, VmRSS sampled every 0.1 s stands in (this also covers processes started meanwhile)."""

    def __init__(self, proc):
        self.proc, self.mib, self.done = proc, 0.0, threading.Event()

    def __enter__(self):
        try:
            for p in tree(self.proc.pid):
                with open(f"/proc/{p}/clear_refs", "w") as f:
                    f.write("5")
            self.reset = True
        except OSError:
            self.reset = False
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()
        return self

    def sample(self):
        while not self.done.wait(0.1):
            self.mib = max(self.mib, memory_mib(self.proc) or 0)

    def __exit__(self, *_):
        self.done.set()
        self.sampler.join()
        if self.reset:
            self.mib = max(self.mib, memory_mib(self.proc, "VmHWM") or 0)


def memory_under_load(found, skip=(), seconds=5):
    """Each server alone (but those in `skip`): 64 keep-alive connections asking for 1 KiB (HTTPS
    where it has it) for 5 s; VmRSS is read just before the load ends."""
    memory = {}
    for name, server in found.items():
        port, scheme = (server.ports["https"], "https") if "https" in server.ports else \
            (server.ports.get("http"), "http")
        if server.proc is None or port is None or name in skip:
            continue
        memory[name] = memory_near_end_of_load(server.proc, f"{scheme}://127.0.0.1:{port}/1k.bin", seconds)
        print(f"bench: memory after {seconds} s of load  {name:28} {fmt(memory[name], 'MiB')} MiB", flush=True)
    return memory


def memory_near_end_of_load(proc, url, seconds, read=memory_mib):
    """read(proc), VmRSS by default, just before `seconds` of wrk -c64 on `url` end."""
    load = subprocess.Popen(["taskset", "-c", "1", "wrk", "-t1", "-c64", f"-d{seconds}s", url],
                            stdout=subprocess.DEVNULL)
    time.sleep(seconds - 0.3)
    mib = read(proc)
    load.wait(timeout=60)
    return mib


def wait_until_listening(proc, port, seconds=30):
    """True once `proc` accepts connections on `port`; False if it exits or takes too long."""
    until = time.time() + seconds
    while time.time() < until and proc.poll() is None and not listening(port):
        time.sleep(0.2)
    return listening(port)


def fresh_memory(project, root, rounds, seconds=5):
    """tinyhttps's memory idle and after `seconds` of 64 keep-alive clients, on `rounds` servers
    started one after another for this alone: V8 makes some decisions once per process (whether
    to make some objects straight in the old generation, README: the tasks' V8 flags), so one
    process is one sample.
    Returns the figures of every server, as (idle MiB, under load MiB)."""
    figures = []
    for _ in range(rounds):
        https_port = free_port()
        proc = tinyhttps(project, root, free_port(), https_port)
        try:
            if not wait_until_listening(proc, https_port):
                print(f"bench: a fresh tinyhttps of {project} {why_not(proc)}", flush=True)
                continue
            time.sleep(1)  # as long as the others had, idle
            idle = memory_mib(proc)
            under_load = memory_near_end_of_load(proc, f"https://127.0.0.1:{https_port}/1k.bin", seconds)
            if idle is not None and under_load is not None:
                figures.append((idle, under_load))
        finally:
            stop(proc)
    return figures


def stop(proc):
    """Ends a server we started, and waits for it (the next one should not share core 0 with it);
    one that has exited already, and been reaped, has nothing left to signal."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def idle_with_node_fs():
    """The resident memory of bench/deno_floor.ts, idle, after it imported node:fs/promises (as
    server.ts does; Deno then starts its Node compatibility layer): beside the floor's own idle
    figure, what that layer costs a server that does nothing. None if it did not come up."""
    port = free_port()
    proc = start([DENO, "run", "--allow-net", "--allow-read", f"{PROJECT}/bench/deno_floor.ts",
                  str(port), CERT, KEY, "node"])
    try:
        if not wait_until_listening(proc, port):
            return None
        time.sleep(1)  # as long as the others had, idle
        return memory_mib(proc)
    finally:
        stop(proc)


def memory_per_connection(proc, port, count=300):
    """What one idle keep-alive TLS connection costs a server, in KiB: VmRSS before and after
    `count` clients each connect, ask once for /1k.bin, read the answer, and stay connected. Twenty
    connections first, opened and closed, warm the server up. None if the server fails them."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    ask = b"GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    def answered():
        conn = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
        try:
            conn.sendall(ask)
            got = b""
            while (end := got.find(b"\r\n\r\n")) == -1 or len(got) < end + 4 + 1024:
                if end != -1 and not got.startswith(b"HTTP/1.1 200"):
                    raise OSError(got.split(b"\r\n")[0].decode(errors="replace"))
                chunk = conn.recv(65536)
                if not chunk:
                    raise OSError("closed before the answer ended")
                got += chunk
            return conn
        except BaseException:
            conn.close()
            raise

    held = []
    try:
        for _ in range(20):
            answered().close()
        time.sleep(0.5)
        before = memory_mib(proc)
        for _ in range(count):
            held.append(answered())
        time.sleep(0.5)
        after = memory_mib(proc)
        return (after - before) * 1024 / count if before and after else None
    except OSError as error:
        print(f"bench: memory per connection: {error}", flush=True)
        return None
    finally:
        for conn in held:
            conn.close()


def per_connection(root, workdir, compare, rounds):
    """name → KiB per idle keep-alive TLS connection (memory_per_connection), the median over
    `rounds` servers started for that alone, of tinyhttps (and the compared one), nginx (1 worker)
    and the Deno floor. Fresh, because a server that has carried a load holds memory it freed, and
    new connections reuse it: measured after the load rows, the floor came out at 15 KiB, fresh 29."""
    starters = {name: (lambda port, project=project: tinyhttps(project, root, free_port(), port))
                for name, project in checkouts(compare)}
    starters[NGINX] = lambda port: start(["nginx", "-c", nginx_conf(
        workdir, "per-connection", root, 1, {"http": free_port(), "https": port})])
    starters[FLOOR] = lambda port: start([DENO, "run", "--allow-net", "--allow-read",
                                          f"{PROJECT}/bench/deno_floor.ts", str(port), CERT, KEY])
    figures = {}
    for _ in range(rounds):
        for name, begin in starters.items():
            port = free_port()
            proc = begin(port)
            try:
                if not wait_until_listening(proc, port):
                    print(f"bench: for the memory per connection, {name} {why_not(proc)}", flush=True)
                    continue
                time.sleep(1)
                kib = memory_per_connection(proc, port)
                if kib is not None:
                    figures.setdefault(name, []).append(kib)
            finally:
                stop(proc)
    for name, values in figures.items():
        print(f"bench: memory per idle TLS connection  {name:28} " +
              ", ".join(f"{kib:.1f}" for kib in values) + " KiB", flush=True)
    return {name: sorted(values)[len(values) // 2] for name, values in figures.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="each cell is the median of these")
    parser.add_argument("--compare", metavar="DIR", help="another tinyhttps checkout to run beside this one")
    parser.add_argument("--only", metavar="REGEX", help="a quick look while working: only the cases whose "
                        "name matches, only tinyhttps (and --compare) beside nginx (1 worker), no memory rows; "
                        "prints the medians and writes no file")
    parser.add_argument("--ecdsa", action="store_true", help="every server with an ECDSA P-256 certificate "
                        "made for this run, instead of certs/ (RSA-2048): what the handshake costs with each")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "taskset", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is needed (apt-get install wrk nginx-light util-linux openssl)")
    began = time.time()
    root = make_root()
    workdir = tempfile.mkdtemp(prefix="tinyhttps-bench-run-")
    client, why = build_client(workdir, "bigread")
    connector, why_not = build_client(workdir, "reconnect")
    if args.ecdsa:
        use_ecdsa_certificate(workdir)
    if client is None:
        sys.exit(f"bench: bench/bigread.c did not compile ({why}): apt-get install gcc libssl-dev")
    if connector is None:
        sys.exit(f"bench: bench/reconnect.c did not compile ({why_not}): apt-get install gcc libssl-dev")
    found = servers(root, workdir, args.compare, quick=args.only is not None)
    cases = [case for case in CASES if args.only is None or re.search(args.only, case[0])]
    samples = {}  # (case, server) → one result per round
    memory = {"idle": {}, "load": {}, "peak": {}, "conn": {}}  # what → server → MiB (conn: KiB)
    node_idle = None
    fresh = {}  # tinyhttps checkout → (idle MiB, under load MiB) of each server started for that
    try:
        time.sleep(1)
        for name, server in found.items():
            memory["idle"][name] = memory_mib(server.proc)
        if args.only is None:
            node_idle = idle_with_node_fs()
            # tinyhttps's own figures come from fresh servers, below.
            memory["load"] = memory_under_load(found, skip=[name for name, _ in checkouts(args.compare)])
            memory["conn"] = per_connection(root, workdir, args.compare, args.rounds)
            for name, project in checkouts(args.compare):
                if found[name].proc is None:
                    continue  # it did not come up in the run either: its note says why
                fresh[name] = fresh_memory(project, root, args.rounds)
                for what, i in (("idle", 0), ("load", 1)):
                    values = sorted(figures[i] for figures in fresh[name])
                    if values:
                        memory[what][name] = values[len(values) // 2]
                print(f"bench: memory of {len(fresh[name])} fresh servers  {name:28} " +
                      ", ".join(f"{idle:.0f} → {load:.0f} MiB" for idle, load in fresh[name]), flush=True)
        # Rounds outermost: each server meets the machine's slow and fast moments alike. Each round
        # starts the servers one place further along, so that none is always first after a case
        # changes (two runs of the same code measured 8% apart in fixed places).
        everyone = list(found.items())
        for round in range(1, args.rounds + 1):
            start = (round - 1) % len(everyone)
            in_turn = everyone[start:] + everyone[:start]
            for name, kind, path, options, measure in cases:
                for server_name, server in in_turn:
                    port = server.ports.get(kind)
                    if server.proc is None or port is None or not re.search(server.serves or "", name):
                        continue
                    url = f"{kind.split('-')[0]}://127.0.0.1:{port}{path}"
                    if options[0] == "bigread":
                        with Peak(server.proc) as peak:
                            r = bigread(client, url, int(options[1]), args.seconds)
                        memory["peak"][server_name] = max(memory["peak"].get(server_name, 0), peak.mib)
                    elif options[0] == "reconnect":
                        used = cpu_seconds(server.proc)
                        r = reconnect(connector, url, options[1], int(options[2]), args.seconds)
                        used = cpu_seconds(server.proc) - used
                        r["µs"] = used / (r["req/s"] * args.seconds) * 1e6 if r["req/s"] else None
                    else:
                        used = cpu_seconds(server.proc)
                        r = wrk(url, options, args.seconds)
                        used = cpu_seconds(server.proc) - used
                        r["µs"] = used / (r["req/s"] * args.seconds) * 1e6 if r["req/s"] else None
                    samples.setdefault((name, server_name), []).append(r)
                    print(f"bench: round {round} {name:38} {server_name:28} {r[measure]} {r['errors']}",
                          flush=True)
    finally:
        for server in found.values():
            for proc in server.procs():
                stop(proc)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    results = {}  # (row, server) → (median value, errors)
    for row, case, measure in ROWS:
        if measure in ("MiB", "KiB"):
            for server, mib in memory[case].items():
                results[(row, server)] = (mib, "")
            continue
        for (name, server), runs in samples.items():
            values = sorted(r[measure] for r in runs if r.get(measure) is not None)
            if name == case:
                median = values[len(values) // 2] if values else None
                results[(row, server)] = (median, "; ".join(r["errors"] for r in runs if r["errors"]))
    if args.only is not None:
        return print_medians(samples, found)
    busiest = {what: max((r[what] for runs in samples.values() for r in runs if r.get(what) is not None),
                         default=None) for what in ("cpu", "client cpu")}
    tls_seen = sorted({r["tls"] for runs in samples.values() for r in runs if r.get("tls", "-") != "-"})
    write_results(found, results, args, time.time() - began, busiest, tls_seen, node_idle, fresh)


def fmt(value, measure):
    if value is None:
        return "—"
    return f"{value:,.1f}" if measure == "p99 ms" else f"{value:,.0f}"  # MiB, req/s, MB/s: whole


def ratio_to(value, other, measure):
    """value's server against other's, so that above 1× is better: other ÷ value where lower is better."""
    if not value or not other:
        return None
    return other / value if measure in LOWER_IS_BETTER else value / other


def print_medians(samples, found):
    """--only: each case's median per server, and its ratio to nginx (1 worker), on stdout."""
    for name, server in found.items():
        print(f"TLS of {name}: {server.tls or '-'}")
    for (name, server), runs in samples.items():
        measure = next(m for n, _, _, _, m in CASES if n == name)
        values = sorted(r[measure] for r in runs if r[measure] is not None)
        base = sorted(r[measure] for r in samples.get((name, NGINX), []) if r[measure] is not None)
        if not values:
            print(f"{name:48} {server:34} no result: {'; '.join(r['errors'] for r in runs if r['errors'])}")
            continue
        value = values[len(values) // 2]
        ratio = (ratio_to(value, base[len(base) // 2], measure) if base else None) or float("nan")
        p99 = sorted(r.get("p99 ms") or 0 for r in runs)[len(runs) // 2]
        cpus = sorted(r["µs"] for r in runs if r.get("µs") is not None)
        cpu = cpus[len(cpus) // 2] if cpus else None
        print(f"{name:48} {server:34} {fmt(value, measure):>9} {measure}  p99 {p99:6.1f} ms  "
              f"÷ nginx {ratio:.2f}×" + (f"  server CPU {cpu:,.0f} µs/request" if cpu else ""))


def write_results(found, results, args, took, busiest, tls_seen, node_idle, fresh):
    fresh_text = "" if not any(fresh.values()) else (
        " For tinyhttps, idle and under load are the middle figures of servers started for that"
        "\n  alone, since V8 makes some decisions once per process; under load: " + "; ".join(
            f"{name}, {len(figures)} server{'' if len(figures) == 1 else 's'}: {', '.join(f'{load:.0f}' for _, load in figures)} MiB"
            for name, figures in fresh.items() if figures) + ".")
    names = list(found)
    compared = next((s for s in names if s.startswith(COMPARED)), None)
    tls = {name: server.tls for name, server in found.items() if server.tls}
    same_tls = tls.get("tinyhttps") == tls.get(NGINX) == tls.get(NGINX_AUTO)
    lines = [
        "# Benchmark results", "",
        f"Written by `python3 bench/run.py --seconds {args.seconds} --rounds {args.rounds}"
        f"{' --compare ' + args.compare if args.compare else ''}` on "
        f"{time.strftime('%Y-%m-%d')}, in {took / 60:.0f} minutes: every server pinned",
        "to core 0 (but the informative nginx with `worker_processes auto`, on both cores), the client on",
        "core 1, loopback. The client is wrk (one thread) for the keep-alive 1 KiB and Range cases, and for the",
        "100 MiB files `bench/bigread.c` (4 keep-alive connections, each reading 1 MiB per `recv()`:",
        "wrk reads 8 KiB at a time and tops out near 2 GB/s by itself, which made nginx's sendfile",
        "look slower than it is). bigread checks that every answer is 200 with the whole",
        "Content-Length, and measures its own CPU time: "
        + (f"in this run it kept core 1 at most {busiest['cpu']:.0%} busy, so it" if busiest["cpu"] is not None
           else "it")
        + " waited for the servers, not they for it.",
        "Each cell is the median of "
        f"{args.rounds} runs of {args.seconds} s, the rounds interleaved (every case for every server,",
        "then again, each round starting one server further along), so that all servers meet the",
        "machine's noisy moments alike. Ratios are to nginx",
        "(1 worker) in the same run; for p99 latency, CPU per request and memory, lower is better and the ratio is",
        "nginx's figure divided by the server's (so above 1 is better there too).",
        "",
        "- TLS, as `openssl s_client` (OpenSSL, as wrk, bigread and reconnect) agreed it with each server: " +
        "; ".join(f"{name}: {agreed}" for name, agreed in tls.items()) +
        ("." if same_tls else ". ⚠ tinyhttps and nginx did not agree to the same TLS.") +
        " The certificate: " + ("ECDSA P-256, made for this run (`--ecdsa`)." if args.ecdsa else
                                "`certs/cert.pem`, RSA-2048 (`--ecdsa` runs with P-256)."),
        "- New connection each: `bench/reconnect.c` (16 threads, each connecting, asking once with",
        "  `Connection: close` and reading to the end, then again) with a full handshake every time,",
        "  and with the session of the thread's previous connection offered and resumed (RFC 8446",
        "  §2.2: no certificate, no signature), as a returning browser does and as wrk does by itself.",
        "  It checks every answer (200, 1024 bytes) and, resuming, that the server resumed"
        + ("." if busiest["client cpu"] is None else
           f"; in this run it kept core 1 at most {busiest['client cpu']:.0%} busy"
           + (": a handshake costs the client too, so these rows measure client and server together."
              if busiest["client cpu"] >= 0.9 else ", so it waited for the servers.")),
        "- The \"server CPU per request\" rows (new connections; keep-alive 1 KiB over HTTPS at 64 and",
        "  256 connections) are the server's own CPU time (user + system, from",
        "  /proc/PID/stat, its processes together) over the requests it answered: a million divided by",
        "  it is roughly how many a second a server on one core could answer if its CPU were the only",
        "  limit (nginx with `worker_processes auto` has a worker on each core).",
        "- Logging: in that row tinyhttps is a second instance run with `--log FILE` (and",
        "  `--allow-write` for that file, in a temporary folder), nginx a second `server` with",
        "  `access_log FILE` (its default: one `write()` per line); in every other row both log nothing.",
        "- Memory: VmRSS from /proc/PID/status, summed over the server's processes, when idle just",
        "  after start and near the end of 5 s of wrk -c64 on 1 KiB (HTTPS where the server has it);",
        "  the peak is VmHWM, reset (`clear_refs`) before each 100 MiB run and read after it, the",
        "  largest over both 100 MiB cases and all rounds. Per connection: VmRSS before and after 300",
        "  clients (Python's ssl) each connect over TLS, ask once for 1 KiB and stay connected, divided",
        "  by 300, on servers started for that alone (the middle of --rounds)." + fresh_text,
        *([] if node_idle is None else [
            "- Memory of a server doing nothing: the Deno floor idles at "
            f"{fmt(results.get(('resident memory, idle at start', FLOOR), (None,))[0], 'MiB')} MiB; the "
            "same twenty lines after `import(\"node:fs/promises\")` (as server.ts imports it, to open",
            "  files; Deno then starts its Node compatibility layer) idle at "
            f"{fmt(node_idle, 'MiB')} MiB: the floor under tinyhttps's idle figure."]),
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
        tiny = results.get((name, "tinyhttps"), (None,))[0]
        ratio = ratio_to(tiny, results.get((name, NGINX), (None,))[0], measure)
        ratios.append((name, ratio))
        row.append(f"{ratio:.2f}×" if ratio else "—")
        versus_std = ratio_to(tiny, results.get((name, "Deno std file_server"), (None,))[0], measure)
        row.append(f"{versus_std:.1f}×" if versus_std else "—")
        if compared:
            versus_old = ratio_to(tiny, results.get((name, compared), (None,))[0], measure)
            row.append(f"{versus_old:.2f}×" if versus_old else "—")
        lines.append("| " + " | ".join(row) + " |")
    notes = [f"- {s}: {server.note}" for s, server in found.items() if server.note]
    if tls_seen:
        notes.append("- bigread's and reconnect's HTTPS connections agreed: " + ", ".join(tls_seen))
    if any(e for (_, e) in results.values()):
        notes.append("- ⚠: the client reported errors or non-2xx answers for that cell.")
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
