// tests/e2e/helpers.ts — start the real server.ts on free ports and talk raw bytes to it.
// Used by tests/e2e/*_test.ts; the pure lib/ tests in tests/*_test.ts need none of this.

import { join } from "@std/path";

export const PROJECT = new URL("../../", import.meta.url).pathname;
export const CERT = Deno.readTextFileSync(join(PROJECT, "certs/cert.pem"));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A running server.ts child process and what it printed. */
export interface Server {
  /** The server's process id (for /proc/PID/fd). */
  pid: number;
  httpPort: number;
  httpsPort: number;
  /** Every line the server printed so far (stdout and stderr). */
  lines: string[];
  /** SIGTERM, then wait for the exit (graceful shutdown). */
  stop(): Promise<Deno.CommandStatus>;
}

/** The permissions `deno task start` gives the server (deno.json), less --allow-write=logs and
 * --allow-sys: the tests log to stdout and listen on 127.0.0.1. */
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-ffi=/lib"];

/** Starts server.ts with `--http-port 0 --https-port 0` and learns the ports it got.
 * `fdLimit` starts it under `ulimit -n` (through bash's exec, so the pid stays the server's).
 * `permissions` replaces the task's permissions (to see what the server does without one). */
export async function startServer(
  args: string[],
  fdLimit?: number,
  permissions = PERMISSIONS,
): Promise<Server> {
  const run = args.includes("--cgi") ? ["--allow-run"] : [];
  const argv = ["run", ...permissions, ...run, join(PROJECT, "server.ts")];
  argv.push("--hostname", "127.0.0.1", "--http-port", "0", "--https-port", "0", ...args);
  const [program, programArgs] = fdLimit === undefined
    ? [Deno.execPath(), argv]
    : ["bash", ["-c", `ulimit -n ${fdLimit} && exec "$0" "$@"`, Deno.execPath(), ...argv]];
  const child = new Deno.Command(program, {
    args: programArgs,
    cwd: PROJECT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (
      const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())
    ) {
      lines.push(line);
    }
  };
  const done = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const port = async (scheme: string) => {
    for (let i = 0; i < 200; i++) {
      const found = lines.map((l) => new RegExp(`${scheme}://[^ ]+:(\\d+)/`).exec(l)).find((m) =>
        m
      );
      if (found) return Number(found[1]);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`server did not start: ${lines.join("\n")}`);
  };
  const httpPort = await port("http");
  const httpsPort = await port("https");
  return {
    pid: child.pid,
    httpPort,
    httpsPort,
    lines,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* it has exited already */ }
      // A server whose event loop is stuck (a test caught a fault) cannot see SIGTERM: kill it.
      const stuck = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* it has exited meanwhile */ }
      }, 10_000);
      const status = await child.status;
      clearTimeout(stuck);
      await done;
      return status;
    },
  };
}

function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, out) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) out.enqueue(p);
    },
    flush(out) {
      if (rest) out.enqueue(rest);
    },
  });
}

/** The web root of the part*_test.ts files: the lab's files, a big file, and things that must
 * never be served. `remove()` deletes it, and the secret beside it. */
export interface FixtureRoot {
  root: string;
  /** 5 MiB + 123 bytes of random data, served as /big.bin. */
  big: Uint8Array;
  /** static/index.html, served as /index.html, /dir/index.html and through /alias.html. */
  index: Uint8Array;
  remove(): Promise<void>;
}

/** Makes a fresh web root in a temporary folder:
 *   www/index.html, www/dir/index.html   the lab's page
 *   www/big.bin                          5 MiB of random bytes (no known extension)
 *   www/empty.txt, www/emptydir/         an empty file, a folder without index.html
 *   www/.git/config                      a dotfile: hidden unless --dotfiles
 *   www/alias.html -> index.html         a symlink that stays inside the root
 *   www/escape.txt -> ../secret.txt      a symlink out of the root, to a file never to be served */
export async function makeFixtureRoot(): Promise<FixtureRoot> {
  const base = await Deno.makeTempDir({ prefix: "tinyhttps-" });
  try {
    const root = join(base, "www");
    const index = await Deno.readFile(join(PROJECT, "static/index.html"));
    await Deno.mkdir(join(root, "dir"), { recursive: true });
    await Deno.mkdir(join(root, "emptydir"));
    await Deno.mkdir(join(root, ".git"));
    await Deno.writeFile(join(root, "index.html"), index);
    await Deno.writeFile(join(root, "dir/index.html"), index);
    await Deno.writeTextFile(join(root, ".git/config"), "[core] secret");
    await Deno.writeTextFile(join(root, "empty.txt"), "");
    await Deno.writeTextFile(join(base, "secret.txt"), "TOP SECRET outside the root");
    await Deno.symlink(join(base, "secret.txt"), join(root, "escape.txt"));
    await Deno.symlink("index.html", join(root, "alias.html"));
    const big = new Uint8Array(5 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
    await Deno.writeFile(join(root, "big.bin"), big);
    return { root, big, index, remove: () => Deno.remove(base, { recursive: true }) };
  } catch (error) {
    await Deno.remove(base, { recursive: true });
    throw error;
  }
}

/** server.ts serving a fresh fixture root, with one-request shorthands for its two ports. */
export interface FixtureServer extends FixtureRoot {
  server: Server;
  HTTP: number;
  HTTPS: number;
  /** One request on a new TLS connection to the HTTPS port (`bodyless` for HEAD). */
  tls(text: string, bodyless?: boolean): Promise<Response>;
  /** One request on a new plain TCP connection to the HTTP port. */
  plain(text: string): Promise<Response>;
  /** Stops the server (SIGTERM, waiting for its exit), then removes the root. */
  stop(): Promise<Deno.CommandStatus>;
}

/** makeFixtureRoot(), then startServer(["--root", root, ...args]); call stop() in a finally. */
export async function serveFixture(
  args: string[] = [],
  fdLimit?: number,
  permissions?: string[],
): Promise<FixtureServer> {
  const fixture = await makeFixtureRoot();
  let server: Server;
  try {
    server = await startServer(["--root", fixture.root, ...args], fdLimit, permissions);
  } catch (error) {
    await fixture.remove();
    throw error;
  }
  const HTTP = server.httpPort, HTTPS = server.httpsPort;
  return {
    ...fixture,
    server,
    HTTP,
    HTTPS,
    tls: (text, bodyless = false) => request(HTTPS, true, text, bodyless),
    plain: (text) => request(HTTP, false, text),
    async stop() {
      try {
        return await server.stop();
      } finally {
        await fixture.remove();
      }
    },
  };
}

/** Runs a program to completion and returns its exit code and output (for startup errors). */
export async function runServer(args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, join(PROJECT, "server.ts"), ...args],
    cwd: PROJECT,
  }).output();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

export type Conn = Deno.TcpConn | Deno.TlsConn;

export function connect(port: number, tls: boolean, alpnProtocols?: string[]): Promise<Conn> {
  return tls
    ? Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [CERT], alpnProtocols })
    : Deno.connect({ hostname: "127.0.0.1", port });
}

export async function send(conn: Conn, text: string | Uint8Array): Promise<void> {
  const bytes = typeof text === "string" ? latin1(text) : text;
  for (let sent = 0; sent < bytes.length;) sent += await conn.write(bytes.subarray(sent));
}

export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** One response as it came off the wire. */
export interface Response {
  status: number;
  statusLine: string;
  /** Lower-cased names; a repeated field keeps its last value. */
  headers: Map<string, string>;
  /** The raw head text, for "header appears exactly once" checks. */
  head: string;
  body: Uint8Array;
  text: string;
}

/** Reads responses off one connection, keeping bytes that belong to the next one. */
export class ResponseReader {
  #buffer = new Uint8Array(0);
  constructor(readonly conn: Conn) {}

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }

  /** Reads one response; `bodyless` for answers to HEAD. Undefined if the server closed first. */
  async read(bodyless = false): Promise<Response | undefined> {
    let end: number;
    while ((end = indexOfBlankLine(this.#buffer)) === -1) {
      if (!(await this.#fill())) return undefined;
    }
    const head = decoder.decode(this.#buffer.subarray(0, end));
    const [statusLine, ...fieldLines] = head.split("\r\n").filter((l) => l !== "");
    const headers = new Map(fieldLines.map((l) => {
      const colon = l.indexOf(":");
      return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()] as [string, string];
    }));
    const length = bodyless ? 0 : Number(headers.get("content-length") ?? 0);
    while (this.#buffer.length < end + length) {
      if (!(await this.#fill())) throw new Error("connection closed inside a body");
    }
    const body = this.#buffer.slice(end, end + length);
    this.#buffer = this.#buffer.slice(end + length);
    const status = Number(statusLine.split(" ")[1]);
    return { status, statusLine, headers, head, body, text: decoder.decode(body) };
  }

  /** True if the server closed the connection (read returns EOF) within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const timer = setTimeout(() => this.conn.close(), ms);
    try {
      while (await this.#fill()) { /* keep reading until EOF */ }
      return true;
    } catch {
      return false; // our own timer closed it: the server kept it open
    } finally {
      clearTimeout(timer);
    }
  }
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

/** Sends one request on a new connection and reads one response. */
export async function request(
  port: number,
  tls: boolean,
  text: string | Uint8Array,
  bodyless = false,
): Promise<Response> {
  const conn = await connect(port, tls);
  try {
    await send(conn, text);
    const response = await new ResponseReader(conn).read(bodyless);
    if (response === undefined) throw new Error("the server closed without answering");
    return response;
  } finally {
    conn.close();
  }
}

export const get = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

export function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

/** How many file descriptors a process has open (Linux: the entries of /proc/PID/fd). Read
 * through `ls`, since Deno asks for --allow-all to read /proc/PID directly. */
export function openFds(pid: number): number {
  const out = new Deno.Command("ls", { args: ["-1", `/proc/${pid}/fd`] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "").length;
}

/** `promise`, or an error saying what did not happen within `ms`: a test fails, never hangs. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `program` can be run (a name on the PATH, or a path). */
export function have(program: string): boolean {
  return new Deno.Command("bash", { args: ["-c", `command -v ${program}`] }).outputSync().success;
}

/** Whether a test must not be skipped for a missing program: CI installs them all (.ci/run). */
export const REQUIRED = Deno.env.get("LAB_REQUIRED") === "1" ||
  Deno.env.get("REQUIRE_CLIENTS") === "1";

/** `size` random bytes (getRandomValues fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** Waits until `check()` is true, polling, for at most `ms`; returns its last answer. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!check() && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** A line of /proc/PID/status in MiB: "VmRSS" (resident memory now) or "VmHWM" (its peak). Read
 * through `cat`, since Deno asks for --allow-all to read /proc/PID directly. */
export function memoryMiB(pid: number, field: "VmRSS" | "VmHWM" | "RssAnon"): number {
  const out = new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).outputSync();
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(new TextDecoder().decode(out.stdout));
  if (match === null) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) / 1024;
}
