// bench/attack_soak.ts — the attacks of "unbreakable, round 2", all at once and over and over,
// while a normal client fetches a page every 100 ms. Loopback only, bounded (--seconds):
//   deno run -A bench/attack_soak.ts [--seconds 300]
// The attacks, each in its own loop:
//   race        names swapped with renameat2(RENAME_EXCHANGE): a file and a symlink out of the
//               root, a folder and such a symlink, a file and a FIFO; clients ask for them
//   starvation  waves of idle sockets on port 80, sockets on 443 that never start TLS, and slow
//               heads on port 80, beyond --max-connections
//   cgi         programs that escape their group, answer 304 with a body, print non-ASCII fields,
//               flood stdout and stderr, hold their pipes, echo a POST; and bodies sent to files
// Fails (exit 1) if a normal request failed or was wrong, a byte from outside the root was served,
// the server exited, or its file descriptors did not return to their baseline. Prints the figures.

import { parseArgs } from "@std/cli";
import { join } from "@std/path";
import {
  connect,
  get,
  makeFixtureRoot,
  memoryMiB,
  openFds,
  request,
  ResponseReader,
  send,
  startServer,
} from "../tests/e2e/helpers.ts";

const flags = parseArgs(Deno.args, { string: ["seconds"] });
const SECONDS = Number(flags.seconds ?? 300);
const MAX_CONNECTIONS = 128;

const fixture = await makeFixtureRoot();
const root = fixture.root;
await prepareRoot(root);
const server = await startServer(
  ["--root", root, "--cgi", "--cgi-timeout", "2", "--max-connections", String(MAX_CONNECTIONS)],
  undefined,
  ["--allow-net", "--allow-read", "--allow-ffi=/lib", "--allow-run"],
);
const pid = server.pid;

// Warm up, then take the baseline: the descriptors a resting server holds.
for (let i = 0; i < 5; i++) await request(server.httpsPort, true, get("/index.html"));
await sleep(500);
const baselineFds = openFds(pid);
const startRss = memoryMiB(pid, "VmRSS");

const until = performance.now() + SECONDS * 1000;
const running = () => performance.now() < until;
const counts = {
  normal: 0,
  normalFailed: 0,
  raced: 0,
  leaked: 0,
  attackConnections: 0,
  cgi: 0,
  bodies: 0,
};
const problems: string[] = [];
let maxRss = startRss;
let maxFds = baselineFds;
const rssEvery30s: number[] = [];
let samples = 0;
const sampler = setInterval(() => {
  try {
    const rss = memoryMiB(pid, "VmRSS");
    if (samples++ % 30 === 29) rssEvery30s.push(Math.round(rss));
    maxRss = Math.max(maxRss, rss);
    maxFds = Math.max(maxFds, openFds(pid));
  } catch { /* the server is gone: the normal client reports it */ }
}, 1000);

const swappers = [
  swapper("swap.txt", "swap-link"),
  swapper("swapdir", "swapdir-link"),
  swapper("pipe.txt", "pipe-fifo"),
];
await Promise.all([
  normalClient(),
  raceClient("/swap.txt"),
  raceClient("/swapdir/page.txt"),
  raceClient("/pipe.txt"),
  starvation(),
  cgiClient(),
]);
clearInterval(sampler);
for (const s of swappers) s.kill("SIGKILL");
await Promise.all(swappers.map((s) => s.status));

// After the attacks: every connection and file closed again.
let fdsAfter = openFds(pid);
for (let i = 0; i < 40 && fdsAfter > baselineFds + 2; i++) {
  await sleep(500);
  fdsAfter = openFds(pid);
}
if (fdsAfter > baselineFds + 2) {
  const out = new Deno.Command("ls", { args: ["-l", `/proc/${pid}/fd`] }).outputSync();
  const kinds = new Map<string, number>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n").slice(1)) {
    const kind = (line.split(" -> ")[1] ?? "").replace(/\[\d+\]$/, "").replace(/\d+/g, "N");
    if (kind) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  problems.push(`descriptors left open: ${JSON.stringify(Object.fromEntries(kinds))}`);
}
const alive = (await request(server.httpsPort, true, get("/index.html"))).status === 200;
const rssAfter = memoryMiB(pid, "VmRSS");
const status = await server.stop();
await fixture.remove();

console.log(`attack soak: ${SECONDS} s, server ${alive ? "alive" : "DEAD"}, exit ${status.code}`);
console.log(`  normal client: ${counts.normal} requests, ${counts.normalFailed} failed`);
console.log(`  race: ${counts.raced} answers to swapped names, ${counts.leaked} from outside`);
console.log(
  `  starvation: ${counts.attackConnections} idle or slow connections (176 held at a time, ` +
    `limit ${MAX_CONNECTIONS})`,
);
console.log(`  cgi: ${counts.cgi} programs run, ${counts.bodies} bodies sent to files`);
console.log(`  fds: baseline ${baselineFds}, peak ${maxFds}, after ${fdsAfter}`);
console.log(
  `  RSS: start ${startRss.toFixed(1)} MiB, peak ${maxRss.toFixed(1)} MiB, ` +
    `after ${rssAfter.toFixed(1)} MiB`,
);
console.log(`  RSS every 30 s (MiB): ${rssEvery30s.join(", ")}`);
for (const p of problems.slice(0, 20)) console.log(`  problem: ${p}`);
const ok = alive && counts.normalFailed === 0 && counts.leaked === 0 &&
  fdsAfter <= baselineFds + 2 && problems.length === 0;
console.log(ok ? "attack soak: ok" : "attack soak: FAILED");
Deno.exit(ok ? 0 : 1);

// ── the loops ──

/** Every 100 ms, the lab's page on a new TLS connection: it must come whole within 5 s. */
async function normalClient() {
  const expected = fixture.index;
  while (running()) {
    counts.normal++;
    try {
      const r = await withTimeout(request(server.httpsPort, true, get("/index.html")), 5000);
      if (r.status !== 200 || r.body.length !== expected.length) {
        throw new Error(`status ${r.status}, ${r.body.length} bytes`);
      }
    } catch (error) {
      counts.normalFailed++;
      problems.push(`normal request: ${error}`);
    }
    await sleep(100);
  }
}

/** Asks for a swapped name on one keep-alive connection, again and again. */
async function raceClient(path: string) {
  while (running()) {
    let conn;
    try {
      conn = await connect(server.httpsPort, true);
      const reader = new ResponseReader(conn);
      for (let i = 0; i < 200 && running(); i++) {
        await send(conn, get(path));
        const r = await withTimeout(reader.read(), 5000);
        if (r === undefined) break; // closed after an error answer: a new connection
        counts.raced++;
        if (r.text.includes("SECRET")) counts.leaked++;
      }
    } catch (error) {
      problems.push(`race ${path}: ${error}`);
    } finally {
      conn?.close();
    }
  }
}

/** Holds more idle sockets than --max-connections (silent on port 80, never starting TLS on 443,
 * idle keep-alives after one request) and some slow heads on port 80, and puts back those the
 * server closes, up to 40 new connections a second: the starvation of the issue. */
async function starvation() {
  const kinds = ["silent on 80", "no TLS on 443", "idle keep-alive", "slow head on 80"] as const;
  const wanted = {
    "silent on 80": 50,
    "no TLS on 443": 50,
    "idle keep-alive": 36,
    "slow head on 80": 40,
  };
  const held = new Map<Deno.Conn, (typeof kinds)[number]>();
  const open = async (kind: (typeof kinds)[number]) => {
    const conn = kind === "no TLS on 443" || kind === "silent on 80"
      ? await Deno.connect({ port: kind === "silent on 80" ? server.httpPort : server.httpsPort })
      : kind === "slow head on 80"
      ? await Deno.connect({ port: server.httpPort })
      : await connect(server.httpsPort, true);
    if (kind === "slow head on 80") await send(conn, "GET / HTTP/1.1\r\nHost: x\r\n");
    if (kind === "idle keep-alive") {
      await send(conn, get("/index.html"));
      await new ResponseReader(conn).read();
    }
    held.set(conn, kind);
    counts.attackConnections++;
    // When the server closes it, its place is free for the next one.
    conn.read(new Uint8Array(65536)).catch(() => null).finally(() => {
      held.delete(conn);
      try {
        conn.close();
      } catch { /* closed already */ }
    });
  };
  while (running()) {
    const missing = kinds.find((kind) =>
      [...held.values()].filter((k) => k === kind).length < wanted[kind]
    );
    if (missing !== undefined) {
      try {
        await open(missing);
      } catch { /* refused (503 or reset): try again later */ }
    }
    await sleep(25); // at most 40 connects a second
  }
  for (const conn of held.keys()) {
    try {
      conn.close();
    } catch { /* closed by the server already */ }
  }
}

/** The CGI programs of the attacks, one after another, and bodies sent where nothing reads them. */
async function cgiClient() {
  const programs = [
    get("/cgi-bin/escape.sh"),
    get("/cgi-bin/notmodified.sh") + get("/index.html"), // the 304's body must not be an answer
    get("/cgi-bin/utf8.sh") + get("/index.html"),
    get("/cgi-bin/flood.sh"),
    get("/cgi-bin/noisy.sh"),
    get("/cgi-bin/daemon.sh"),
    `POST /cgi-bin/cat.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n` +
    "x".repeat(1_000_000),
  ];
  while (running()) {
    for (const text of programs) {
      if (!running()) break;
      let conn;
      try {
        conn = await connect(server.httpsPort, true);
        await send(conn, text);
        const reader = new ResponseReader(conn);
        const first = await withTimeout(reader.read(), 10_000);
        counts.cgi++;
        if (first === undefined) throw new Error("no answer");
        if (text.includes("/index.html")) { // the pipelined request's answer must be the page
          const second = await withTimeout(reader.read(), 10_000);
          if (second?.status !== 200 || second.headers.get("x-injected")) {
            throw new Error(`after ${text.split(" ")[1]}: ${second?.statusLine}`);
          }
        }
      } catch (error) {
        problems.push(`cgi ${text.split(" ")[1]}: ${error}`);
      } finally {
        conn?.close();
      }
    }
    try { // a 1 MiB body to a static file, which nothing reads
      const body = `POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${1 << 20}\r\n\r\n`;
      const r = await withTimeout(
        request(server.httpsPort, true, body + "y".repeat(1 << 20)),
        10_000,
      );
      counts.bodies++;
      if (r.status !== 405) throw new Error(`status ${r.status}`);
    } catch (error) {
      problems.push(`body: ${error}`);
    }
  }
}

// ── helpers ──

async function prepareRoot(root: string) {
  const base = join(root, "..");
  await Deno.writeTextFile(join(root, "swap.txt"), "inside");
  await Deno.symlink(join(base, "secret.txt"), join(root, "swap-link"));
  await Deno.mkdir(join(base, "outside-dir"));
  await Deno.writeTextFile(join(base, "outside-dir/page.txt"), "TOP SECRET folder");
  await Deno.mkdir(join(root, "swapdir"));
  await Deno.writeTextFile(join(root, "swapdir/page.txt"), "inside");
  await Deno.symlink(join(base, "outside-dir"), join(root, "swapdir-link"));
  await Deno.writeTextFile(join(root, "pipe.txt"), "inside");
  await new Deno.Command("mkfifo", { args: [join(root, "pipe-fifo")] }).output();
  await Deno.mkdir(join(root, "cgi-bin"));
  const forged = "HTTP/1.1 200 OK\\r\\nX-Injected: yes\\r\\nContent-Length: 0\\r\\n\\r\\n";
  const scripts: Record<string, string> = {
    "escape.sh": "setsid sleep 3 & printf 'Content-Type: text/plain\\n\\nhi'",
    "notmodified.sh": `printf 'Status: 304 Not Modified\\nContent-Type: text/plain\\n\\n${forged}'`,
    "utf8.sh": "printf 'Content-Type: text/plain\\nX-Name: caf\\303\\251\\n\\nbody'",
    "flood.sh": "printf 'Content-Type: text/plain\\n\\n'; head -c 300000000 /dev/zero",
    "noisy.sh": "yes 'line' | head -c 5000000 >&2; printf 'Content-Type: text/plain\\n\\nok'",
    "daemon.sh":
      "exec 3<&0; setsid sleep 5 <&3 >/dev/null 2>&1 & printf 'Content-Type: text/plain\\n\\nok'",
    "cat.sh": "printf 'Content-Type: text/plain\\n\\n'; cat",
  };
  for (const [name, body] of Object.entries(scripts)) {
    await Deno.writeTextFile(join(root, "cgi-bin", name), `#!/bin/sh\n${body}\n`);
    await Deno.chmod(join(root, "cgi-bin", name), 0o755);
  }
}

/** Swaps two names of the root until killed (renameat2 through Python's ctypes). */
function swapper(a: string, b: string): Deno.ChildProcess {
  const program = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None)
os.chdir(sys.argv[1])
while True:
    libc.renameat2(-100, sys.argv[2].encode(), -100, sys.argv[3].encode(), 2)
    time.sleep(0.0005)
`;
  return new Deno.Command("python3", { args: ["-c", program, root, a, b] }).spawn();
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
