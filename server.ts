// server.ts — tinyhttps: a small HTTP + HTTPS file server, written to be read top to bottom.
//
// Port 80 answers every request with "301 Moved Permanently" to the same URL on https://;
// port 443 speaks TLS and serves the files under the root: 200, 206 for a Range, 404, ...
// This file owns every side effect (sockets, TLS, files, clocks, the console) and reads in the
// order a request travels. Every decision about bytes — parsing, paths, ranges, header text —
// is a small pure function in lib/, with its lesson of the same name in LESSON.md.

import { X509Certificate } from "node:crypto";
import { dirname, join } from "@std/path";
import { cgiEnvironment, parseCgiOutput, splitCgiPath } from "./lib/cgi.ts";
import { type Config, parseConfig, parseConfigFile, USAGE } from "./lib/config.ts";
import {
  evaluatePreconditions,
  fileValidators,
  ifRangeAllows,
  strongETag,
  type Validators,
} from "./lib/conditional.ts";
import { accessLogLine, startupBanner, traceHead, traceRange } from "./lib/log.ts";
import { multipartFrame } from "./lib/multipart.ts";
import { type ByteRange, contentRange, parseRange, unsatisfiedRange } from "./lib/range.ts";
import { httpsLocation } from "./lib/redirect.ts";
import {
  classifyMethod,
  fieldValue,
  findHeadEnd,
  type HeadAnswer,
  headTooLargeStatus,
  type HttpError,
  keepAlive,
  MAX_HEAD_BYTES,
  parseRequestHead,
  requestBodyFraming,
  type RequestHead,
} from "./lib/request.ts";
import {
  connectionFields,
  type Field,
  httpDate,
  mediaType,
  responseHead,
  statusPage,
} from "./lib/response.ts";
import { directoryLocation, isInsideRoot, resolveTarget } from "./lib/target.ts";
import { directoryListing, type DirEntry } from "./lib/listing.ts";
import { sockaddrPort } from "./lib/socket.ts";

// ── 1. Start: settings, the certificate, two listening sockets ─────────────────────────────────

/** Bytes moved per read from a file and per write to a socket. Big enough that a video streams
 * in few system calls, small enough that 100 clients cost 100 × 256 KiB at most. */
const CHUNK_SIZE = 256 * 1024;
/** A response up to this size (one TLS record) is put together in the connection's own buffer;
 * a larger one gets a buffer of its own, up to CHUNK_SIZE, for as long as it is being sent. */
const OUT_BYTES = 16 * 1024;
/** Requests served on one connection before we close it (nginx's keepalive_requests), so that
 * one client cannot hold a connection forever by never pausing. High, because a new TLS
 * connection is costly: a handshake of several round trips and public-key arithmetic. */
const MAX_REQUESTS_PER_CONNECTION = 100_000;
/** A request body up to this size is read (a CGI program gets it on its stdin; everything else
 * ignores it), so that the next request on the same connection can be found (RFC 9112 §6.3); a
 * larger one makes us answer and close instead. */
const MAX_REQUEST_BODY = 1024 * 1024;
/** After we decide to close, how long we keep reading what the client still sends, so that
 * unread bytes do not make the kernel answer with a RST that destroys our last response. */
const LINGER_MS = 2_000;
/** How often the watchdog looks for connections past their deadline (see watchdog()). */
const WATCHDOG_INTERVAL_MS = 250;
/** On SIGINT/SIGTERM, how long responses in flight may take to finish before we cut them off. */
const SHUTDOWN_GRACE_MS = 5_000;
/** The file a directory URL ("/", "/dir/") serves. */
const INDEX_FILE = "index.html";
const SERVER_NAME = "tinyhttps";
const HTML = "text/html; charset=utf-8";

/** What the whole server shares: settings, and the open connections (both ports). */
interface Server {
  config: Config;
  /** The root after realpath: every file served must resolve to a path inside it. */
  realRoot: string;
  /** The HTTPS port actually bound (differs from the flag when the flag is 0). */
  httpsPort: number;
  /** Every open connection: the watchdog checks their deadlines, shutdown waits for them. */
  open: Set<Connection>;
  /** Files served recently (section 6). */
  cache: FileCache;
  /** performance.now() as of the last watchdog tick: deadlines need no finer clock. */
  clock: number;
  /** Where access log lines go (stdout or the --log file), batched: see section 9. */
  log: LogWriter;
  /** Counters for the summary printed at shutdown. */
  accepted: number;
  responses: number;
  stopping: boolean;
}

/** What each accept loop needs: the server, and which of its two jobs this port does. */
interface Site {
  /** "redirect" on the plain port, "files" on the TLS port. */
  mode: "redirect" | "files";
  server: Server;
}

/** main is the table of contents: each line sets up one thing, in the order they happen. */
async function main(): Promise<void> {
  const config = await readConfig(Deno.args); //             flags (+ --config file) → Config
  const realRoot = await checkRoot(config.root); //          the folder to serve must exist
  await checkCgiAllowed(config); //                          --cgi needs --allow-run
  const tls = await readCertificate(config); //              PEM certificate + key, read once
  const http = listenOrExit("HTTP", () => Deno.listen(tcpOptions(config, config.httpPort)), config);
  const https = listenOrExit("HTTPS", () => Deno.listenTls(tlsOptions(config, tls)), config);
  const nagle = turnOffNagle([http.addr.port, https.addr.port]); // no 40 ms stalls (part 8)
  const log = await openLog(config.log); //                   stdout, or append to --log FILE
  const server = newServer(config, realRoot, https.addr.port, log); // shared by both loops
  announce(config, realRoot, http.addr, https.addr, tls.cert, nagle); // say where to connect
  setInterval(() => watchdog(server), WATCHDOG_INTERVAL_MS); // enforce the time limits
  stopOnSignals(server, [http, https]); //                   Ctrl-C: finish, then exit 0
  await Promise.all([ //                                     two accept loops, one per port
    acceptLoop(http, { mode: "redirect", server }),
    acceptLoop(https, { mode: "files", server }),
  ]);
}

function newServer(config: Config, realRoot: string, httpsPort: number, log: LogWriter): Server {
  return {
    ...{ config, realRoot, httpsPort, open: new Set<Connection>(), log },
    ...{ cache: { files: new Map(), bytes: 0 }, clock: performance.now() },
    ...{ accepted: 0, responses: 0, stopping: false },
  };
}

/** The settings: the command line, after the Key=Value lines of a --config file if one is named
 * (seed 001's `/etc/myhttpd.conf`), so that a flag typed on the command line wins. */
async function readConfig(args: string[]): Promise<Config> {
  let answer = parseConfig(args);
  if (answer.kind === "config" && answer.config.configFile !== "") {
    const path = answer.config.configFile;
    const text = await Deno.readTextFile(path).catch((error) =>
      exitWith(`Cannot read the config file ${path}: ${describe(error)}`)
    );
    const file = parseConfigFile(text);
    if (file.kind === "error") exitWith(`In the config file ${path}, ${file.message}`);
    answer = parseConfig([...file.flags, ...args]);
  }
  switch (answer.kind) {
    case "config":
      return answer.config;
    case "help":
      console.log(USAGE);
      return Deno.exit(0);
    case "error":
      return exitWith(`${answer.message}\n\n${USAGE}`);
    default: {
      const unreachable: never = answer;
      return unreachable;
    }
  }
}

/** Startup errors are fatal and say what to do: the server cannot serve without its settings. */
function exitWith(message: string): never {
  console.error(`tinyhttps: ${message}`);
  Deno.exit(1);
}

async function checkCgiAllowed(config: Config): Promise<void> {
  if (!config.cgi || (await Deno.permissions.query({ name: "run" })).state === "granted") return;
  exitWith(
    "--cgi runs programs, which Deno allows only with --allow-run: use " +
      '"deno task start:cgi" or "deno task dev:cgi" (they add it), or run deno with --allow-run',
  );
}

async function checkRoot(root: string): Promise<string> {
  try {
    const realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) exitWith(`The root ${root} is not a folder`);
    return realRoot;
  } catch (error) {
    return exitWith(`Cannot serve the root folder ${root}: ${describe(error)}`);
  }
}

interface Certificate {
  cert: string;
  key: string;
}

async function readCertificate(config: Config): Promise<Certificate> {
  const read = async (what: string, path: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      return exitWith(
        `Cannot read the TLS ${what} ${path}: ${describe(error)}. ` +
          `Make a new pair with "deno task certs", or pass --cert FILE --key FILE.`,
      );
    }
  };
  return { cert: await read("certificate", config.cert), key: await read("key", config.key) };
}

function tcpOptions(config: Config, port: number): Deno.TcpListenOptions {
  return { hostname: config.hostname, port };
}

/** TLS on the second port. ALPN (RFC 7301) lets the client and server agree on the protocol
 * inside TLS: browsers, curl and VLC offer "h2" first. We speak HTTP/1.1 only, so we offer
 * only "http/1.1"; offering h2 would make clients send HTTP/2 frames we cannot read. */
function tlsOptions(
  config: Config,
  tls: Certificate,
): Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem {
  return { ...tcpOptions(config, config.httpsPort), ...tls, alpnProtocols: ["http/1.1"] };
}

/** Deno.listen does socket() + bind() + listen() in one call, and sets SO_REUSEADDR, so a restart
 * does not fail with "Address already in use" while old connections sit in TIME_WAIT. */
function listenOrExit<L extends Deno.Listener>(what: string, listen: () => L, config: Config): L {
  try {
    return listen();
  } catch (error) {
    return exitWith(`Cannot listen for ${what}: ${describe(error)}${listenHint(error, config)}`);
  }
}

function listenHint(error: unknown, config: Config): string {
  if (error instanceof Deno.errors.AddrInUse) {
    return ". Another program uses this port: stop it, or pick another with --http-port / --https-port.";
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return '. Ports below 1024 need root: run as root, or use "deno task dev" (ports 8080 and ' +
      "8443), or pick ports with --http-port / --https-port.";
  }
  if (error instanceof Deno.errors.NotCapable) {
    return ". Run with --allow-net (deno task start does).";
  }
  if (String(error).includes("UnsupportedCertVersion")) {
    return `.\n${config.cert} is an X.509 version 1 certificate, and Deno's TLS (rustls) accepts ` +
      `only version 3. Issue a v3 certificate for the same key and subject with:\n` +
      `  deno task certs --key ${config.key} --from ${config.cert} --out certs/lab\n` +
      `then start with --cert certs/lab/cert.pem --key certs/lab/key.pem`;
  }
  return ".";
}

/** Nagle's algorithm (RFC 896) holds a small TCP segment back while an earlier small one is
 * unacknowledged, and the client's delayed ACK waits up to 40 ms: together, a 40 ms stall in
 * many responses (LESSON.md, part 8). Deno can turn Nagle off on a TCP connection (setNoDelay)
 * but not on a TLS one, where a 100 KB Range answer leaves as seven 16 KiB TLS records and the
 * last one waits. Underneath is one system call, setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1),
 * and Linux copies a listening socket's options to every socket accept() returns. So we make
 * that call once per listening socket, through Deno's FFI to the C library. FFI reaches outside
 * Deno's sandbox, so it needs --allow-ffi=/lib (the tasks grant it); without it we say so and
 * run with Nagle on. Returns what the banner says about it. */
function turnOffNagle(ports: number[]): string {
  const path = `/lib/${Deno.build.arch}-linux-gnu/libc.so.6`; // Debian and Ubuntu put it here
  if (Deno.build.os !== "linux") return "Nagle on for TLS (the TCP_NODELAY call is Linux's)";
  if (Deno.permissions.querySync({ name: "ffi", path }).state !== "granted") {
    return `Nagle on for TLS: give --allow-ffi=/lib to turn it off (${path})`;
  }
  let libc;
  try {
    libc = Deno.dlopen(path, SOCKET_CALLS);
  } catch (error) {
    return `Nagle on for TLS: cannot load ${path}: ${describe(error)}`;
  }
  try {
    const yes = new Uint8Array(new Int32Array([1]).buffer);
    const done = listeningSockets(libc.symbols, ports).filter((fd) =>
      libc.symbols.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, yes, yes.length) === 0
    );
    return done.length === ports.length
      ? "TCP_NODELAY on both listening sockets (Nagle off)"
      : `Nagle on: TCP_NODELAY was set on ${done.length} of ${ports.length} listening sockets`;
  } finally {
    libc.close();
  }
}

/** The C functions turnOffNagle() calls, with their C types (<sys/socket.h>), and the Linux
 * values of the constants it passes them. */
const SOCKET_CALLS = {
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
} as const;
const [SOL_SOCKET, SO_ACCEPTCONN, IPPROTO_TCP, TCP_NODELAY] = [1, 30, 6, 1];

/** Deno does not tell which file descriptor a listener has, so we ask each small one (the kernel
 * hands out the lowest free number, and a process that just started has a few dozen): is it a
 * socket (getsockname succeeds), listening (SO_ACCEPTCONN), on one of our ports? */
function listeningSockets(
  libc: Deno.DynamicLibrary<typeof SOCKET_CALLS>["symbols"],
  ports: number[],
) {
  const address = new Uint8Array(128); // struct sockaddr_storage
  const size = new Uint32Array(1);
  const flag = new Int32Array(1);
  const found: number[] = [];
  for (let fd = 0; fd < 1024 && found.length < ports.length; fd++) {
    size[0] = address.length;
    if (libc.getsockname(fd, address, new Uint8Array(size.buffer)) !== 0) continue; // no socket
    const port = sockaddrPort(address);
    if (port === undefined || !ports.includes(port)) continue;
    size[0] = flag.byteLength;
    const asked = libc.getsockopt(
      fd,
      SOL_SOCKET,
      SO_ACCEPTCONN,
      new Uint8Array(flag.buffer),
      new Uint8Array(size.buffer),
    );
    if (asked === 0 && flag[0] === 1) found.push(fd);
  }
  return found;
}

/** The startup banner: where to point a browser (every address of this host on both ports, so
 * h1 in the lab prints https://10.0.0.1/), what is served, which certificate, how to stop. */
function announce(
  config: Config,
  root: string,
  http: Deno.NetAddr,
  https: Deno.NetAddr,
  cert: string,
  nagle: string,
) {
  let subject = "?", expiresMs = NaN;
  try {
    const x509 = new X509Certificate(cert);
    [subject, expiresMs] = [x509.subject.replaceAll("\n", ", "), Date.parse(x509.validTo)];
  } catch { /* Deno's TLS accepted it, so it is fine; we just cannot describe it */ }
  console.log(startupBanner({
    root,
    addresses: listeningAddresses(https.hostname),
    ...{ httpPort: http.port, httpsPort: https.port, redirect: !config.noRedirect },
    ...{ certificate: subject, expiresMs, nowMs: Date.now(), nagle },
  }));
}

/** The addresses a client can use: all of this host's IPv4 addresses when listening on 0.0.0.0
 * (Deno.networkInterfaces needs --allow-sys=networkInterfaces; without it, 0.0.0.0 is shown). */
function listeningAddresses(hostname: string): string[] {
  if (hostname !== "0.0.0.0") return [hostname];
  try {
    const found = Deno.networkInterfaces().filter((i) => i.family === "IPv4").map((i) => i.address);
    return found.length > 0 ? found : [hostname];
  } catch {
    return [hostname];
  }
}

// ── 2. Accept: two loops, one task per connection ──────────────────────────────────────────────

/** acceptLoop waits for connections on one listening socket. Each accept() returns once the
 * kernel has finished a TCP three-way handshake (SYN, SYN-ACK, ACK) with some client. We do not
 * await the connection's task: a slow client must never stop the loop from accepting the next
 * one. The two loops (port 80 and port 443) run concurrently in one thread: every `await`
 * hands the event loop to whichever socket is ready, as select() or epoll would in C. */
async function acceptLoop(
  listener: Deno.TcpListener | Deno.TlsListener,
  site: Site,
): Promise<void> {
  const server = site.server;
  for (;;) {
    let conn: Deno.TcpConn | Deno.TlsConn;
    try {
      conn = await listener.accept();
    } catch (error) {
      if (server.stopping) return; // shutdown closed the listener
      // EMFILE (out of file descriptors) and friends: say so, breathe, and go on accepting.
      console.error(`tinyhttps: accept on port ${listener.addr.port} failed: ${describe(error)}`);
      await new Promise((wake) => setTimeout(wake, 100));
      continue;
    }
    server.accepted++;
    const busy = server.open.size >= server.config.maxConnections;
    serveConnection(conn, site, busy); // not awaited: one task per connection
  }
}

/** The watchdog enforces every time limit with one timer for the whole server: each connection
 * carries a deadline for whatever it waits on (the TLS handshake, a request head, the client
 * taking our bytes), and a connection past it is closed, which makes its pending read or write
 * fail at once. Without these limits, a client that sends half a request and waits
 * ("slowloris"), or never reads what we send, would hold a socket, a file and memory forever. */
function watchdog(server: Server): void {
  const now = server.clock = performance.now();
  for (const c of server.open) {
    if (c.deadline > now) continue;
    if (c.waitingFor !== "the next request" && c.waitingFor !== "nothing") {
      console.error(`tinyhttps: closed ${c.client}: no progress on ${c.waitingFor} in time`);
    }
    c.timedOut = true;
    close(c);
  }
}

/** Ctrl-C (SIGINT) or SIGTERM: stop accepting, close idle keep-alive connections, give responses
 * in flight SHUTDOWN_GRACE_MS to finish, then exit 0 with a one-line summary. */
function stopOnSignals(server: Server, listeners: Deno.Listener[]): void {
  const stop = async () => {
    if (server.stopping) return;
    server.stopping = true;
    for (const listener of listeners) listener.close();
    for (const c of server.open) if (c.waitingFor === "the next request") close(c);
    const until = performance.now() + SHUTDOWN_GRACE_MS;
    while (server.open.size > 0 && performance.now() < until) {
      await new Promise((wake) => setTimeout(wake, 50));
    }
    const cut = server.open.size;
    for (const c of server.open) close(c);
    console.log(
      `tinyhttps: stopped after ${server.accepted} connections and ` +
        `${server.responses} responses; ${cut} cut off at shutdown`,
    );
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

// ── 3. One connection: requests in order, until one side closes ────────────────────────────────

/** The state of one connection. Its buffer holds bytes read but not yet used: the rest of a
 * pipelined request stays there for the next turn of the loop. */
interface Connection {
  conn: Deno.TcpConn | Deno.TlsConn;
  site: Site;
  /** The client's address, for the log. */
  client: string;
  /** The address the client connected to: the host of the redirect if the request names none. */
  local: string;
  buffer: Uint8Array;
  filled: number;
  /** Where a small response is put together before its one write: reused, not made anew for
   * each response (see streamBody()). */
  out: Uint8Array;
  /** Requests read so far on this connection. */
  requests: number;
  /** Bytes of the current response written so far; > 0 means an error can only close. */
  sent: number;
  /** What we wait for now, and until when (performance.now() ms): see watchdog(). */
  waitingFor: Waiting;
  deadline: number;
  timedOut: boolean;
  closed: boolean;
}

/** serveConnection answers the requests of one connection in the order they arrive (HTTP/1.1
 * pipelining: RFC 9112 §9.3.2, "A server MUST send its responses to those requests in the same
 * order that the requests were received"), until the client closes, a request asks to close, or
 * the head timeout fires. Whatever goes wrong stays inside this connection. */
async function serveConnection(
  conn: Deno.TcpConn | Deno.TlsConn,
  site: Site,
  busy: boolean,
): Promise<void> {
  const c = newConnection(conn, site);
  const { config, open } = site.server;
  open.add(c);
  // Nagle's algorithm holds a small write back until the previous one is acknowledged; with the
  // client's delayed ACK, that is a ~40 ms stall per response. We write whole responses at once,
  // so we turn it off. (A TLS connection has no setNoDelay: turnOffNagle() set TCP_NODELAY on
  // its listening socket, if Deno let it.)
  if ("setNoDelay" in conn) conn.setNoDelay(true);
  let linger = false;
  try {
    if (site.mode === "files" && !(await handshake(c, conn as Deno.TlsConn))) return;
    if (busy) return void (linger = await refuseBusy(c));
    while (!site.server.stopping && c.requests < MAX_REQUESTS_PER_CONNECTION) {
      const answer = await readRequestHead(c);
      if (answer === undefined) break; // the client closed, or a timeout fired
      c.requests++;
      c.sent = 0;
      const keep = await answerRequest(c, answer);
      site.server.responses++;
      if (!keep) {
        linger = true;
        break;
      }
    }
  } catch (error) {
    reportConnectionError(c, error);
  } finally {
    await closeConnection(c, linger, config.sendTimeoutMs);
    open.delete(c);
  }
}

function newConnection(conn: Deno.TcpConn | Deno.TlsConn, site: Site): Connection {
  return {
    conn,
    site,
    client: (conn.remoteAddr as Deno.NetAddr).hostname,
    local: (conn.localAddr as Deno.NetAddr).hostname,
    buffer: new Uint8Array(MAX_HEAD_BYTES),
    filled: 0,
    out: new Uint8Array(OUT_BYTES),
    requests: 0,
    sent: 0,
    waitingFor: "nothing",
    deadline: Infinity,
    timedOut: false,
    closed: false,
  };
}

/** The TLS handshake (RFC 8446 §2): the client says hello with the versions, ciphers and ALPN
 * protocols it offers; we answer with our choice and our certificate; both derive keys. Deno
 * would run it lazily on the first read; running it here, under its own deadline, lets a
 * failed handshake be named as one. */
async function handshake(c: Connection, conn: Deno.TlsConn): Promise<boolean> {
  expect(c, "the TLS handshake", c.site.server.config.handshakeTimeoutMs);
  try {
    await conn.handshake();
    return true;
  } catch (error) {
    if (!c.closed) { // if closed, the watchdog has said why already
      const hint = String(error).includes("InvalidContentType")
        ? " (plain HTTP sent to the HTTPS port?)"
        : "";
      console.error(`tinyhttps: TLS handshake with ${c.client} failed: ${describe(error)}${hint}`);
    }
    return false;
  }
}

/** What a connection can wait for. Only the first four mean the client misbehaves when they
 * take too long; an idle connection that times out is simply closed. */
type Waiting =
  | "the TLS handshake"
  | "a request head"
  | "a request body"
  | "the client to take our bytes"
  | "the next request"
  | "nothing";

/** expect sets what the connection now waits for, and the deadline the watchdog enforces. It
 * reads the watchdog's clock rather than the system's: a deadline may fire up to one tick
 * (WATCHDOG_INTERVAL_MS) early, and a request's five deadlines cost no system call. */
function expect(c: Connection, what: Waiting, ms: number): void {
  c.waitingFor = what;
  c.deadline = c.site.server.clock + ms;
}

/** Over the connection limit: RFC 9110 §15.6.4, 503 "the server is currently unable to handle
 * the request due to a temporary overload", with Retry-After (§10.2.3). Sent before reading a
 * request, which HTTP allows; returns true so the connection closes gently. */
async function refuseBusy(c: Connection): Promise<boolean> {
  if (c.closed) return false;
  const reason = "Too many connections at once; try again in a moment.";
  await sendStatus(c, undefined, 503, reason, [["Retry-After", "1"]], false);
  return true;
}

/** Client disconnects are normal on the web (a video player aborts a response on every seek),
 * and a connection the watchdog closed has been reported already: both end quietly. Anything
 * else is printed with the client's address. */
function reportConnectionError(c: Connection, error: unknown): void {
  if (c.timedOut || c.closed || isClientGone(error)) return;
  console.error(`tinyhttps: connection from ${c.client} ended: ${describe(error)}`);
}

function isClientGone(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}

/** Closing sends a FIN (for TLS, first a close_notify alert). When we are the side that decided
 * to close, RFC 9112 §9.6 asks for a gentler close: shut down our writing half, then read and
 * discard what the client still sends for a moment. Closing with unread bytes in the socket
 * would make the kernel send a RST, which can destroy the response the client has not read yet. */
async function closeConnection(
  c: Connection,
  linger: boolean,
  sendTimeoutMs: number,
): Promise<void> {
  if (c.closed) return;
  if (linger) {
    try {
      expect(c, "the client to take our bytes", sendTimeoutMs);
      await c.conn.closeWrite();
      expect(c, "the next request", LINGER_MS); // quiet: nothing is lost when this expires
      while (!c.closed && (await c.conn.read(c.buffer)) !== null) { /* discard */ }
    } catch { /* the client is gone already: nothing to drain */ }
  }
  close(c);
}

function close(c: Connection): void {
  if (c.closed) return;
  c.closed = true;
  try {
    c.conn.close();
  } catch { /* already closed by the peer or a timer */ }
}

// ── 4. Read the request head: bytes until the empty line ───────────────────────────────────────

/** readRequestHead reads until the buffer holds a whole head (up to its empty line), then parses
 * it. TCP is a byte stream, not a message stream: one read may return half a request line, or
 * two pipelined requests at once, so we loop and search. Two deadlines apply: an idle
 * keep-alive connection may wait `--idle-timeout` for the first byte of its next request, and
 * once that arrived, the whole head must follow within `--header-timeout`. Returns undefined
 * when the client closed (read() returns null: its FIN arrived) or a deadline passed. */
async function readRequestHead(c: Connection): Promise<HeadAnswer | undefined> {
  const { idleTimeoutMs, headerTimeoutMs } = c.site.server.config;
  if (c.filled === 0) expect(c, "the next request", idleTimeoutMs);
  else expect(c, "a request head", headerTimeoutMs);
  try {
    let searched = 0;
    for (;;) {
      const end = findHeadEnd(c.buffer, searched, c.filled);
      if (end !== -1) return takeHead(c, end);
      if (c.filled === c.buffer.length) return tooLarge(c);
      searched = Math.max(0, c.filled - 2); // the empty line may straddle two reads
      const n = await c.conn.read(c.buffer.subarray(c.filled));
      if (n === null) return undefined;
      if (c.filled === 0) expect(c, "a request head", headerTimeoutMs);
      c.filled += n;
    }
  } catch (error) {
    if (c.closed) return undefined; // the watchdog or shutdown closed the socket under our read
    throw error;
  } finally {
    expect(c, "nothing", Infinity);
  }
}

/** Parses the head at the front of the buffer and moves any bytes after it to the front. */
function takeHead(c: Connection, end: number): HeadAnswer {
  const answer = parseRequestHead(c.buffer.subarray(0, end));
  if (c.site.server.config.trace) {
    const text = String.fromCharCode(...c.buffer.subarray(0, Math.min(end, 4096)));
    console.log(`\n${traceHead("▶", c.client, text)}`);
  }
  c.buffer.copyWithin(0, end, c.filled);
  c.filled -= end;
  return answer;
}

function tooLarge(c: Connection): HttpError {
  const status = headTooLargeStatus(c.buffer, c.filled);
  c.filled = 0;
  return {
    kind: "error",
    status,
    reason: `the request head is larger than ${MAX_HEAD_BYTES} bytes`,
  };
}

/** The body of a request that has none (most): one shared empty array, not a new one each time. */
const NO_BODY = new Uint8Array(0);

/** answerRequest routes one parsed head and reports whether the connection stays open. */
async function answerRequest(c: Connection, answer: HeadAnswer): Promise<boolean> {
  if (answer.kind === "error") {
    // A head we cannot parse leaves us unsure where the next request starts: answer and close.
    await sendStatus(c, undefined, answer.status, answer.reason, [], false, answer.requestLine);
    return false;
  }
  const head = answer.head;
  let open = keepAlive(head);
  const framing = requestBodyFraming(head);
  if (framing.kind === "error") {
    await sendStatus(c, head, framing.status, framing.reason, [], false);
    return false;
  }
  let body: Uint8Array | undefined = NO_BODY;
  if (
    framing.kind === "chunked" || (framing.kind === "length" && framing.length > MAX_REQUEST_BODY)
  ) {
    [open, body] = [false, undefined]; // we will not read this body: answer, then close
  } else if (framing.kind === "length") {
    body = await readBody(c, framing.length);
    if (body === undefined) return false; // the client left in the middle of it
  }
  try {
    await route(c, head, open, body);
  } catch (error) {
    if (isClientGone(error) || c.sent > 0) throw error;
    // An unexpected failure before any byte of the answer left: RFC 9110 §15.6.1, 500.
    console.error(`tinyhttps: 500 for "${head.requestLine}": ${describe(error)}`);
    await sendStatus(c, head, 500, "The server failed while answering; see its log.", [], false);
    return false;
  }
  return open;
}

/** Reads a request body of `length` bytes (some may be in the buffer already, behind the head);
 * undefined if the client closed first. */
async function readBody(c: Connection, length: number): Promise<Uint8Array | undefined> {
  const body = new Uint8Array(length);
  let got = 0;
  expect(c, "a request body", c.site.server.config.headerTimeoutMs);
  for (;;) {
    const used = Math.min(length - got, c.filled);
    body.set(c.buffer.subarray(0, used), got);
    c.buffer.copyWithin(0, used, c.filled);
    c.filled -= used;
    got += used;
    if (got === length) return body;
    const n = await c.conn.read(c.buffer);
    if (n === null) return undefined;
    c.filled = n;
  }
}

/** route sends a request where its port, target and method say it goes. `body` is undefined when
 * it was not read (chunked, or too large). */
function route(
  c: Connection,
  head: RequestHead,
  open: boolean,
  body: Uint8Array | undefined,
): Promise<void> {
  const { noRedirect, cgi, dotfiles } = c.site.server.config;
  if (c.site.mode === "redirect" && !noRedirect) return redirectToHttps(c, head, open);
  const program = cgi ? cgiProgram(head.target, dotfiles) : undefined;
  if (program !== undefined) return runCgi(c, head, open, body, program);
  const method = classifyMethod(head.method);
  switch (method) {
    case "supported":
      return serveFile(c, head, open);
    case "not-allowed":
      return sendStatus(c, head, 405, `${head.method} is not allowed here.`, [
        ["Allow", "GET, HEAD"],
      ], open);
    case "unknown": {
      const reason = `This server does not know the method ${head.method}.`;
      return sendStatus(c, head, 501, reason, [], open);
    }
    default: {
      const unreachable: never = method;
      return unreachable;
    }
  }
}

// ── 5. Port 80: send every request to https:// ─────────────────────────────────────────────────

/** Plain HTTP can be read and changed by anyone on the path between client and server. The
 * plain port therefore serves nothing: it tells the client where the same resource lives on
 * https://. 301 means "moved permanently": browsers remember it and go to https directly. */
async function redirectToHttps(c: Connection, head: RequestHead, open: boolean): Promise<void> {
  const location = httpsLocation(head, c.site.server.httpsPort, c.local);
  await sendStatus(c, head, 301, `This resource is at ${location}`, [["Location", location]], open);
}

// ── 6. Port 443: from the target to an open file ───────────────────────────────────────────────

/** A file found under the root: its real path, its metadata, what the response says about it,
 * and, if it is small, its bytes. All of it stays valid as long as the file does not change. */
interface FoundFile {
  path: string;
  size: number;
  /** Its version: the strong ETag of its size, mtime and inode, and its Last-Modified. */
  version: Validators;
  lastModified: string;
  type: string;
  bytes?: Uint8Array;
  /** When cachedFile() last found it unchanged (Date.now() ms). */
  checkedMs: number;
}

/** What looking a path up on disk can find. */
type Lookup =
  | { kind: "file"; file: FoundFile }
  | { kind: "directory" }
  | { kind: "missing" }
  | { kind: "forbidden" };

/** serveFile maps the target to a file under the root and answers with it (section 7). Most
 * requests find their file in the cache; only the others wait for the disk. */
function serveFile(c: Connection, head: RequestHead, open: boolean): Promise<void> {
  const { config, realRoot } = c.site.server;
  const target = resolveTarget(head.target, config.dotfiles);
  if (target.kind === "error") return sendStatus(c, head, target.status, target.reason, [], open);
  const wanted = fileFor(realRoot, target.path, target.directory);
  const cached = cachedFile(c.site.server.cache, wanted);
  if (cached !== undefined) return sendFile(c, head, cached, open);
  return lookUp(wanted, c.site.server).then((found) => sendFound(c, head, target, found, open));
}

/** sendFound answers with what lookUp() found on disk: the file, or why there is none. */
function sendFound(
  c: Connection,
  head: RequestHead,
  target: { path: string; directory: boolean; query: string },
  found: Lookup,
  open: boolean,
): Promise<void> {
  const { config } = c.site.server;
  switch (found.kind) {
    case "file":
      return sendFile(c, head, found.file, open);
    case "directory": {
      // "/dir" names a folder: send the client to "/dir/", so links inside dir/index.html work.
      const location = directoryLocation(target.path, target.query);
      const reason = `This folder is at ${location}`;
      return sendStatus(c, head, 301, reason, [["Location", location]], open);
    }
    case "missing":
      if (target.directory && config.list) return listDirectory(c, head, target.path, open);
      return sendStatus(c, head, 404, `There is no file at ${target.path || "/"}.`, [], open);
    case "forbidden":
      return sendStatus(c, head, 403, "This file may not be read.", [], open);
    default: {
      const unreachable: never = found;
      return unreachable;
    }
  }
}

/** The file a resolved target names: "dir/" serves "dir/index.html". resolveTarget() has removed
 * every "." and ".." and refused "/" inside a name, so joining is plain concatenation here;
 * @std/path's join() would normalize the path once more, at 50 times the cost, every request. */
function fileFor(realRoot: string, path: string, directory: boolean): string {
  const named = path === "" ? realRoot : `${realRoot}/${path}`;
  return directory ? `${named}/${INDEX_FILE}` : named;
}

/** lookUp resolves symlinks (realPath), refuses anything that lands outside the root, and only
 * hands out regular files: a FIFO or a device under the root would block or never end. What it
 * finds is remembered (see cachedFile), so that the next request for it costs one stat. */
async function lookUp(wanted: string, server: Server): Promise<Lookup> {
  try {
    const real = await Deno.realPath(wanted);
    if (!isInsideRoot(real, server.realRoot)) return { kind: "missing" }; // a symlink out of the root
    const info = await Deno.stat(real);
    if (info.isDirectory) return { kind: "directory" };
    if (!info.isFile) return { kind: "forbidden" };
    const version = fileValidators(
      info.size,
      info.mtime?.getTime() ?? 0,
      info.ino ?? 0,
      Date.now(),
    );
    const file: FoundFile = {
      ...{ path: real, size: info.size, version, lastModified: httpDate(version.modifiedMs) },
      ...{ type: mediaType(real), checkedMs: Date.now() },
    };
    if (info.size <= SMALL_FILE_MAX) {
      const bytes = await Deno.readFile(real);
      if (bytes.length === info.size) file.bytes = bytes; // else it changed under us: stream it
    }
    remember(server.cache, wanted, file);
    return { kind: "file", file };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return { kind: "missing" };
    }
    if (error instanceof Deno.errors.PermissionDenied) return { kind: "forbidden" };
    throw error;
  }
}

/** --list: a folder without index.html answers with a page listing its files (lib/listing.ts);
 * the folder must resolve inside the root like any file. Anything unreadable is a 404. */
async function listDirectory(c: Connection, head: RequestHead, path: string, open: boolean) {
  const { realRoot, config } = c.site.server;
  const entries: DirEntry[] = [];
  try {
    const real = await Deno.realPath(join(realRoot, path));
    if (!isInsideRoot(real, realRoot)) throw new Deno.errors.NotFound();
    for await (const entry of Deno.readDir(real)) {
      const info = await Deno.stat(join(real, entry.name)).catch(() => undefined);
      if (info === undefined) continue; // a broken symlink: leave it out
      const { isDirectory, size, mtime } = info;
      entries.push({ name: entry.name, isDirectory, size, mtimeMs: mtime?.getTime() ?? 0 });
    }
  } catch {
    return sendStatus(c, head, 404, `There is no folder at ${path || "/"}.`, [], open);
  }
  const page = directoryListing("/" + (path ? path + "/" : ""), entries, config.dotfiles);
  return sendPieces(c, head, 200, [["Content-Type", HTML]], [encoder.encode(page)], open);
}

/** The files served recently, by the path asked for. Small files keep their bytes. */
interface FileCache {
  files: Map<string, FoundFile>;
  bytes: number;
}

/** Files up to this size are kept in memory, at most CACHE_MAX_BYTES of them in all. */
const SMALL_FILE_MAX = 64 * 1024;
const CACHE_MAX_BYTES = 32 * 1024 * 1024;
const CACHE_MAX_FILES = 4096;

/** cachedFile returns a remembered file if it is still the same version. Asking the disk with
 * realPath, stat, open, read and close costs about 200 µs per request here, because each async
 * call crosses to a thread pool and back; one statSync costs about 3 µs, blocks the event loop
 * only that long, and says whether the file changed (size, modification time, inode: the ETag).
 * It is asked at most once per millisecond per file, since the ETag cannot tell two versions
 * within one millisecond apart anyway: at 40,000 requests a second that skips nearly every stat,
 * and an edit is still seen by every request that starts after it. The price: an edit that
 * keeps the size within the same millisecond is missed, and a root on a slow network file
 * system would make the stat slow too. */
function cachedFile(cache: FileCache, wanted: string): FoundFile | undefined {
  const file = cache.files.get(wanted);
  if (file === undefined) return undefined;
  const nowMs = Date.now();
  if (file.checkedMs === nowMs) return file; // checked this very millisecond already
  try {
    const now = Deno.statSync(wanted);
    if (strongETag(now.size, now.mtime?.getTime() ?? 0, now.ino ?? 0) === file.version.etag) {
      file.checkedMs = nowMs;
      return file;
    }
  } catch { /* deleted, or no longer readable: look it up afresh */ }
  forget(cache, wanted);
  return undefined;
}

function remember(cache: FileCache, wanted: string, file: FoundFile): void {
  forget(cache, wanted);
  const size = file.bytes?.length ?? 0;
  while (
    cache.files.size > 0 &&
    (cache.files.size >= CACHE_MAX_FILES || cache.bytes + size > CACHE_MAX_BYTES)
  ) {
    forget(cache, cache.files.keys().next().value!); // the oldest entry makes room
  }
  cache.files.set(wanted, file);
  cache.bytes += size;
}

function forget(cache: FileCache, wanted: string): void {
  cache.bytes -= cache.files.get(wanted)?.bytes?.length ?? 0;
  cache.files.delete(wanted);
}

// ── 7. The answer: status, header fields, ranges ───────────────────────────────────────────────

/** A response is a list of pieces: the head (ASCII text, one char per byte), bytes we made (part
 * headers, error pages, cached files) and ranges of a file on disk. streamBody() writes them in
 * order through one bounded buffer. */
type Piece = string | Uint8Array | ByteRange;

const encoder = new TextEncoder();

/** sendFile answers with a file: first the request's preconditions (304 "you have it already",
 * 412 "it is not the version you expect"), then its content. The order is RFC 9110 §13.2.2's:
 * preconditions, then If-Range, then Range, which is evaluated "only if the result in absence of
 * the Range header field would be a 200". */
function sendFile(
  c: Connection,
  head: RequestHead,
  found: FoundFile,
  open: boolean,
): Promise<void> {
  const nowMs = Date.now();
  const file = found.version;
  const verdict = evaluatePreconditions({
    method: head.method,
    nowMs,
    ifMatch: fieldValue(head, "if-match"),
    ifNoneMatch: fieldValue(head, "if-none-match"),
    ifModifiedSince: fieldValue(head, "if-modified-since"),
    ifUnmodifiedSince: fieldValue(head, "if-unmodified-since"),
  }, file);
  const etag: Field[] = [["ETag", file.etag]];
  switch (verdict) {
    case "not-modified": // RFC 9110 §15.4.5: no body, and no Content-Type or Content-Length
      return sendPieces(c, head, 304, etag, [], open);
    case "precondition-failed":
      return sendStatus(
        c,
        head,
        412,
        "The file is not the version this request expects.",
        etag,
        open,
      );
    case "proceed": {
      const ranged = head.method === "GET" &&
        ifRangeAllows(fieldValue(head, "if-range"), file, nowMs);
      const range = ranged ? fieldValue(head, "range") : undefined;
      const fields: Field[] = [
        ...etag,
        ["Last-Modified", found.lastModified],
        ["Accept-Ranges", "bytes"], // RFC 9110 §14.3: tells players they may seek with Range
      ];
      return sendContent(c, head, found, range, fields, open);
    }
    default: {
      const unreachable: never = verdict;
      return unreachable;
    }
  }
}

/** sendContent sends the file: 200 with all of it, 206 with the ranges asked for, or 416.
 * `range` is undefined when Range is absent or must be ignored: RFC 9110 §14.2, "A server MUST
 * ignore a Range header field received with a request method that is unrecognized or for which
 * range handling is not defined" (only GET has ranges; a HEAD gets the head of a plain GET), and
 * when If-Range says the client's copy is stale. */
function sendContent(
  c: Connection,
  head: RequestHead,
  file: FoundFile,
  range: string | undefined,
  fields: Field[],
  open: boolean,
): Promise<void> {
  const { size, type } = file;
  // A cached small file is sent from memory; any other is read from disk as it is sent.
  const [path, bytesOf] = file.bytes === undefined
    ? [file.path, (part: ByteRange): Piece => part]
    : [undefined, (part: ByteRange): Piece => file.bytes!.subarray(part.first, part.last + 1)];
  const answer = range === undefined ? { kind: "whole" as const } : parseRange(range, size);
  if (range !== undefined && c.site.server.config.trace) {
    console.log(`${c.client} ⚙ ${traceRange(range, size, answer)}`);
  }
  switch (answer.kind) {
    case "whole":
      fields.push(["Content-Type", type]);
      return sendPieces(c, head, 200, fields, [bytesOf({ first: 0, last: size - 1 })], open, path);
    case "parts": {
      if (answer.parts.length === 1) {
        const [part] = answer.parts;
        fields.push(["Content-Type", type], ["Content-Range", contentRange(part, size)]);
        return sendPieces(c, head, 206, fields, [bytesOf(part)], open, path);
      }
      // Several ranges: RFC 9110 §14.6, one multipart/byteranges body with a header per part.
      const frame = multipartFrame(answer.parts, size, type, crypto.randomUUID());
      fields.push(["Content-Type", frame.contentType]);
      const pieces: Piece[] = answer.parts.flatMap((part, i) => [
        encoder.encode(frame.partHeads[i]),
        bytesOf(part),
      ]);
      pieces.push(encoder.encode(frame.closing));
      return sendPieces(c, head, 206, fields, pieces, open, path);
    }
    case "unsatisfiable":
      return sendStatus(c, head, 416, `No byte of ${range} exists in this ${size}-byte file.`, [
        ["Content-Range", unsatisfiedRange(size)],
      ], open);
    default: {
      const unreachable: never = answer;
      return unreachable;
    }
  }
}

/** sendStatus answers with a small HTML page (errors, redirects). */
function sendStatus(
  c: Connection,
  head: RequestHead | undefined,
  status: number,
  reason: string,
  fields: Field[],
  open: boolean,
  requestLine = head?.requestLine ?? "-",
): Promise<void> {
  const body = encoder.encode(statusPage(status, reason));
  if (status >= 400 && status !== 404) {
    console.error(`tinyhttps: ${status} to ${c.client}: ${reason}`);
  }
  return sendPieces(
    c,
    head,
    status,
    [...fields, ["Content-Type", HTML]],
    [body],
    open,
    undefined,
    requestLine,
  );
}

/** sendPieces writes the head, then the body (not for HEAD: RFC 9110 §9.3.2, "the server MUST NOT
 * send content in the response"), then logs the response. Content-Length is the sum of the
 * pieces, so every response is framed and the client knows where it ends (RFC 9112 §6.3). */
async function sendPieces(
  c: Connection,
  head: RequestHead | undefined,
  status: number,
  fields: Field[],
  body: Piece[],
  open: boolean,
  path?: string,
  requestLine = head?.requestLine ?? "-",
): Promise<void> {
  const length = body.reduce((sum, p) => sum + pieceLength(p), 0);
  const headText = responseHead(status, [
    ["Date", currentDate()],
    ["Server", SERVER_NAME],
    ...fields,
    ...(status === 304 ? [] : [["Content-Length", length] as Field]),
    ["X-Content-Type-Options", "nosniff"],
    ...connectionFields(open, head?.minorVersion ?? 1),
  ]);
  if (c.site.server.config.trace) console.log(traceHead("◀", c.client, headText));
  const pieces = head?.method === "HEAD" ? [headText] : [headText, ...body];
  try {
    await streamBody(c, pieces, path);
  } finally {
    // Logged even when the client left halfway: the byte count then shows how far it got.
    // (Math.max: a client that left inside the head got no body bytes.)
    if (c.sent > 0) logResponse(c, requestLine, status, Math.max(0, c.sent - headText.length));
  }
}

/** The Date field changes once a second, so it is formatted once a second, not per response. */
let dateSecond = 0;
let dateText = "";
function currentDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) [dateSecond, dateText] = [second, httpDate(second * 1000)];
  return dateText;
}

function pieceLength(piece: Piece): number {
  if (typeof piece === "string" || piece instanceof Uint8Array) return piece.length;
  return piece.last - piece.first + 1;
}

// ── 8. Stream the body: a bounded buffer, from disk to socket ──────────────────────────────────

/** streamBody writes the pieces through one buffer of at most CHUNK_SIZE bytes, so a 4 GiB video
 * costs the same memory as a 4 KiB page. Small pieces are gathered into one write: the head and a
 * small file leave in a single TCP segment. `await` on each write is the backpressure: when the
 * client reads slowly, the socket's send buffer fills, write() waits, and we stop reading the
 * file. The file is opened here and closed in `finally`, even when the client vanishes. */
async function streamBody(c: Connection, pieces: Piece[], path?: string): Promise<void> {
  const total = pieces.reduce((sum, p) => sum + pieceLength(p), 0);
  const out = total <= c.out.length ? c.out : new Uint8Array(Math.min(CHUNK_SIZE, total));
  const file = path === undefined ? undefined : await Deno.open(path);
  let used = 0;
  try {
    for (const piece of pieces) {
      if (typeof piece === "string" || piece instanceof Uint8Array) {
        if (used + piece.length > out.length) {
          await writeAll(c, out.subarray(0, used));
          used = 0;
        }
        if (typeof piece === "string") encoder.encodeInto(piece, out.subarray(used)); // ASCII
        else out.set(piece, used);
        used += piece.length;
        continue;
      }
      await file!.seek(piece.first, Deno.SeekMode.Start);
      for (let left = pieceLength(piece); left > 0;) {
        if (used === out.length) {
          await writeAll(c, out);
          used = 0;
        }
        const n = await file!.read(out.subarray(used, used + Math.min(left, out.length - used)));
        if (n === null) throw new Error(`${path} shrank while it was being sent`);
        used += n;
        left -= n;
      }
    }
    if (used > 0) await writeAll(c, out.subarray(0, used));
  } finally {
    file?.close();
  }
}

/** write() may accept fewer bytes than offered (a full socket buffer): loop until all are sent. */
async function writeAll(c: Connection, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    expect(c, "the client to take our bytes", c.site.server.config.sendTimeoutMs);
    const n = await c.conn.write(bytes.subarray(done));
    done += n;
    c.sent += n;
  }
  expect(c, "nothing", Infinity);
}

// ── 9. Log the response ────────────────────────────────────────────────────────────────────────

/** The access log, batched: lines collect in memory and are written together at most
 * LOG_FLUSH_MS later, one write for many responses instead of one system call each. */
interface LogWriter {
  sink: { write(bytes: Uint8Array): Promise<number> };
  pending: string[];
  flushing?: Promise<void>;
}
const LOG_FLUSH_MS = 50;

/** Opens the --log file for appending (or takes stdout). Deno's permissions apply: the tasks
 * allow writing under logs/ only, so another path must be allowed by hand. */
async function openLog(path: string): Promise<LogWriter> {
  if (path === "-") return { sink: Deno.stdout, pending: [] };
  try {
    return { sink: await Deno.open(path, { append: true, create: true }), pending: [] };
  } catch (error) {
    const hint = error instanceof Deno.errors.NotCapable
      ? `. The tasks may write under logs/ only: use --log logs/access.log, or run deno with ` +
        `--allow-write=${path}`
      : "";
    return exitWith(`Cannot open the access log ${path}: ${describe(error)}${hint}`);
  }
}

function logResponse(c: Connection, requestLine: string, status: number, bytes: number): void {
  const { config, log } = c.site.server;
  if (config.quiet) return;
  const line = accessLogLine({ client: c.client, timeMs: Date.now(), requestLine, status, bytes });
  log.pending.push(line);
  log.flushing ??= new Promise((wake) => setTimeout(wake, LOG_FLUSH_MS)).then(() => flushLog(log));
}

async function flushLog(log: LogWriter): Promise<void> {
  const bytes = encoder.encode(log.pending.join("\n") + "\n");
  log.pending = [];
  log.flushing = undefined;
  if (bytes.length === 1) return;
  for (let done = 0; done < bytes.length;) done += await log.sink.write(bytes.subarray(done));
}

// ── 10. CGI programs (--cgi) ──────────────────────────────────────────────────────────────────

/** How much a CGI program may print; more is a failure (500), not an unbounded buffer. */
const CGI_MAX_OUTPUT = 16 * 1024 * 1024;

/** The CGI program a request-target names (`/cgi-bin/NAME/extra?query`), if it names one. */
function cgiProgram(target: string, dotfiles: boolean) {
  const resolved = resolveTarget(target, dotfiles);
  const program = resolved.kind === "path" ? splitCgiPath(resolved.path) : undefined;
  return program && resolved.kind === "path" ? { ...program, query: resolved.query } : undefined;
}

/** runCgi answers a request with a program: `cgi-bin/NAME` under the root, run with the request
 * in its environment (cgiEnvironment) and the body on its stdin; what it prints becomes the
 * response (parseCgiOutput). It is off unless --cgi is given, and Deno must allow running
 * programs (deno task start:cgi): a CGI script runs with the server's rights, and any file a
 * student can drop into cgi-bin/ becomes code that any visitor can run. */
async function runCgi(
  c: Connection,
  head: RequestHead,
  open: boolean,
  body: Uint8Array | undefined,
  program: { script: string; pathInfo: string; query: string },
): Promise<void> {
  const { realRoot, config } = c.site.server;
  if (!["GET", "HEAD", "POST"].includes(head.method)) {
    const reason = `${head.method} is not allowed for CGI programs.`;
    return sendStatus(c, head, 405, reason, [["Allow", "GET, HEAD, POST"]], open);
  }
  if (body === undefined) {
    return sendStatus(c, head, 411, "A CGI request body needs a Content-Length.", [], false);
  }
  const found = await lookUp(join(realRoot, "cgi-bin", program.script), c.site.server);
  if (found.kind !== "file") return sendStatus(c, head, 404, "There is no such program.", [], open);
  const { mode } = await Deno.stat(found.file.path);
  if (((mode ?? 0) & 0o111) === 0) {
    return sendStatus(c, head, 403, "This program is not executable.", [], open);
  }
  const env = cgiEnvironment({
    head,
    ...{ scriptName: `/cgi-bin/${program.script}`, pathInfo: program.pathInfo },
    ...{ query: program.query.replace(/^\?/, ""), scriptFilename: found.file.path },
    ...{ documentRoot: realRoot, remoteAddr: c.client, serverName: c.local },
    ...{ serverPort: (c.conn.localAddr as Deno.NetAddr).port, https: c.site.mode === "files" },
    contentLength: body.length,
  });
  const output = await runProgram(found.file.path, env, body, config.cgiTimeoutMs, program.script);
  const answer = output === undefined ? undefined : parseCgiOutput(output);
  if (answer?.kind !== "response") {
    if (answer?.kind === "error") {
      console.error(`tinyhttps: cgi ${program.script}: ${answer.reason}`);
    }
    return sendStatus(c, head, 500, "The CGI program failed; see the server's log.", [], false);
  }
  return sendPieces(
    c,
    head,
    answer.status,
    answer.fields,
    [output!.subarray(answer.bodyStart)],
    open,
  );
}

/** Runs one CGI program to its end, or kills it after `timeoutMs`. Its stderr goes to the server's
 * log, line by line; the client never sees it. Returns its stdout, or undefined if it failed.
 * The program starts through setsid(1), as the leader of a process group of its own: killing
 * the group (a negative pid) also kills whatever it started, such as a shell script's `sleep`,
 * which would otherwise keep its stdout open and the request waiting. */
async function runProgram(
  path: string,
  env: Record<string, string>,
  stdin: Uint8Array,
  timeoutMs: number,
  name: string,
): Promise<Uint8Array | undefined> {
  const child = new Deno.Command("/usr/bin/setsid", {
    args: [path],
    ...{ env, clearEnv: true, cwd: dirname(path) },
    ...{ stdin: "piped", stdout: "piped", stderr: "piped" },
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    Deno.kill(-child.pid, "SIGKILL");
  }, timeoutMs);
  const writer = child.stdin.getWriter();
  await writer.write(stdin).catch(() => {}); // a program may exit without reading its input
  await writer.close().catch(() => {});
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  for (const line of new TextDecoder().decode(stderr).split("\n").filter((l) => l !== "")) {
    console.error(`tinyhttps: cgi ${name}: ${line}`);
  }
  if (killed) console.error(`tinyhttps: cgi ${name}: killed after ${timeoutMs / 1000} s`);
  else if (code !== 0) console.error(`tinyhttps: cgi ${name}: exited with status ${code}`);
  else if (stdout.length > CGI_MAX_OUTPUT) console.error(`tinyhttps: cgi ${name}: too much output`);
  else return stdout;
  return undefined;
}

/** A one-line description of an error for the console: its class and message, never a stack. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

if (import.meta.main) main();
