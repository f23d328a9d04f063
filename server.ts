// server.ts — tinyhttps: a small HTTP + HTTPS file server, written to be read top to bottom.
//
// Port 80 answers every request with "301 Moved Permanently" to the same URL on https://;
// port 443 speaks TLS and serves the files under the root: 200, 206 for a Range, 404, ...
//
// Part I follows one request of the lab from the listening socket to the log line, in the order
// it travels; its numbered sections are the parts of LESSON.md. Below it, beyond the lab, one
// section per optional feature (CGI, folder listings, the file cache, ...), each reached from one
// line of Part I. This file does the I/O; every decision about a request is a pure function in
// lib/ that returns a value — the answer is a Reply (lib/reply.ts) — and writeReply() writes it.

// Every decision comes from lib/; the imports for the features beyond the lab are here too.
import { X509Certificate } from "node:crypto";
import { constants, type FileHandle, open } from "node:fs/promises";
import { dirname, join } from "@std/path";
import { cgiEnvironment, cgiReply, parseCgiOutput, splitCgiPath } from "./lib/cgi.ts";
import {
  type Config,
  type ConfigAnswer,
  parseConfig,
  parseConfigFile,
  USAGE,
} from "./lib/config.ts";
import { strongETag } from "./lib/conditional.ts";
import { type DirEntry, listingReply } from "./lib/listing.ts";
import { accessLogLine, printable, startupBanner, traceHead, traceRange } from "./lib/log.ts";
import { type ByteRange } from "./lib/range.ts";
import { bracketIPv6, redirectReply } from "./lib/redirect.ts";
import {
  busyReply,
  closing,
  type FileFacts,
  fileFacts,
  fileReply,
  type Framed,
  frameReply,
  methodRefusal,
  noFileReply,
  type Reply,
  statusReply,
} from "./lib/reply.ts";
import {
  findHeadEnd,
  type HeadAnswer,
  headTooLargeStatus,
  leadingEmptyLines,
  looksLikeTlsHello,
  MAX_HEAD_BYTES,
  parseRequestHead,
  requestBodyFraming,
  type RequestHead,
} from "./lib/request.ts";
import { httpDate } from "./lib/response.ts";
import { sockaddrPort, unmappedAddress } from "./lib/socket.ts";
import { isInsideRoot, resolveTarget, type TargetAnswer } from "./lib/target.ts";

// ════ Part I: the lab — one request, from the listening socket to the log line ════════════════

// ── 1. Start: settings, the certificate, two listening sockets ─────────────────────────────────

/** What the whole server shares: settings, and the open connections (both ports). */
interface Server {
  config: Config;
  /** The root after realpath: every file served must resolve to a path inside it. */
  realRoot: string;
  /** The HTTPS port actually bound (differs from the flag when the flag is 0). */
  httpsPort: number;
  /** The TLS private key's file (device, inode): never served, even from under the root. */
  keyFile?: FileIdentity;
  /** Every open connection: the watchdog checks their deadlines, shutdown waits for them. */
  open: Set<Connection>;
  /** performance.now() as of the last watchdog tick: deadlines need no finer clock. */
  clock: number;
  /** Files served recently (part 15). */
  cache: FileCache;
  /** The C library, for what Deno cannot do (part 12), or why it could not be loaded. */
  libc: CLibrary;
  /** Where access log lines go (stdout or the --log file), written in batches (part 18). */
  log: LogWriter;
  /** Counters for the summary printed at shutdown. */
  accepted: number;
  responses: number;
  stopping: boolean;
}

/** What each accept loop needs: the server, how its port speaks, and what it does. */
interface Site {
  /** Plain TCP (port 80), or TLS over TCP (port 443). */
  transport: "tcp" | "tls";
  /** Send every request to https:// (port 80), or serve the files (443; 80 with --no-redirect). */
  role: "redirect" | "files";
  server: Server;
}

/** main is the table of contents: each line sets up one thing, in the order they happen. */
async function main(): Promise<void> {
  const config = await readConfig(Deno.args); //              flags (+ a --config file) → Config
  const realRoot = await checkRoot(config.root); //           the folder to serve must exist
  await checkCgiAllowed(config); //                           --cgi needs --allow-run
  const tls = await readCertificate(config); //               PEM certificate + key, read once
  const http = listenOrExit("HTTP", config, () => Deno.listen(tcpOptions(config)));
  const https = listenOrExit("HTTPS", config, () => Deno.listenTls(tlsOptions(config, tls)));
  const libc = loadCLibrary(); //                              FFI, for calls Deno lacks
  const nagle = turnOffNagle(libc, [http.addr.port, https.addr.port]); // TLS: no Nagle (part 12)
  const log = await openLog(config.log); //                   stdout, or append to --log FILE
  const server = newServer(config, realRoot, https.addr.port, log, libc); // shared by the loops
  announce(server, http.addr, https.addr, tls.cert, nagle); // the startup banner
  setInterval(() => watchdog(server), WATCHDOG_INTERVAL_MS); // enforce the time limits
  stopOnSignals(server, [http, https]); //                    Ctrl-C: finish, then exit 0
  const plainRole = config.noRedirect ? "files" : "redirect";
  await Promise.all([ //                                      two accept loops, one per port
    acceptLoop(http, { transport: "tcp", role: plainRole, server }),
    acceptLoop(https, { transport: "tls", role: "files", server }),
  ]);
}

/** Deno.listen is socket() + bind() + listen() in one call, with SO_REUSEADDR set, so that a
 * restart does not fail with "Address already in use" while old connections sit in TIME_WAIT. */
function tcpOptions(config: Config): Deno.TcpListenOptions {
  return { hostname: config.hostname, port: config.httpPort };
}

/** The TLS port: our certificate and key, and ALPN (RFC 7301), where client and server agree on
 * the protocol inside TLS; we speak HTTP/1.1 only, so we offer only "http/1.1". */
function tlsOptions(
  config: Config,
  tls: Certificate,
): Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem {
  return { ...tls, hostname: config.hostname, port: config.httpsPort, alpnProtocols: ["http/1.1"] };
}

// ── 2. Accept: two loops, one task per connection ──────────────────────────────────────────────

/** acceptLoop takes the connections of one listening socket: accept() returns once the kernel
 * has finished a TCP three-way handshake with a client. The connection's task is not awaited,
 * so a slow client never stops the loop; the two loops share one thread, and every `await`
 * hands it to whichever socket is ready, as select() or epoll would in C. */
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
      await acceptFailed(listener, error); // part 13: a client that left, or no descriptors
      continue;
    }
    server.accepted++;
    serveConnection(conn, site); // not awaited: one task per connection
  }
}

/** How often the watchdog looks for connections past their deadline. */
const WATCHDOG_INTERVAL_MS = 250;

/** The watchdog enforces every time limit with one timer: a connection past the deadline of what
 * it waits on is closed, which makes its pending read or write fail at once. Without it, a client
 * that sends half a request and waits ("slowloris") would hold a socket and memory forever. */
function watchdog(server: Server): void {
  const now = server.clock = performance.now();
  for (const c of server.open) {
    if (c.closed || c.deadline > now) continue; // closed: already said, its task ends soon
    if (!["the next request", "the client to close", "nothing"].includes(c.waitingFor)) {
      console.error(`tinyhttps: closed ${c.client}: no progress on ${c.waitingFor} in time`);
    }
    c.timedOut = true;
    close(c);
  }
  giveMemoryBack(server); // part 15: after a burst, once the server is quiet
}

// ── 3. One connection: requests in order, until one side closes ────────────────────────────────

/** The state of one connection. */
interface Connection {
  conn: Deno.TcpConn | Deno.TlsConn;
  site: Site;
  /** The client's address (for the log), and ours (the redirect's host if a request has none). */
  client: string;
  local: string;
  /** Bytes read but not used yet: the rest of a pipelined request waits here for its turn. */
  buffer: Uint8Array;
  filled: number;
  /** Where a small response is put together before its one write, reused (see streamBody()). */
  out: Uint8Array;
  /** Requests read so far; the request line being answered ("-" if none could be read). */
  requests: number;
  requestLine: string;
  /** Why the body was left unread, if it was: its end is unknown, so we close after (part 14). */
  bodyUnread?: "chunked" | "too large";
  /** Bytes of this response sent so far, and how many were its head. Once one byte has gone,
   * a failure can no longer be answered, only end the connection. */
  sent: number;
  headBytes: number;
  /** What we wait for now, since when and until when (performance.now() ms): see watchdog(). */
  waitingFor: Waiting;
  since: number;
  deadline: number;
  timedOut: boolean;
  closed: boolean;
}

/** What a connection can wait for. Only the first five mean the client misbehaves when they
 * take too long; an idle or lingering connection that times out is simply closed. */
type Waiting =
  | "the TLS handshake"
  | "a request head"
  | "a request body"
  | "the file system"
  | "the client to take our bytes"
  | "the next request"
  | "the client to close"
  | "nothing";

/** How a connection ends: "gently" when we chose to close (see closeConnection()), else "at once". */
type Ending = "gently" | "at once";

/** What a connection does after a response. */
type AfterReply = "next request" | "close";

/** serveConnection runs one connection from accept() to close(); what goes wrong stays inside. */
async function serveConnection(conn: Deno.TcpConn | Deno.TlsConn, site: Site): Promise<void> {
  const c = newConnection(conn, site);
  const { open } = site.server;
  const overLimit = isOverLimit(site); // part 13: the connection limit
  open.add(c);
  if ("setNoDelay" in conn) conn.setNoDelay(true); // send small writes at once (part 12)
  let ending: Ending = "at once";
  try {
    if (site.transport === "tls" && !(await handshake(c, conn as Deno.TlsConn))) return;
    ending = overLimit ? await refuseBusy(c) : await answerRequests(c);
  } catch (error) {
    reportConnectionError(c, error);
  } finally {
    await closeConnection(c, ending);
    open.delete(c);
  }
}

function newConnection(conn: Deno.TcpConn | Deno.TlsConn, site: Site): Connection {
  return {
    conn,
    site,
    client: unmappedAddress((conn.remoteAddr as Deno.NetAddr).hostname), // IPv4 shown as IPv4
    local: unmappedAddress((conn.localAddr as Deno.NetAddr).hostname),
    buffer: new Uint8Array(FIRST_BUFFER_BYTES), // grows for a larger head (part 15)
    filled: 0,
    out: new Uint8Array(FIRST_BUFFER_BYTES), // grows for a larger answer (part 15)
    requests: 0,
    requestLine: "-",
    sent: 0,
    headBytes: 0,
    waitingFor: "nothing",
    since: site.server.clock,
    deadline: Infinity,
    timedOut: false,
    closed: false,
  };
}

/** The TLS handshake (RFC 8446 §2), run here under its own deadline rather than lazily by the
 * first read, so that a failed one is named as one. Returns whether it succeeded. */
async function handshake(c: Connection, conn: Deno.TlsConn): Promise<boolean> {
  setDeadline(c, "the TLS handshake", c.site.server.config.handshakeTimeoutMs);
  try {
    const agreed = await conn.handshake(); // what ALPN chose: --trace shows it (part 20)
    if (c.site.server.config.trace) traceHandshake(c, agreed);
    return true;
  } catch (error) {
    if (!c.closed) { // if closed, the watchdog has said why already
      const hint = String(error).includes("InvalidContentType")
        ? " (plain HTTP sent to the HTTPS port?)"
        : "";
      console.error(`tinyhttps: TLS handshake with ${c.client} failed: ${errorText(error)}${hint}`);
    }
    return false;
  }
}

/** answerRequests answers a connection's requests in the order they arrive (RFC 9112 §9.3.2: "A
 * server MUST send its responses to those requests in the same order that the requests were
 * received"), until the client closes, an answer closes, or a deadline passes. */
async function answerRequests(c: Connection): Promise<Ending> {
  const server = c.site.server;
  while (!server.stopping && c.requests < MAX_REQUESTS_PER_CONNECTION) {
    const answer = await readRequestHead(c);
    if (answer === undefined) return "at once"; // the client closed, or a deadline passed
    c.requests++;
    const after = await answerRequest(c, answer);
    server.responses++;
    if (after === "close") return "gently";
  }
  return "at once";
}

/** setDeadline says what the connection waits for now, and for how long the watchdog lets it. It
 * reads the watchdog's clock, not the system's: a deadline may fire up to one tick early, and
 * setting one costs no system call. */
function setDeadline(c: Connection, what: Waiting, ms: number): void {
  if (what !== c.waitingFor) c.since = c.site.server.clock;
  c.waitingFor = what;
  c.deadline = c.site.server.clock + ms;
}

/** A client that leaves is normal (a video player aborts a response on every seek), and the
 * watchdog has reported what it closed: both end quietly; anything else is printed. */
function reportConnectionError(c: Connection, error: unknown): void {
  if (c.timedOut || c.closed || isClientGone(error)) return;
  console.error(`tinyhttps: connection from ${c.client} ended: ${errorText(error)}`);
}

/** After we decide to close, how long we keep reading what the client still sends. */
const LINGER_MS = 2_000;

/** Closing sends a FIN (over TLS, a close_notify alert first). When we chose to close, RFC 9112
 * §9.6 asks us to shut down our writing half (shutdown(fd, SHUT_WR) in C), then read and discard
 * a while: closing on unread bytes sends a RST, which can destroy the response not yet read. */
async function closeConnection(c: Connection, ending: Ending): Promise<void> {
  if (c.closed) return;
  if (ending === "gently") {
    try {
      setDeadline(c, "the client to take our bytes", c.site.server.config.sendTimeoutMs);
      await c.conn.closeWrite();
      setDeadline(c, "the client to close", LINGER_MS); // quiet: nothing is lost when it expires
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

/** readRequestHead reads until the buffer holds a whole head (up to its empty line), and parses
 * it. TCP carries bytes, not messages: one read may return half a request line, or two requests.
 * The next request's first byte may take `--idle-timeout`, the rest of its head `--header-timeout`.
 * Returns undefined when the client closed (read() returns null: its FIN) or a deadline passed. */
async function readRequestHead(c: Connection): Promise<HeadAnswer | undefined> {
  const { idleTimeoutMs, headerTimeoutMs } = c.site.server.config;
  if (c.filled === 0) setDeadline(c, "the next request", idleTimeoutMs);
  else setDeadline(c, "a request head", headerTimeoutMs);
  try {
    let searched = 0;
    for (;;) {
      const end = findHeadEnd(c.buffer, searched, c.filled);
      if (end !== -1) return takeHead(c, end);
      if (c.filled === c.buffer.length && !grewHeadBuffer(c)) return tooLarge(c); // part 15
      searched = Math.max(0, c.filled - 2); // the empty line may straddle two reads
      const n = await c.conn.read(c.buffer.subarray(c.filled));
      if (n === null) return undefined;
      if (c.filled === 0) setDeadline(c, "a request head", headerTimeoutMs);
      c.filled += n;
      if (c.site.transport === "tcp" && startsTls(c)) return undefined; // part 9: TLS on port 80
    }
  } catch (error) {
    if (c.closed) return undefined; // the watchdog or shutdown closed the socket under our read
    throw error;
  } finally {
    setDeadline(c, "nothing", Infinity);
  }
}

/** Parses the head at the front of the buffer and moves any bytes after it to the front. */
function takeHead(c: Connection, end: number): HeadAnswer {
  const answer = parseRequestHead(c.buffer.subarray(0, end));
  if (c.site.server.config.trace) traceReceived(c, end); // part 20: --trace
  c.buffer.copyWithin(0, end, c.filled);
  c.filled -= end;
  c.requestLine = answer.kind === "head" ? answer.head.requestLine : answer.requestLine ?? "-";
  return answer;
}

function tooLarge(c: Connection): HeadAnswer {
  const status = headTooLargeStatus(c.buffer, c.filled);
  c.filled = 0;
  c.requestLine = "-";
  const reason = `the request head is larger than ${MAX_HEAD_BYTES} bytes`;
  return { kind: "error", status, reason };
}

/** answerRequest answers one request. A head we cannot parse gets its error status, and then the
 * connection closes (frameReply closes when there is no head): where would the next one start? */
async function answerRequest(c: Connection, answer: HeadAnswer): Promise<AfterReply> {
  c.sent = 0;
  c.bodyUnread = undefined;
  if (answer.kind === "error") return writeReply(c, statusReply(answer.status, answer.reason));
  const head = answer.head;
  const bodyOrError = await readRequestBody(c, head); // part 14: the bytes, or a 400 or 501
  if (bodyOrError === "client left") return "close";
  if (!(bodyOrError instanceof Uint8Array)) return writeReply(c, closing(bodyOrError), head);
  try {
    return await route(c, head, bodyOrError);
  } catch (error) {
    if (isClientGone(error) || c.sent > 0) throw error;
    // An unexpected failure before any byte of the answer left: RFC 9110 §15.6.1, 500.
    console.error(`tinyhttps: 500 for "${printable(head.requestLine)}": ${errorText(error)}`);
    const reason = "The server failed while answering; see its log.";
    return writeReply(c, closing(statusReply(500, reason)), head);
  }
}

// ── 5. Route: port 80 redirects, port 443 finds the file ───────────────────────────────────────

/** route sends a request where its port, method and target say, and writes the Reply. Plain HTTP
 * can be read and changed by anyone on the way, so port 80 serves nothing: it tells the client
 * where the same resource is on https:// (redirectReply). */
function route(c: Connection, head: RequestHead, body: Uint8Array): Promise<AfterReply> {
  const { config, httpsPort } = c.site.server;
  if (c.site.role === "redirect") {
    return writeReply(c, redirectReply(head, httpsPort, c.local), head);
  }
  const target = resolveTarget(head.target, config.dotfiles);
  const program = config.cgi ? cgiProgram(target) : undefined; // part 17: CGI, any method
  if (program !== undefined) return runCgi(c, head, program, body);
  const refusal = methodRefusal(head.method);
  if (refusal !== undefined) return writeReply(c, refusal, head);
  if (target.kind === "error") {
    return writeReply(c, statusReply(target.status, target.reason), head);
  }
  return serveFile(c, head, target);
}

// ── 6. Port 443: from the target to a file, and its Reply ──────────────────────────────────────

/** The file a directory URL ("/", "/dir/") serves. */
const INDEX_FILE = "index.html";

/** A file found under the root: its real path, the facts its Reply depends on, and the handle
 * lookUp() opened, its bytes read from it; or, for a small file the cache keeps, its bytes. */
interface FoundFile {
  path: string;
  facts: FileFacts;
  handle?: FileHandle;
  bytes?: Uint8Array;
}

/** What looking a path up on disk can find. */
type Lookup =
  | { kind: "file"; file: FoundFile }
  | { kind: "directory" }
  | { kind: "missing" }
  | { kind: "forbidden" };

/** serveFile finds the file a target names, and answers with fileReply's Reply for it. */
async function serveFile(
  c: Connection,
  head: RequestHead,
  target: { path: string; directory: boolean; query: string },
): Promise<AfterReply> {
  const { config, realRoot, cache } = c.site.server;
  const wanted = fileFor(realRoot, target.path, target.directory);
  setDeadline(c, "the file system", FILE_SYSTEM_TIMEOUT_MS); // a disk that hangs (NFS, FUSE)
  const cached = cachedFile(cache, wanted) ?? await checkedFile(cache, wanted); // part 15: cache
  const found = cached ?? await lookUp(wanted, c.site.server);
  if (found.kind !== "file") {
    const listed = found.kind === "missing" && target.directory && config.list;
    if (listed) return listDirectory(c, head, target.path); // part 16: --list
    return writeReply(c, noFileReply(found.kind, target), head);
  }
  try {
    if (cached === undefined) await remember(cache, wanted, found.file); // part 15: for next time
    const boundary = crypto.randomUUID(); // of a multipart body: random, so not in the file
    const reply = fileReply(head, found.file.facts, Date.now(), boundary);
    if (config.trace) traceRangeOf(c, head, reply, found.file.facts.size); // part 20: --trace
    return await writeReply(c, reply, head, found.file);
  } finally {
    letGo(cache, found.file); // part 15: closes the handle, unless the cache keeps it
  }
}

/** The file a resolved target names: "dir/" serves "dir/index.html". resolveTarget() removed
 * every "." and ".." and refused "/" inside a name, so plain concatenation is safe here. */
function fileFor(realRoot: string, path: string, directory: boolean): string {
  const named = path === "" ? realRoot : `${realRoot}/${path}`;
  return directory ? `${named}/${INDEX_FILE}` : named;
}

/** lookUp opens a file and checks what it opened, not the name: between a check of a name and
 * an open of it, the name can be swapped for a symlink out of the root or a FIFO; an open file
 * cannot. Deno.realPath() first refuses a symlink that leads out before anything is opened; then the
 * handle says what it is (fstat) and where (part 12): a regular file inside the root. */
async function lookUp(wanted: string, server: Server): Promise<Lookup> {
  let handle: FileHandle | undefined;
  try {
    const real = await Deno.realPath(wanted);
    if (!isInsideRoot(real, server.realRoot)) return { kind: "missing" }; // say nothing of it
    // As open(2) in C: read only, no symlink as the last name, no waiting for a FIFO's writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const where = openFilePath(server.libc, handle.fd) ?? real; // part 12: the handle's path
    const info = await handle.stat(); // fstat(2)
    if (!isInsideRoot(where, server.realRoot)) return { kind: "missing" };
    if (info.isDirectory()) return { kind: "directory" };
    if (!info.isFile()) return { kind: "forbidden" }; // a FIFO or a device: never ends
    if (isKeyFile(real, info, server.keyFile)) return { kind: "missing" }; // part 9: the TLS key
    const facts = fileFacts(real, info, Date.now()); // now: Last-Modified may not be later
    const file = { path: real, facts, handle };
    handle = undefined; // now serveFile's to close
    return { kind: "file", file };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    // Nothing there, a file used as a folder, a name too long for any file (255 bytes on Linux),
    // symlinks in a loop (or one swapped in: O_NOFOLLOW). RFC 9110 §15.5.5: 404.
    if (["ENOENT", "ENOTDIR", "ENAMETOOLONG", "ELOOP"].includes(code)) return { kind: "missing" };
    if (code === "EACCES" || code === "EPERM") return { kind: "forbidden" };
    throw error;
  } finally {
    await handle?.close();
  }
}

// ── 7. Write the reply: the head, then the body streamed from disk ─────────────────────────────

/** Bytes moved per read from a file and per write to a socket: a video streams in few system
 * calls, and 100 clients cost 100 × 256 KiB at most. */
const CHUNK_SIZE = 256 * 1024;
/** A response up to this size (TLS's largest record) is put together in the connection's own
 * buffer; a larger one gets a buffer of its own, up to CHUNK_SIZE, while it is sent. */
const OUT_BYTES = 16 * 1024;

const encoder = new TextEncoder();

/** writeReply is the one place a response is written: frameReply (lib/reply.ts) adds the fields
 * every response carries and decides the framing, streamBody sends it, and once a byte has left
 * it is logged (`head` is undefined when no request could be read; `file` holds byte ranges). */
async function writeReply(
  c: Connection,
  reply: Reply,
  head?: RequestHead,
  file?: FoundFile,
): Promise<AfterReply> {
  const framed = frameReply(c.bodyUnread ? closing(reply) : reply, head, currentDate());
  // Errors are printed with their reason; 404s are everyday (a browser asks for /favicon.ico).
  if (reply.reason !== undefined && reply.status >= 400 && reply.status !== 404) {
    console.error(`tinyhttps: ${reply.status} to ${c.client}: ${printable(reply.reason)}`);
  }
  if (c.site.server.config.trace) traceSent(c, framed.head); // part 20: --trace
  const out = bufferFor(c, framed); // the connection's own, or for a large one a lent one (part 15)
  try {
    await streamBody(c, framed, out, file);
  } finally {
    if (out !== c.out) giveBack(c.site.server.cache, out); // part 15: for the next large body
    if (c.sent > 0) logResponse(c, reply.status, Math.max(0, c.sent - c.headBytes));
  }
  return framed.close ? "close" : "next request";
}

/** streamBody sends the head and the body through one buffer, `out`, of at most CHUNK_SIZE bytes
 * (a 4 GiB video costs the memory of a small page; a small answer leaves in one write). Awaiting
 * each write is the backpressure: while the client reads slowly, write() waits, the file unread. */
async function streamBody(c: Connection, framed: Framed, out: Uint8Array, file?: FoundFile) {
  let used = await putHead(c, out, framed.head);
  for (const part of framed.body) { // the reply's own bytes, or byte ranges of the file
    if (part instanceof Uint8Array) used = await gather(c, out, used, part);
    else if (file?.bytes) {
      used = await gather(c, out, used, file.bytes.subarray(part.first, part.last + 1));
    } else used = await copyRange(c, out, used, file!.handle!, part); // from disk
  }
  if (used > 0) await writeAll(c, out.subarray(0, used));
}

/** Puts the head at the start of the buffer (encodeInto reports how much of it fitted), or sends
 * it on its own if it does not fit; returns how full the buffer is. */
async function putHead(c: Connection, out: Uint8Array, head: string): Promise<number> {
  const put = encoder.encodeInto(head, out);
  c.headBytes = put.written;
  if (put.read === head.length) return put.written;
  const bytes = encoder.encode(head);
  c.headBytes = bytes.length;
  await writeAll(c, bytes);
  return 0;
}

/** Adds bytes to the buffer, writing the buffer out first when they do not fit; bytes larger
 * than the whole buffer are written as they are. Returns how full the buffer is now. */
async function gather(c: Connection, out: Uint8Array, used: number, bytes: Uint8Array) {
  if (used + bytes.length > out.length && used > 0) {
    await writeAll(c, out.subarray(0, used));
    used = 0;
  }
  if (bytes.length > out.length) {
    await writeAll(c, bytes);
    return 0;
  }
  out.set(bytes, used);
  return used + bytes.length;
}

/** Copies one range of the open file to the socket through the buffer: each read says where it
 * reads from (pread(2) in C), so no seek is needed; what is in memory already is copied at once. */
async function copyRange(
  c: Connection,
  out: Uint8Array,
  used: number,
  handle: FileHandle,
  part: ByteRange,
): Promise<number> {
  for (let at = part.first; at <= part.last;) {
    if (used === out.length) {
      await writeAll(c, out);
      used = 0;
    }
    setDeadline(c, "the file system", FILE_SYSTEM_TIMEOUT_MS);
    const into = out.subarray(used, used + Math.min(part.last + 1 - at, out.length - used));
    const bytesRead = readCached(c.site.server.libc, handle.fd, into, at) || // part 12: no wait
      (await handle.read(into, 0, into.length, at)).bytesRead; // else the disk, on a helper thread
    if (bytesRead === 0) throw new Error("the file shrank while it was being sent");
    used += bytesRead;
    at += bytesRead;
  }
  return used;
}

/** write() may accept fewer bytes than offered (a full socket buffer): loop until all are sent. */
async function writeAll(c: Connection, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    setDeadline(c, "the client to take our bytes", c.site.server.config.sendTimeoutMs);
    const n = await c.conn.write(bytes.subarray(done));
    done += n;
    c.sent += n;
  }
  setDeadline(c, "nothing", Infinity);
}

// ── 8. Log the response ────────────────────────────────────────────────────────────────────────

/** One line per response, in the Common Log Format (accessLogLine), unless --quiet. */
function logResponse(c: Connection, status: number, bytes: number): void {
  const { config } = c.site.server;
  if (config.quiet) return;
  const line = accessLogLine({
    client: c.client,
    timeMs: Date.now(),
    requestLine: c.requestLine,
    status,
    bytes,
  });
  queueLogLine(c.site.server, line); // part 18: lines are written in batches
}

// ════ Part II: beyond the lab — one section per feature, each reached from one line of Part I ══

// ── 9. Starting up: the settings, the root, the certificate, and clear errors ──────────────────

/** The settings: the command line, after the Key=Value lines of a --config file if one is named,
 * so that a flag typed on the command line wins. */
async function readConfig(args: string[]): Promise<Config> {
  let answer = parseConfig(args);
  if (answer.kind === "config" && answer.config.configFile !== "") {
    answer = await withConfigFile(answer.config.configFile, args); // the config file, below
  }
  switch (answer.kind) {
    case "config":
      return dualStackOrIPv4(answer.config);
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

/** The default "::" listens on IPv6 and IPv4 at once, but needs IPv6 in the kernel: where it is
 * turned off, listening on every IPv4 address ("0.0.0.0") is the next best. */
function dualStackOrIPv4(config: Config): Config {
  if (config.hostname !== "::") return config;
  try {
    Deno.listen({ hostname: "::", port: 0 }).close();
    return config;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return config; // listenOrExit will say so
    console.error(`tinyhttps: no IPv6 here (${errorText(error)}): listening on IPv4 only`);
    return { ...config, hostname: "0.0.0.0" };
  }
}

/** Startup errors are fatal and say what to do: the server cannot serve without its settings. */
function exitWith(message: string): never {
  console.error(`tinyhttps: ${message}`);
  Deno.exit(1);
}

/** The errors of a client that left, or of a socket we closed under a read: nothing to report. */
function isClientGone(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}

/** A one-line description of an error for the console: its class and message, never a stack. */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function checkRoot(root: string): Promise<string> {
  try {
    const realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) exitWith(`The root ${root} is not a folder`);
    return realRoot;
  } catch (error) {
    return exitWith(`Cannot serve the root folder ${root}: ${errorText(error)}`);
  }
}

interface Certificate {
  cert: string;
  key: string;
}

async function readCertificate(config: Config): Promise<Certificate> {
  const cert = await readPem("certificate", config.cert);
  const key = await readPem("key", config.key);
  return { cert, key };
}

async function readPem(what: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    return exitWith(
      `Cannot read the TLS ${what} ${path}: ${errorText(error)}. ` +
        `Make a new pair with "deno task certs", or pass --cert FILE --key FILE.`,
    );
  }
}

/** A TLS ClientHello on the plain port (https:// with port 80, or a browser that was told to
 * use TLS there) would wait in silence for an empty line that never comes: say so and close. */
function startsTls(c: Connection): boolean {
  if (!looksLikeTlsHello(c.buffer, c.filled)) return false;
  console.error(`tinyhttps: ${c.client} began TLS on the plain HTTP port; closed (use https://)`);
  return true;
}

function listenOrExit<L extends Deno.Listener>(what: string, config: Config, listen: () => L): L {
  try {
    return listen();
  } catch (error) {
    return exitWith(`Cannot listen for ${what}: ${errorText(error)}${listenHint(error, config)}`);
  }
}

/** What a student can do about a socket that cannot listen, or a certificate Deno refuses. */
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

function newServer(
  config: Config,
  realRoot: string,
  httpsPort: number,
  log: LogWriter,
  libc: CLibrary,
): Server {
  return {
    config,
    realRoot,
    httpsPort,
    keyFile: fileIdentity(config.key),
    open: new Set<Connection>(),
    clock: performance.now(),
    cache: {
      files: new Map(),
      bytes: 0,
      openFiles: new Set(),
      users: new Map(),
      buffers: [],
      responsesSeen: 0,
      lastBusy: 0,
      givenBack: GIVE_BACK_TIMES, // nothing to give back yet
    },
    libc,
    log,
    accepted: 0,
    responses: 0,
    stopping: false,
  };
}

/** A file as the file system knows it (device and inode: hard links and symlinks share them),
 * and the real path it had at startup (a key replaced there later has a new inode). */
interface FileIdentity {
  dev: number;
  ino: number;
  realPath: string;
}

function fileIdentity(path: string): FileIdentity | undefined {
  try {
    const info = Deno.statSync(path);
    if (info.dev === null || info.ino === null) return undefined;
    return { dev: info.dev, ino: info.ino, realPath: Deno.realPathSync(path) };
  } catch {
    return undefined;
  }
}

/** The lab's handout keeps its key in keys/ of the folder the server runs from: served as a
 * file, it would let anyone decrypt recorded traffic and pose as the server. */
function isKeyFile(
  real: string,
  info: { dev: number; ino: number },
  key: FileIdentity | undefined,
): boolean {
  if (key === undefined) return false;
  return real === key.realPath || (info.dev === key.dev && info.ino === key.ino);
}

// ── 10. The config file (--config) ─────────────────────────────────────────────────────────────

/** Seed 001's `/etc/myhttpd.conf`: Key=Value lines (parseConfigFile) become flags placed before
 * the command line's own, so that a flag typed there wins. */
async function withConfigFile(path: string, args: string[]): Promise<ConfigAnswer> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    return exitWith(`Cannot read the config file ${path}: ${errorText(error)}`);
  }
  const file = parseConfigFile(text);
  if (file.kind === "error") exitWith(`In the config file ${path}, ${file.message}`);
  return parseConfig([...file.flags, ...args]);
}

// ── 11. The startup banner ─────────────────────────────────────────────────────────────────────

/** The startup banner: where to point a browser (every address of this host on both ports, so
 * h1 in the lab prints https://10.0.0.1/), what is served, which certificate, how to stop. */
function announce(
  server: Server,
  http: Deno.NetAddr,
  https: Deno.NetAddr,
  cert: string,
  nagle: string,
): void {
  let certificate = "?";
  let expiresMs = NaN;
  try {
    const x509 = new X509Certificate(cert);
    certificate = x509.subject.replaceAll("\n", ", ");
    expiresMs = Date.parse(x509.validTo);
  } catch { /* Deno's TLS accepted it, so it is fine; we just cannot describe it */ }
  warnIfKeyUnderRoot(server.config, server.realRoot);
  console.log(startupBanner({
    root: server.realRoot,
    addresses: listeningAddresses(https.hostname),
    httpPort: http.port,
    httpsPort: https.port,
    redirect: !server.config.noRedirect,
    certificate,
    expiresMs,
    nowMs: Date.now(),
    nagle,
  }));
}

/** Says so at startup when the key lies under the root: it is never served, but should move. */
function warnIfKeyUnderRoot(config: Config, realRoot: string): void {
  let realKey: string;
  try {
    realKey = Deno.realPathSync(config.key);
  } catch {
    return; // Deno's TLS read it, so it exists; without read access to its path, say nothing
  }
  if (!isInsideRoot(realKey, realRoot)) return;
  console.error(
    `tinyhttps: warning: the TLS key ${config.key} lies under the root ${realRoot}. It is never ` +
      "served, but keep it outside the folder you serve (and out of reach of CGI programs).",
  );
}

/** The addresses a client can use: when listening on every address ("::" or "0.0.0.0"), this
 * host's IPv4 addresses, and for "::" its IPv6 ones but the link-local (which need an interface
 * name in a URL). Deno.networkInterfaces needs --allow-sys=networkInterfaces; without it, the
 * listening address itself is shown. */
function listeningAddresses(hostname: string): string[] {
  if (hostname !== "::" && hostname !== "0.0.0.0") return [hostname];
  try {
    const found = Deno.networkInterfaces().filter((i) =>
      i.family === "IPv4" || (hostname === "::" && !i.address.toLowerCase().startsWith("fe80"))
    ).map((i) => i.address);
    return found.length > 0 ? [...new Set(found)] : [hostname];
  } catch {
    return [hostname];
  }
}

// ── 12. The C library (FFI): Nagle off for TLS, where an open file is, reads that never wait ───

/** The C functions we call, with their C types (<sys/socket.h>, <unistd.h>, <malloc.h>). */
const C_CALLS = {
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  preadv2: { parameters: ["i32", "buffer", "i32", "i64", "i32"], result: "isize" },
  memset: { parameters: ["buffer", "i32", "usize"], result: "usize" },
  malloc_trim: { parameters: ["usize"], result: "i32" }, // part 15: memory back when quiet
} as const;
/** The C library's functions, or why we could not load them. */
type CLibrary = Deno.DynamicLibrary<typeof C_CALLS>["symbols"] | string;
/** The Linux values of the constants those calls take (<sys/socket.h>, <netinet/tcp.h>). */
const SOL_SOCKET = 1;
const SO_ACCEPTCONN = 30;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const RWF_NOWAIT = 8; // <linux/fs.h>

/** Loads the C library once, for the life of the server, through Deno's FFI, which needs
 * --allow-ffi=/lib; without it, both uses below are skipped and the banner says so. */
function loadCLibrary(): CLibrary {
  const path = `/lib/${Deno.build.arch}-linux-gnu/libc.so.6`; // Debian and Ubuntu put it here
  if (Deno.build.os !== "linux") return "the C calls of part 12 are Linux's";
  if (Deno.permissions.querySync({ name: "ffi", path }).state !== "granted") {
    return `give --allow-ffi=/lib to make them (${path})`;
  }
  try {
    return Deno.dlopen(path, C_CALLS).symbols;
  } catch (error) {
    return `cannot load ${path}: ${errorText(error)}`;
  }
}

/** Deno can turn Nagle's algorithm off on a TCP connection (setNoDelay) but not on a TLS one, and
 * Linux copies a listening socket's options to the sockets accept() returns: so we call
 * setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1) once per listening socket (LESSON.md part 12 says
 * why it matters). Returns what the banner says about it. */
function turnOffNagle(libc: CLibrary, ports: number[]): string {
  if (typeof libc === "string") {
    return `Nagle on for TLS, and open files' paths not checked: ${libc}`;
  }
  const yes = new Uint8Array(new Int32Array([1]).buffer);
  const done = listeningSockets(libc, ports).filter((fd) =>
    libc.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, yes, yes.length) === 0
  );
  return done.length === ports.length
    ? "TCP_NODELAY on both listening sockets (Nagle off)"
    : `Nagle on: TCP_NODELAY was set on ${done.length} of ${ports.length} listening sockets`;
}

/** Deno does not tell which file descriptor a listener has, so we ask each small one (the kernel
 * hands out the lowest free number, and a process that just started has a few dozen): is it a
 * socket (getsockname succeeds), listening (SO_ACCEPTCONN), on one of our ports? */
function listeningSockets(libc: Exclude<CLibrary, string>, ports: number[]): number[] {
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

/** openFilePath asks Linux where an open file is: /proc/self/fd/N is a link, kept by the kernel,
 * to the file descriptor N holds, wherever it has been renamed or linked from since, so no swap
 * of names can fool it. Deno reads /proc/self only with --allow-all; C's readlink(2) needs only
 * the FFI. Undefined when we cannot ask. */
function openFilePath(libc: CLibrary, fd: number): string | undefined {
  if (typeof libc === "string") return undefined;
  const link = encoder.encode(`/proc/self/fd/${fd}\0`); // a C string ends with a NUL byte
  const path = new Uint8Array(4096); // PATH_MAX, the longest path Linux hands out
  const length = Number(libc.readlink(link, path, BigInt(path.length)));
  return length > 0 && length < path.length
    ? new TextDecoder().decode(path.subarray(0, length))
    : undefined;
}

/** readCached copies bytes of an open file that are in memory already (the page cache) into
 * `into`, from offset `at`, without waiting: preadv2(2) with RWF_NOWAIT reads what it can at once
 * and, where the bytes would have to come from the disk, reads nothing (-1, EAGAIN); a file system
 * that cannot promise this refuses the flag. Returns the bytes copied; 0 says "read it the slow
 * way": Deno's file reads run on a helper thread, which never blocks the loop but costs two thread
 * switches a read, more than copying 100 KB. */
function readCached(libc: CLibrary, fd: number, into: Uint8Array, at: number): number {
  if (typeof libc === "string") return 0;
  // memset(into, 0, 0) changes nothing and returns into's address (Deno.UnsafePointer.of would
  // need --allow-ffi for every library). streamBody()'s buffers, 2 KiB and more, live outside
  // V8's heap (it keeps only arrays under 64 bytes inside), where the garbage collector moves none.
  oneIovec[0] = BigInt(libc.memset(into, 0, 0n));
  oneIovec[1] = BigInt(into.length);
  const copied = Number(libc.preadv2(fd, oneIovecBytes, 1, BigInt(at), RWF_NOWAIT));
  return Math.max(0, copied); // -1 (EAGAIN: on the disk; EOPNOTSUPP: the flag refused) is 0 too
}
/** One struct iovec { void *iov_base; size_t iov_len; }: where to copy to, and how much. */
const oneIovec = new BigUint64Array(2);
const oneIovecBytes = new Uint8Array(oneIovec.buffer); // as FFI passes a "buffer"

// ── 13. The connection limit (--max-connections) ───────────────────────────────────────────────

/** Requests served on one connection before we close it (nginx's keepalive_requests), so that
 * no client holds a connection forever; high, because a new TLS handshake is costly. */
const MAX_REQUESTS_PER_CONNECTION = 100_000;

/** How long a file may take to be opened or read: a local disk answers in milliseconds. */
const FILE_SYSTEM_TIMEOUT_MS = 10_000;

/** The most of the limit one port may hold, so that clients of one port (say, hundreds sending
 * slow heads to port 80) always leave places for the other's. */
const PORT_SHARE = 0.75;

/** Each connection costs a file descriptor and buffers: past the limit, or past its port's share
 * of it, a new one is refused, unless a connection that is doing nothing gives it its place
 * (makeRoom: of the same port, when the port is over its share). */
function isOverLimit(site: Site): boolean {
  const { open, config } = site.server;
  let onThisPort = 0;
  for (const c of open) if (c.site === site) onThisPort++;
  if (onThisPort >= Math.ceil(config.maxConnections * PORT_SHARE)) return !makeRoom(open, site);
  return open.size >= config.maxConnections && !makeRoom(open);
}

/** What a connection may be doing and still give its place to a new one, first the idlest: it
 * waits only to close, it sits between requests (or has sent nothing yet on port 80), or it
 * never started its TLS handshake. A client sending a request, or reading an answer, keeps its
 * place. */
const YIELDING: Waiting[] = ["the client to close", "the next request", "the TLS handshake"];
/** A connection yields only once it has waited this long: a new client is in its handshake, or
 * about to send its first request, for a few round trips, and must not lose its place to the
 * next newcomer (a flood of new sockets would then push out every real client). */
const YIELD_AFTER_MS = 1_000;

/** Closes the oldest connection (the Set keeps the order they came in) that does nothing, so that
 * a few hundred idle sockets — on either port — cannot lock new clients out, as nginx reuses its
 * idle keep-alive connections. Returns whether it found one. */
function makeRoom(open: Set<Connection>, site?: Site): boolean {
  for (const waiting of YIELDING) {
    for (const c of open) {
      if (c.waitingFor !== waiting || c.closed || (site && c.site !== site)) continue;
      const young = c.site.server.clock - c.since < YIELD_AFTER_MS;
      if (young && waiting !== "the client to close") continue;
      c.timedOut = true; // quiet: an idle connection loses nothing
      close(c);
      return true;
    }
  }
  return false;
}

/** accept() fails in two ways. The client may have gone already (it connected and reset at once):
 * that costs nothing, so the loop goes straight on. Or the process is out of file descriptors
 * or memory (EMFILE and friends): then it says so and breathes a moment before it tries again,
 * rather than spin. */
async function acceptFailed(
  listener: Deno.TcpListener | Deno.TlsListener,
  error: unknown,
): Promise<void> {
  const code = (error as { code?: string }).code ?? "";
  if (!["EMFILE", "ENFILE", "ENOMEM", "ENOBUFS"].includes(code)) return;
  console.error(`tinyhttps: accept on port ${listener.addr.port} failed: ${errorText(error)}`);
  await sleep(100);
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}

/** Over the limit: the 503 of busyReply, sent before reading a request (HTTP allows it), then a
 * gentle close. */
async function refuseBusy(c: Connection): Promise<Ending> {
  if (c.closed) return "at once";
  await writeReply(c, busyReply());
  return "gently";
}

// ── 14. Request bodies: read where something uses them, or left unread ─────────────────────────

/** A request body up to this size is taken off the connection, so that the next request on it can
 * be found (RFC 9112 §6.3); a larger one, or a chunked one, is left unread, and the connection
 * closes after the answer. Only a CGI program's body is kept, for its stdin: every other one is
 * read through the connection's buffer and dropped, so a body costs no memory of its own. */
const MAX_REQUEST_BODY = 1024 * 1024;

/** The body of a request that has none, or whose body nobody needs: one shared empty array. */
const NO_BODY = new Uint8Array(0);

/** readRequestBody takes the body a head announces (requestBodyFraming) off the connection,
 * keeping it only for a CGI program, or marks it unread; an invalid framing gets its error Reply. */
async function readRequestBody(
  c: Connection,
  head: RequestHead,
): Promise<Uint8Array | Reply | "client left"> {
  const framing = requestBodyFraming(head);
  switch (framing.kind) {
    case "error":
      return statusReply(framing.status, framing.reason);
    case "none":
      return NO_BODY;
    case "chunked":
      c.bodyUnread = "chunked";
      return NO_BODY;
    case "length": {
      if (framing.length > MAX_REQUEST_BODY) {
        c.bodyUnread = "too large";
        return NO_BODY;
      }
      const kept = goesToCgi(c, head) ? new Uint8Array(framing.length) : undefined;
      return await takeBody(c, framing.length, kept) ? kept ?? NO_BODY : "client left";
    }
    default: {
      const unreachable: never = framing;
      return unreachable;
    }
  }
}

/** Whether route() will hand this request to a CGI program (which then reads the body). */
function goesToCgi(c: Connection, head: RequestHead): boolean {
  const { config } = c.site.server;
  if (!config.cgi || c.site.role !== "files") return false;
  return cgiProgram(resolveTarget(head.target, config.dotfiles)) !== undefined;
}

/** Takes a body of `length` bytes off the connection (some may be in the buffer already, behind
 * the head), copying them into `kept` if given; false if the client closed first. */
async function takeBody(c: Connection, length: number, kept?: Uint8Array): Promise<boolean> {
  let got = 0;
  setDeadline(c, "a request body", c.site.server.config.headerTimeoutMs);
  for (;;) {
    const used = Math.min(length - got, c.filled);
    kept?.set(c.buffer.subarray(0, used), got);
    c.buffer.copyWithin(0, used, c.filled);
    c.filled -= used;
    got += used;
    if (got === length) break;
    const n = await c.conn.read(c.buffer);
    if (n === null) return false;
    c.filled = n;
  }
  setDeadline(c, "nothing", Infinity); // the body is in: what follows has its own deadlines
  // RFC 9112 §2.2: a client may send CRLF after a body; it must not make the connection look busy.
  const blank = leadingEmptyLines(c.buffer, c.filled);
  c.buffer.copyWithin(0, blank, c.filled);
  c.filled -= blank;
  return true;
}

// ── 15. Kept for the next request: small files' bytes, open handles, send buffers ──────────────

/** Files up to this size are kept in memory, at most CACHE_MAX_BYTES of them in all. */
const SMALL_FILE_MAX = 64 * 1024;
const CACHE_MAX_BYTES = 32 * 1024 * 1024;
const CACHE_MAX_FILES = 4096;
/** Bigger files keep the handle lookUp() opened and checked, at most this many (nginx's
 * open_file_cache), each closed once it has not been asked for in CACHE_IDLE_MS. */
const CACHE_MAX_OPEN_FILES = 64;
const CACHE_IDLE_MS = 60_000;

/** The files served recently, by the path asked for: a small one with its bytes, a bigger one
 * with its open handle. */
interface FileCache {
  files: Map<string, CacheEntry>;
  bytes: number;
  /** The paths whose entry holds an open handle. */
  openFiles: Set<string>;
  /** How many requests are sending from each handle the cache holds or held: a handle is closed
   * only when no request uses it any more, or another file could get its descriptor number. */
  users: Map<FileHandle, number>;
  /** CHUNK_SIZE buffers that large responses were sent through, for the next ones. */
  buffers: Uint8Array[];
  /** server.responses when the watchdog last saw it change, and its clock then; and how many
   * times the memory has been given back since (giveMemoryBack). */
  responsesSeen: number;
  lastBusy: number;
  givenBack: number;
}

interface CacheEntry {
  found: { kind: "file"; file: FoundFile };
  /** When the file was last found unchanged (Date.now() ms as that stat began; isUnchanged). */
  checkedMs: number;
  /** The check under way, if one is: the requests that arrive meanwhile wait for its answer. */
  check?: Promise<boolean>;
}

/** The cache answers for a path in two steps, each with what lookUp() found for it, if the path
 * still names the file that was opened, unchanged. A name swapped for a symlink leads to another
 * inode, so to a fresh lookUp(). cachedFile answers at once if the file was checked in this very
 * millisecond: the ETag cannot tell two versions within one millisecond apart anyway, and a hit
 * that awaits nothing costs no turn of the event loop (64 clients: 9% more requests a second). */
function cachedFile(cache: FileCache, wanted: string): Lookup | undefined {
  const entry = cache.files.get(wanted);
  if (entry === undefined || entry.checkedMs !== Date.now()) return undefined;
  return use(cache, entry);
}

/** checkedFile checks the file by its name first: one stat (size, modification time, inode: the
 * ETag) instead of the calls of a lookup. LESSON.md part 15 weighs what this misses. */
async function checkedFile(cache: FileCache, wanted: string): Promise<Lookup | undefined> {
  const entry = cache.files.get(wanted);
  if (entry === undefined) return undefined;
  entry.check ??= isUnchanged(entry, wanted); // one at a time: a hung disk holds one helper thread
  const unchanged = await entry.check;
  if (cache.files.get(wanted) !== entry) return undefined; // let go meanwhile: look it up afresh
  if (!unchanged) {
    forget(cache, wanted);
    return undefined;
  }
  return use(cache, entry);
}

/** A request sends from this entry: if it holds a handle, count the request as one of its users. */
function use(cache: FileCache, entry: CacheEntry): Lookup {
  const handle = entry.found.file.handle;
  if (handle !== undefined) cache.users.set(handle, (cache.users.get(handle) ?? 0) + 1);
  return entry.found;
}

/** Stats the name on Deno's helper thread, not the event loop (a network file system may take
 * seconds, and the request's file-system deadline is what ends the wait), and says whether it
 * still leads to the version that was kept. */
async function isUnchanged(entry: CacheEntry, wanted: string): Promise<boolean> {
  const startedMs = Date.now();
  try {
    const now = await Deno.stat(wanted);
    const same = strongETag(now.size, now.mtime?.getTime() ?? 0, now.ino ?? 0) ===
      entry.found.file.facts.etag;
    if (same) entry.checkedMs = startedMs;
    return same;
  } catch {
    return false; // deleted, or no longer readable: look it up afresh
  } finally {
    entry.check = undefined;
  }
}

/** remember keeps a file lookUp() opened and checked: a small one with its bytes, read from that
 * handle (never by name again: the name may lead elsewhere by now), a bigger one with the handle
 * itself. A small file that changed size while being read is not kept. */
async function remember(cache: FileCache, wanted: string, file: FoundFile): Promise<void> {
  if (file.bytes !== undefined || file.handle === undefined) return; // from the cache already
  if (file.facts.size > SMALL_FILE_MAX) return keepOpen(cache, wanted, file);
  const bytes = new Uint8Array(file.facts.size + 1); // one more: a file that grew reads more
  const { bytesRead } = await file.handle.read(bytes, 0, bytes.length, 0);
  if (bytesRead !== file.facts.size) return;
  file.bytes = bytes.subarray(0, bytesRead);
  const kept: FoundFile = { path: file.path, facts: file.facts, bytes: file.bytes }; // no handle
  forget(cache, wanted);
  while (
    cache.files.size > 0 &&
    (cache.files.size >= CACHE_MAX_FILES || cache.bytes + bytesRead > CACHE_MAX_BYTES)
  ) {
    forget(cache, cache.files.keys().next().value!); // the oldest entry makes room
  }
  cache.files.set(wanted, { found: { kind: "file", file: kept }, checkedMs: Date.now() });
  cache.bytes += bytesRead;
}

/** Keeps a big file's handle, for this request (one user) and the next ones; the handles not
 * asked for in CACHE_IDLE_MS, and the oldest beyond CACHE_MAX_OPEN_FILES, are let go. */
function keepOpen(cache: FileCache, wanted: string, file: FoundFile): void {
  forget(cache, wanted);
  const nowMs = Date.now();
  for (const path of cache.openFiles) {
    const idle = nowMs - cache.files.get(path)!.checkedMs > CACHE_IDLE_MS;
    if (idle || cache.openFiles.size >= CACHE_MAX_OPEN_FILES) forget(cache, path);
  }
  cache.files.set(wanted, { found: { kind: "file", file }, checkedMs: nowMs });
  cache.openFiles.add(wanted);
  cache.users.set(file.handle!, 1);
}

/** A request is done with its file: a handle of its own is closed; a handle of the cache's is
 * closed only if the cache has let it go meanwhile and this was its last user. */
function letGo(cache: FileCache, file: FoundFile): void {
  const handle = file.handle;
  if (handle === undefined) return;
  const users = cache.users.get(handle);
  if (users !== undefined && (users > 1 || isKept(cache, file))) {
    cache.users.set(handle, users - 1);
    return;
  }
  cache.users.delete(handle); // (if it was the cache's, its last user is done)
  handle.close().catch(() => {}); // not awaited: the answer is sent, and nothing is to report
}

function isKept(cache: FileCache, file: FoundFile): boolean {
  for (const path of cache.openFiles) if (cache.files.get(path)?.found.file === file) return true;
  return false;
}

/** Drops a path's entry; a handle nobody sends from is closed now, one in use by its last user. */
function forget(cache: FileCache, wanted: string): void {
  const file = cache.files.get(wanted)?.found.file;
  cache.bytes -= file?.bytes?.length ?? 0;
  cache.files.delete(wanted);
  cache.openFiles.delete(wanted);
  const handle = file?.handle;
  if (handle !== undefined && cache.users.get(handle) === 0) {
    cache.users.delete(handle);
    handle.close().catch(() => {}); // not awaited: nothing to wait for, and nothing to report
  }
}

/** A connection's two buffers start this small: most request heads fit (curl's is under 100
 * bytes, a browser's under 1 KiB), and so do most small answers (a redirect, an error page, a 1 KiB
 * file with its head). Each grows once, to MAX_HEAD_BYTES or OUT_BYTES, the first time a head or
 * an answer needs more, and then keeps that size (nginx reads a head into 1 KiB first, and frees
 * the larger buffers of a head that needed them once the connection waits for its next request).
 * So 512 idle connections that asked only small things hold 2 MiB of buffers, not 16. */
const FIRST_BUFFER_BYTES = 2 * 1024;

/** A head that fills the first buffer gets the whole MAX_HEAD_BYTES to end in, its bytes so far
 * copied over; false when the buffer is that size already, and the head too large. */
function grewHeadBuffer(c: Connection): boolean {
  if (c.buffer.length >= MAX_HEAD_BYTES) return false;
  const bigger = new Uint8Array(MAX_HEAD_BYTES);
  bigger.set(c.buffer.subarray(0, c.filled));
  c.buffer = bigger;
  return true;
}

/** How many send buffers are kept for reuse (4 MiB); more may be lent at once, and are freed. */
const BUFFERS_KEPT = 16;

/** A response up to OUT_BYTES is put together in the connection's own buffer, which grows to that
 * size the first time one needs it; a larger one is sent through a CHUNK_SIZE buffer that is lent,
 * and given back when it is sent: a fresh one each time would cost the memory allocator a mapping
 * and the kernel a page fault per 4 KiB, on every such response. */
function bufferFor(c: Connection, framed: Framed): Uint8Array {
  const size = framed.head.length + framed.bodyLength;
  if (size > c.out.length && size <= OUT_BYTES) c.out = new Uint8Array(OUT_BYTES);
  if (size <= c.out.length) return c.out;
  return c.site.server.cache.buffers.pop() ?? new Uint8Array(CHUNK_SIZE);
}

function giveBack(cache: FileCache, buffer: Uint8Array): void {
  if (cache.buffers.length < BUFFERS_KEPT) cache.buffers.push(buffer);
}

/** How long without a response before the server counts as quiet; and how many times, that far
 * apart, it then gives memory back. */
const QUIET_MS = 2_000;
const GIVE_BACK_TIMES = 5;

/** After a burst of requests, once the server has answered none for QUIET_MS, the memory the
 * burst used goes back to the system: the kept send buffers are dropped; V8 collects at once
 * (the global gc function, which --v8-flags=--expose-gc gives, as the tasks run it: V8 collects
 * when JavaScript allocates, and a quiet server allocates nothing, so it keeps a burst's heap);
 * and malloc_trim(3) hands the C library's free memory back (the TLS buffers of connections that
 * closed). Each round frees more (V8 keeps freed pages in a pool for a while, and gives back those
 * that have waited there long enough at the next collection), so it is done GIVE_BACK_TIMES
 * times, QUIET_MS apart; each full collection stops the server for a few milliseconds. */
function giveMemoryBack(server: Server): void {
  const { cache, libc } = server;
  if (server.responses !== cache.responsesSeen) {
    cache.responsesSeen = server.responses;
    cache.lastBusy = server.clock;
    cache.givenBack = 0;
    return;
  }
  const due = Math.floor((server.clock - cache.lastBusy) / QUIET_MS);
  if (cache.givenBack >= Math.min(due, GIVE_BACK_TIMES)) return;
  cache.givenBack++;
  cache.buffers.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  if (typeof libc !== "string") libc.malloc_trim(0n);
}

// ── 16. Folder listings (--list) ───────────────────────────────────────────────────────────────

/** A folder without index.html answers with a page listing its files (listingReply); the folder
 * must resolve inside the root like any file. Anything unreadable is a 404. */
async function listDirectory(c: Connection, head: RequestHead, path: string): Promise<AfterReply> {
  const { realRoot, config } = c.site.server;
  const entries: DirEntry[] = [];
  try {
    const real = await Deno.realPath(join(realRoot, path));
    if (!isInsideRoot(real, realRoot)) throw new Deno.errors.NotFound();
    for await (const entry of Deno.readDir(real)) {
      const info = await Deno.stat(join(real, entry.name)).catch(() => undefined);
      if (info === undefined) continue; // a broken symlink: leave it out
      const mtimeMs = info.mtime?.getTime() ?? 0;
      entries.push({ name: entry.name, isDirectory: info.isDirectory, size: info.size, mtimeMs });
    }
  } catch {
    return writeReply(c, statusReply(404, `There is no folder at ${path || "/"}.`), head);
  }
  const urlPath = "/" + (path ? path + "/" : "");
  return writeReply(c, listingReply(urlPath, entries, config.dotfiles), head);
}

// ── 17. CGI programs (--cgi) ───────────────────────────────────────────────────────────────────

/** How much a CGI program may print; more is a failure (500), not an unbounded buffer. */
const CGI_MAX_OUTPUT = 16 * 1024 * 1024;

/** A program a request names: `/cgi-bin/NAME/extra?query`. */
interface CgiProgram {
  script: string;
  pathInfo: string;
  query: string;
}

async function checkCgiAllowed(config: Config): Promise<void> {
  if (!config.cgi || (await Deno.permissions.query({ name: "run" })).state === "granted") return;
  exitWith(
    "--cgi runs programs, which Deno allows only with --allow-run: use " +
      '"deno task start:cgi" or "deno task dev:cgi" (they add it), or run deno with --allow-run',
  );
}

/** The CGI program a resolved target names (splitCgiPath), if it names one. */
function cgiProgram(target: TargetAnswer): CgiProgram | undefined {
  if (target.kind !== "path") return undefined;
  const program = splitCgiPath(target.path);
  if (program === undefined) return undefined;
  return { script: program.script, pathInfo: program.pathInfo, query: target.query };
}

/** runCgi answers a request with a program: `cgi-bin/NAME` under the root, run with the request
 * in its environment (cgiEnvironment) and the body on its stdin; what it prints becomes the
 * response (parseCgiOutput, cgiReply). A CGI script runs with the server's rights, and any file
 * a student can drop into cgi-bin/ becomes code any visitor can run: hence off by default. */
async function runCgi(
  c: Connection,
  head: RequestHead,
  program: CgiProgram,
  body: Uint8Array,
): Promise<AfterReply> {
  const { realRoot, config } = c.site.server;
  if (!["GET", "HEAD", "POST"].includes(head.method)) {
    const reason = `${head.method} is not allowed for CGI programs.`;
    return writeReply(c, statusReply(405, reason, [["Allow", "GET, HEAD, POST"]]), head);
  }
  if (c.bodyUnread === "chunked") {
    return writeReply(c, statusReply(411, "A CGI request body needs a Content-Length."), head);
  }
  if (c.bodyUnread === "too large") {
    const reason = `A CGI request body may be ${MAX_REQUEST_BODY} bytes at most.`;
    return writeReply(c, statusReply(413, reason), head); // RFC 9110 §15.5.14
  }
  setDeadline(c, "the file system", FILE_SYSTEM_TIMEOUT_MS);
  const found = await lookUp(join(realRoot, "cgi-bin", program.script), c.site.server);
  if (found.kind !== "file") {
    return writeReply(c, statusReply(404, "There is no such program."), head);
  }
  const { path, handle } = found.file; // the program runs by its path: the handle just checks
  const executable = ((await handle!.stat()).mode & 0o111) !== 0;
  await handle!.close();
  if (!executable) return writeReply(c, statusReply(403, "This program is not executable."), head);
  const env = cgiEnvironment(cgiRequest(c, head, program, path, body.length));
  const output = await runProgram(path, env, body, config.cgiTimeoutMs, program.script);
  if (output === undefined) return writeReply(c, cgiReply(FAILED_CGI, NO_BODY), head);
  const answer = parseCgiOutput(output);
  if (answer.kind === "error") console.error(`tinyhttps: cgi ${program.script}: ${answer.reason}`);
  return writeReply(c, cgiReply(answer, output), head);
}

/** What a program that failed to run (or was killed) is answered with: cgiReply's 500. */
const FAILED_CGI = { kind: "error", reason: "the program failed" } as const;

/** What cgiEnvironment needs to know besides the head. */
function cgiRequest(
  c: Connection,
  head: RequestHead,
  program: CgiProgram,
  path: string,
  contentLength: number,
) {
  return {
    head,
    scriptName: `/cgi-bin/${program.script}`,
    pathInfo: program.pathInfo,
    query: program.query.replace(/^\?/, ""),
    scriptFilename: path,
    documentRoot: c.site.server.realRoot,
    remoteAddr: c.client,
    serverName: c.local,
    serverPort: (c.conn.localAddr as Deno.NetAddr).port,
    https: c.site.transport === "tls",
    contentLength,
  };
}

/** Runs one CGI program to its end, or kills it after `timeoutMs`. Its stderr goes to the server's
 * log, line by line; the client never sees it. Returns its stdout, or undefined if it failed.
 * The program starts through setsid(1), as the leader of a process group of its own: killing
 * the group (a negative pid) also kills whatever it started, such as a shell script's `sleep`.
 * Its input is written while its output is read — a program may print before it reads, and
 * either pipe holds only 64 KiB — and the answer is what it printed by the time it exited. */
async function runProgram(
  path: string,
  env: Record<string, string>,
  stdin: Uint8Array,
  timeoutMs: number,
  name: string,
): Promise<Uint8Array | undefined> {
  const child = new Deno.Command("/usr/bin/setsid", {
    args: [path],
    env,
    clearEnv: true,
    cwd: dirname(path),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    killGroup(child.pid);
  }, timeoutMs);
  RUNNING_PROGRAMS.add(child.pid);
  const stdout = collect(child.stdout, CGI_MAX_OUTPUT, () => killGroup(child.pid));
  const stderr = collect(child.stderr, CGI_MAX_STDERR); // beyond it, dropped: the log stays short
  const fed = feed(child.stdin, stdin);
  const { code } = await child.status;
  clearTimeout(timer);
  killGroup(child.pid); // what it left running in its group ends with it
  RUNNING_PROGRAMS.delete(child.pid);
  const [out, err] = await Promise.all([stdout.afterExit(), stderr.afterExit(), fed.afterExit()]);
  logStderr(name, err);
  if (killed) console.error(`tinyhttps: cgi ${name}: killed after ${timeoutMs / 1000} s`);
  else if (out.tooMuch) console.error(`tinyhttps: cgi ${name}: more than ${CGI_MAX_OUTPUT} bytes`);
  else if (code !== 0) console.error(`tinyhttps: cgi ${name}: exited with status ${code}`);
  else return out.bytes;
  return undefined;
}

/** The programs running now (their process groups), which shutdown ends with the server. */
const RUNNING_PROGRAMS = new Set<number>();

/** How much of a program's stderr reaches the server's log (bytes, lines); the rest is counted. */
const CGI_MAX_STDERR = 16 * 1024;
const CGI_STDERR_LINES = 100;

/** Writes the request body to the program's stdin; a program may exit without reading it, and
 * what it left running may hold its stdin open: after its exit, the answer does not wait for the
 * writing. (An abort waits for the write in flight, so it is not awaited: that write ends when
 * the last holder of the pipe closes it.) */
function feed(stdin: WritableStream<Uint8Array>, body: Uint8Array) {
  const writer = stdin.getWriter();
  const done = writer.write(body).then(() => writer.close()).catch(() => {});
  const afterExit = async () => {
    await Promise.race([done, sleep(CGI_DRAIN_MS)]);
    writer.abort().catch(() => {}); // not awaited: see above
  };
  return { afterExit };
}

/** A program's stderr, line by line, escaped, in the server's log. */
function logStderr(name: string, err: { bytes: Uint8Array; dropped: number }): void {
  const lines = new TextDecoder().decode(err.bytes).split("\n").filter((l) => l !== "");
  for (const line of lines.slice(0, CGI_STDERR_LINES)) {
    console.error(`tinyhttps: cgi ${name}: ${printable(line)}`);
  }
  const more = lines.length - CGI_STDERR_LINES;
  if (more > 0 || err.dropped > 0) {
    const lost = `${Math.max(0, more)} more lines and ${err.dropped} more bytes`;
    console.error(`tinyhttps: cgi ${name}: ${lost} on stderr, not shown`);
  }
}

/** How long, after a program exited, its pipes may still bring what it wrote before it did. */
const CGI_DRAIN_MS = 100;

/** Reads a program's pipe as it writes, keeping at most `limit` bytes, so memory never holds
 * more. Past the limit, `tooMuch` is called (it kills the program) and reading stops; without
 * it, reading goes on and the rest is only counted (`dropped`). A process the program left
 * behind, outside its group, may keep the pipe open after the program exited: its afterExit
 * waits CGI_DRAIN_MS for the end, then stops reading there. */
function collect(pipe: ReadableStream<Uint8Array>, limit: number, tooMuch?: () => void) {
  const reader = pipe.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let dropped = 0;
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || value === undefined) return;
      const room = Math.max(0, limit - size);
      if (value.length > room && tooMuch !== undefined) {
        dropped += value.length;
        tooMuch();
        await reader.cancel().catch(() => {});
        return;
      }
      chunks.push(value.subarray(0, room));
      size += Math.min(room, value.length);
      dropped += value.length - Math.min(room, value.length);
    }
  })();
  const afterExit = async () => {
    await Promise.race([done, sleep(CGI_DRAIN_MS)]);
    await reader.cancel().catch(() => {});
    await done;
    return { bytes: joinChunks(chunks), tooMuch: dropped > 0, dropped };
  };
  return { afterExit };
}

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Kills a program's whole process group. It runs in a timer too, where an exception would end
 * the server: a group that is gone already (ESRCH) is exactly what we wanted. */
function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch { /* the group has exited already */ }
}

// ── 18. Writing the access log in batches ──────────────────────────────────────────────────────

/** Lines collect in memory and are written together at most LOG_FLUSH_MS later: one write for
 * many responses instead of one system call each. */
const LOG_FLUSH_MS = 50;

/** The queued lines are kept as bytes in one buffer, encoded as each is queued, not as strings:
 * at 60,000 responses a second V8 collects its young generation every few milliseconds, and
 * thousands of strings held for LOG_FLUSH_MS would outlive two such collections and be moved to
 * the old generation, which only a full collection empties. The buffer starts at
 * LOG_BUFFER_BYTES, doubles when a batch needs more, and shrinks back after a small batch.
 * (bench/run.py's file-logging row, three runs of 5 rounds, strings → bytes: 70.8k → 74.9k,
 * 68.3k → 70.7k, 62.7k → 62.0k req/s; p99 6.1 → 4.3, 7.1 → 5.0, 7.5 → 3.4 ms.) */
const LOG_BUFFER_BYTES = 64 * 1024;

interface LogWriter {
  sink: { write(bytes: Uint8Array): Promise<number> };
  pending: Uint8Array;
  /** How many bytes of pending hold lines. */
  used: number;
  flushing?: Promise<void>;
  /** The last write failed (and was reported): lines are dropped until one succeeds. */
  failing: boolean;
}

/** Opens the --log file for appending (or takes stdout). Deno's permissions apply: the tasks
 * allow writing under logs/ only, so another path must be allowed by hand. */
async function openLog(path: string): Promise<LogWriter> {
  const writer = (sink: LogWriter["sink"]): LogWriter => ({
    sink,
    pending: new Uint8Array(LOG_BUFFER_BYTES),
    used: 0,
    failing: false,
  });
  if (path === "-") return writer(Deno.stdout);
  try {
    return writer(await Deno.open(path, { append: true, create: true }));
  } catch (error) {
    const hint = error instanceof Deno.errors.NotCapable
      ? `. The tasks may write under logs/ only: use --log logs/access.log, or run deno with ` +
        `--allow-write=${path}`
      : "";
    return exitWith(`Cannot open the access log ${path}: ${errorText(error)}${hint}`);
  }
}

/** Queues one log line for the next batch. With --trace and the log on stdout, the line is printed
 * at once instead, as the trace's own lines are (trace()): a response's log line then follows its
 * heads, in the order things happened, not 50 ms later among the next connection's heads. */
function queueLogLine(server: Server, line: string): void {
  const log = server.log;
  if (server.config.trace && log.sink === Deno.stdout) return console.log(line);
  const room = log.used + line.length * 3 + 1; // UTF-8 takes at most 3 bytes per UTF-16 unit
  if (room > log.pending.length) {
    const bigger = new Uint8Array(Math.max(room, 2 * log.pending.length));
    bigger.set(log.pending.subarray(0, log.used));
    log.pending = bigger;
  }
  log.used += encoder.encodeInto(line, log.pending.subarray(log.used)).written;
  log.pending[log.used++] = 0x0a; // "\n"
  log.flushing ??= sleep(LOG_FLUSH_MS).then(() => flushLog(log));
}

/** Writes the lines queued so far. A log that cannot be written (a full disk, a closed pipe)
 * must not stop the server: the failure is reported once, those lines are dropped, and the
 * next batch tries again. */
async function flushLog(log: LogWriter): Promise<void> {
  const bytes = log.pending.slice(0, log.used);
  log.used = 0;
  if (bytes.length < LOG_BUFFER_BYTES && log.pending.length > LOG_BUFFER_BYTES) {
    log.pending = new Uint8Array(LOG_BUFFER_BYTES); // the burst is over: its big buffer goes
  }
  try {
    for (let done = 0; done < bytes.length;) done += await log.sink.write(bytes.subarray(done));
    log.failing = false;
  } catch (error) {
    if (!log.failing) {
      console.error(`tinyhttps: cannot write the access log (${errorText(error)}): dropping lines`);
    }
    log.failing = true;
  } finally {
    log.flushing = undefined;
    if (log.used > 0) log.flushing = sleep(LOG_FLUSH_MS).then(() => flushLog(log));
  }
}

// ── 19. The Date field, formatted once a second ────────────────────────────────────────────────

/** The Date field changes once a second, so it is formatted once a second, not per response. */
let dateSecond = 0;
let dateText = "";
function currentDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = httpDate(second * 1000);
  }
  return dateText;
}

// ── 20. Tracing heads and ranges (--trace) ─────────────────────────────────────────────────────

/** After the handshake: what ALPN agreed on (RFC 7301; the server's answer travels in TLS 1.3's
 * EncryptedExtensions). Deno's TlsHandshakeInfo holds only alpnProtocol, not the TLS version:
 * `curl -v` or `openssl s_client` shows that one from the client's side. */
function traceHandshake(c: Connection, info: Deno.TlsHandshakeInfo): void {
  const alpn = info.alpnProtocol ?? "none (the client offered no protocol; HTTP/1.1 it is)";
  const version = "TLS version: not reported by Deno";
  trace(printable(`${traceName(c)} TLS handshake done; ALPN: ${alpn}; ${version}`));
}

/** A request head as it arrived (traceHead escapes whatever could move the cursor). */
function traceReceived(c: Connection, end: number): void {
  const text = String.fromCharCode(...c.buffer.subarray(0, Math.min(end, 4096)));
  const name = traceName(c);
  trace(`\n${traceHead("▶", name, text)}`);
}

function traceSent(c: Connection, head: string): void {
  trace(traceHead("◀", traceName(c), head));
}

/** The range arithmetic behind a file's Reply, when the request had a Range and it was weighed. */
function traceRangeOf(c: Connection, head: RequestHead, reply: Reply, size: number): void {
  const range = head.fields.get("range")?.join(", ");
  if (range === undefined || ![200, 206, 416].includes(reply.status)) return;
  const parts = reply.body.filter((part): part is ByteRange => !(part instanceof Uint8Array));
  const answer = reply.status === 206
    ? { kind: "parts", parts }
    : { kind: reply.status === 416 ? "unsatisfiable" : "whole" };
  trace(`${traceName(c)} ⚙ ${printable(traceRange(range, size, answer))}`);
}

/** The trace numbers connections in the order it first sees them (#1, #2, ...), and says once
 * who each one is: the client's address and port, and the port it reached (80 or 443, or the
 * ports configured), so that the lines of connections running at once can be told apart. */
const traceNames = new WeakMap<Connection, string>();
let tracedConnections = 0;
function traceName(c: Connection): string {
  let name = traceNames.get(c);
  if (name === undefined) {
    name = `#${++tracedConnections}`;
    traceNames.set(c, name);
    const from = c.conn.remoteAddr as Deno.NetAddr, to = c.conn.localAddr as Deno.NetAddr;
    const how = c.site.transport === "tls" ? "TLS" : "plain TCP";
    trace(`\n${name} ${bracketIPv6(c.client)}:${from.port} → port ${to.port} (${how})`);
  }
  return name;
}

/** What --trace prints, at once; with the log on stdout, its lines are printed at once too, in
 * their place among these (queueLogLine()). */
function trace(text: string): void {
  console.log(text);
}

// ── 21. Stopping gracefully (SIGINT, SIGTERM) ──────────────────────────────────────────────────

/** On SIGINT/SIGTERM, how long responses in flight may take to finish before we cut them off. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Ctrl-C (SIGINT) or SIGTERM: stop accepting, close idle keep-alive connections, give responses
 * in flight SHUTDOWN_GRACE_MS to finish, then exit 0 with a one-line summary. */
function stopOnSignals(server: Server, listeners: Deno.Listener[]): void {
  const stop = () => {
    if (server.stopping) return;
    server.stopping = true;
    shutDown(server, listeners).catch((error) => {
      console.error(`tinyhttps: shutdown failed: ${errorText(error)}`);
      Deno.exit(1);
    });
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

async function shutDown(server: Server, listeners: Deno.Listener[]): Promise<void> {
  for (const listener of listeners) listener.close();
  for (const c of server.open) {
    if (c.waitingFor === "the next request" || c.waitingFor === "the client to close") close(c);
  }
  const until = performance.now() + SHUTDOWN_GRACE_MS;
  while (server.open.size > 0 && performance.now() < until) await sleep(50);
  const cut = server.open.size;
  for (const c of server.open) close(c);
  for (const pid of RUNNING_PROGRAMS) killGroup(pid); // CGI programs end with the server
  await server.log.flushing; // a batch on its way out (or its timer) ends first
  if (server.log.used > 0) await flushLog(server.log); // the last lines too
  console.log(
    `tinyhttps: stopped after ${counted(server.accepted, "connection")} and ` +
      `${counted(server.responses, "response")}; ${cut} cut off at shutdown`,
  );
  Deno.exit(0);
}

/** "1 response", "2 responses": the summary is read by people. */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

if (import.meta.main) main();
