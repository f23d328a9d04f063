// tests/grade/checks.ts — the grader's checks, in the order of the lab and of LESSON.md's parts:
// connect, TLS, port 80's 301, files, 404, Range, HEAD, versions, keep-alive, robustness. Each
// check sends real bytes (tests/grade/wire.ts) and returns a verdict with what it sent and what
// came back; the sentences that explain a verdict are in tests/grade/messages.ts, keyed by the
// check's id, and the words around the bytes they show ("closed, no answer") in its `wire`
// table. tests/grade.ts runs them in order with a liveness probe after each.

import { parseContentRange } from "../../lib/client.ts";
import type { WireText } from "./messages.ts";
import {
  connectTcp,
  type Endpoint,
  exchange,
  field,
  type Got,
  sleep,
  Timeout,
  Wire,
} from "./wire.ts";

/** PASS and FAIL as usual; WARN: a SHOULD, or a choice the RFC leaves open; SKIP: the check
 * needs something the run lacks (--root, openssl); NOT RUN: the server died before it. */
export type Verdict = "PASS" | "FAIL" | "WARN" | "SKIP" | "NOT RUN";

/** What one check found. `sent`, `got` and `want` are data off the wire (shown escaped) in the
 * words of the run's language (Context.words); `note` is a key of the check's notes in
 * messages.ts. */
export interface Outcome {
  verdict: Verdict;
  sent?: string;
  got?: string;
  want?: string;
  note?: string;
}

/** The test files the grader wrote under --root (prepareFiles in tests/grade.ts). */
export interface GradeFile {
  urlPath: string;
  bytes?: Uint8Array; // kept for the small files
  size: number;
  sha256: string;
}
export interface Files {
  text: GradeFile;
  binary: GradeFile;
  big: GradeFile;
  named: GradeFile;
  index?: Uint8Array; // root/index.html, if there is one
}

/** Everything a check needs: where the server is, and what earlier checks learned. */
export interface Context {
  http: Endpoint;
  https: Endpoint;
  /** Host field values: for port 80 and for port 443, with the port when it is not the default. */
  httpHost: string;
  httpsHost: string;
  /** The https origin a 301 must name, e.g. "https://10.0.0.1" or "https://127.0.0.1:18443". */
  httpsOrigin: string;
  files?: Files;
  keyPath: string;
  /** Learned on the way: the body of /index.html, the TLS connection of tcp.https. */
  index?: Uint8Array;
  tlsHandshake?: Outcome;
  /** The words around the bytes, in the report's language (messages.ts, `wire`). */
  words: WireText;
}

export interface Check {
  id: string;
  stage: string;
  /** Needs the files the grader writes under --root. */
  needsRoot?: boolean;
  /** Milliseconds to wait before the liveness probe (a crash may come a moment later). */
  settle?: number;
  run(ctx: Context): Promise<Outcome>;
}

const pass = (sent?: string, got?: string): Outcome => ({ verdict: "PASS", sent, got });
const fail = (sent: string, got: string, want?: string, note?: string): Outcome => ({
  verdict: "FAIL",
  sent,
  got,
  want,
  note,
});
const warn = (sent: string, got: string, want?: string, note?: string): Outcome => ({
  verdict: "WARN",
  sent,
  got,
  want,
  note,
});

/** A request head: `GET /path HTTP/1.1`, Host, then any extra field lines. */
export function request(method: string, target: string, host: string, extra = ""): string {
  return `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`;
}

/** How a Got reads in a report: the status line and the named fields, or what went wrong. */
export function describe(got: Got, words: WireText, ...fields: string[]): string {
  switch (got.kind) {
    case "response": {
      const shown = fields.map((f) => `${f}: ${field(got.head, f.toLowerCase()) ?? words.none}`);
      if (!got.complete) shown.push(words.bodyStopped(got.body.length));
      return [got.head.statusLine, ...shown].join(" | ");
    }
    case "closed":
      return got.bytes.length === 0
        ? words.closedNoAnswer
        : words.closedAfter(shownBytes(got.bytes, words));
    case "timeout":
      if (got.head !== undefined) return words.bodyNeverEnded(got.head.statusLine);
      return got.bytes.length
        ? words.noAnswerInTimeAfter(shownBytes(got.bytes, words))
        : words.noAnswerInTime;
    case "invalid":
      return words.notAResponse(shownBytes(got.bytes, words));
    case "error":
      return words.error(errorText(got.cause, words));
  }
}

/** What went wrong, for the report: a deadline of the grader's in the report's words, else the
 * system's own message (Deno's, like the bytes: data, not translated). */
export function errorText(error: unknown, words: WireText): string {
  if (error instanceof Timeout) return words.noAnswerWithin(error.ms);
  return error instanceof Error ? error.message : String(error);
}

/** Bytes as a reader can see them: printable ASCII as is, \r \n \t, the rest \xNN; cut at 100. */
export function shownBytes(bytes: Uint8Array | string, words: WireText, max = 100): string {
  const text = typeof bytes === "string" ? bytes : String.fromCharCode(...bytes.subarray(0, max));
  const escaped = text.slice(0, max).replace(/[^\x20-\x7e]/g, (c) => {
    const named: Record<string, string> = { "\r": "\\r", "\n": "\\n", "\t": "\\t" };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`;
  });
  const length = typeof bytes === "string" ? bytes.length : bytes.length;
  return length > max ? words.truncated(escaped, length) : escaped;
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True if the two byte strings are equal (a plain loop: fast on 64 MB too). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where two byte strings first differ, for "body: 3174 bytes, byte 10 differs". */
function difference(got: Uint8Array, want: Uint8Array, words: WireText): string {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const what = got.length !== want.length
    ? words.lengthDiffers(got.length, want.length)
    : words.byteDiffers(got.length, i);
  return words.body(what);
}

// ── connect and TLS (LESSON.md part 1) ───────────────────────────────────────────────────────

async function connectPlain(ctx: Context): Promise<Outcome> {
  const sent = ctx.words.tcpConnect(`${ctx.http.host}:${ctx.http.port}`);
  try {
    const wire = await Wire.open(ctx.http);
    wire.close();
    return pass(sent, ctx.words.connected);
  } catch (error) {
    return fail(sent, errorText(error, ctx.words));
  }
}

/** TCP first, then TLS on the same socket (Deno.startTls): a bare connect-and-close is saved
 * for robust.garbage, since a server that exits on a failed handshake would die right here. */
async function connectTls(ctx: Context): Promise<Outcome> {
  const { host: hostname, port } = ctx.https;
  const words = ctx.words;
  const sent = words.tcpConnect(`${hostname}:${port}`);
  let tcp: Deno.TcpConn;
  try {
    tcp = await connectTcp(ctx.https);
  } catch (error) {
    ctx.tlsHandshake = { verdict: "NOT RUN", got: errorText(error, words) };
    return fail(sent, errorText(error, words));
  }
  const hello = "TLS ClientHello, ALPN http/1.1";
  try {
    const tls = await Deno.startTls(tcp, { hostname, alpnProtocols: ["http/1.1"] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        tls.close();
        reject(new Timeout(5000));
      }, 5000);
    });
    try {
      await Promise.race([tls.handshake(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    tls.close();
    ctx.tlsHandshake = pass(hello, words.handshakeDone);
  } catch (error) {
    try {
      tcp.close();
    } catch { /* closed by the failed handshake */ }
    ctx.tlsHandshake = fail(hello, errorText(error, words));
  }
  return pass(sent, words.connected);
}

/** `openssl s_client` shows what Deno's TLS does not: the protocol version and the certificate,
 * even a v1 one. Its output is judged by the three tls.* checks below. */
async function opensslHandshake(ctx: Context): Promise<{ text: string; cert: string } | undefined> {
  const { host, port } = ctx.https;
  try {
    const command = new Deno.Command("openssl", {
      args: ["s_client", "-connect", `${host}:${port}`, "-alpn", "h2,http/1.1", "-showcerts"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const child = command.spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    const out = await child.output();
    clearTimeout(timer);
    const text = new TextDecoder().decode(out.stdout);
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
    if (pem === undefined) return { text, cert: "" };
    const x509 = await new Deno.Command("openssl", {
      args: ["x509", "-noout", "-text"],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = x509.stdin.getWriter();
    await writer.write(new TextEncoder().encode(pem));
    await writer.close();
    return { text, cert: new TextDecoder().decode((await x509.output()).stdout) };
  } catch {
    return undefined; // no openssl here
  }
}

let openssl: Promise<{ text: string; cert: string } | undefined> | undefined;
const inspect = (ctx: Context) => openssl ??= opensslHandshake(ctx);
const OPENSSL_SENT = "openssl s_client -alpn h2,http/1.1 -showcerts";

async function tlsVersion(ctx: Context): Promise<Outcome> {
  const seen = await inspect(ctx);
  if (seen === undefined) return { verdict: "SKIP", note: "noOpenssl" };
  // "Protocol : TLSv1.1" names the version even of a handshake that failed; "New, TLSv1.0" may
  // name only the cipher's, so it is the fallback.
  const version = /Protocol\s*: (TLSv[\d.]+|SSLv\d)/.exec(seen.text)?.[1] ??
    /New, (TLSv[\d.]+|SSLv\d)/.exec(seen.text)?.[1];
  const want = ctx.words.tlsVersions;
  if (version === undefined) return fail(OPENSSL_SENT, ctx.words.noHandshake, want);
  return /^TLSv1\.[23]$/.test(version)
    ? pass(OPENSSL_SENT, version)
    : fail(OPENSSL_SENT, version, want);
}

async function tlsCertificate(ctx: Context): Promise<Outcome> {
  const seen = await inspect(ctx);
  if (seen === undefined) return { verdict: "SKIP", note: "noOpenssl" };
  const version = /Version: (\d)/.exec(seen.cert)?.[1];
  if (version === undefined) return fail(OPENSSL_SENT, ctx.words.noCertificate, "Version: 3");
  return version === "3"
    ? pass(OPENSSL_SENT, "Version: 3")
    : warn(OPENSSL_SENT, `Version: ${version}`, "Version: 3", "v1");
}

async function tlsSan(ctx: Context): Promise<Outcome> {
  const seen = await inspect(ctx);
  if (seen === undefined) return { verdict: "SKIP", note: "noOpenssl" };
  const named = /Subject Alternative Name:\s*\n\s*(.+)/.exec(seen.cert)?.[1].trim();
  const san = named ?? ctx.words.none;
  const host = ctx.https.host.replace(/^\[|\]$/g, "");
  const names = san.split(",").map((n) => n.trim().replace(/^(DNS:|IP Address:)/, ""));
  const ipv6 = host.includes(":") ? expandIPv6(host) : host;
  return names.includes(host) || names.includes(ipv6)
    ? pass(OPENSSL_SENT, `subjectAltName: ${san}`)
    : warn(OPENSSL_SENT, `subjectAltName: ${san}`, host, "missing");
}

/** "::1" as openssl prints it: "0:0:0:0:0:0:0:1". */
function expandIPv6(address: string): string {
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [], right = tail ? tail.split(":") : [];
  const middle = Array(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((p) => p.replace(/^0+(?=.)/, "")).join(":");
}

async function tlsAlpn(ctx: Context): Promise<Outcome> {
  const sent = "TLS ClientHello, ALPN h2, http/1.1";
  try {
    const wire = await Wire.open(ctx.https, 5000, ["h2", "http/1.1"]);
    const chosen = await wire.alpn();
    wire.close();
    if (chosen === "h2") return warn(sent, "ALPN: h2", ctx.words.alpnWant, "h2");
    return pass(sent, `ALPN: ${chosen ?? ctx.words.alpnNone}`);
  } catch (error) {
    return fail(sent, errorText(error, ctx.words));
  }
}

// ── port 80: the 301 (LESSON.md part 5) ──────────────────────────────────────────────────────

/** Host without a port: what a Location may use. */
const hostOnly = (host: string) => host.replace(/:\d+$/, "");

/** Sends one request to port 80 and reads the head of the answer only: whether its body ends
 * is redirect.framing's question, not the Location checks'. */
async function redirect(ctx: Context, target: string, host: string, path = target) {
  const sent = request("GET", target, host);
  const want = `${ctx.httpsOrigin}${path}`;
  let wire: Wire | undefined;
  try {
    wire = await Wire.open(ctx.http);
    await wire.send(sent);
    const head = await wire.headOnly();
    const shown = head
      ? `${head.statusLine} | Location: ${field(head, "location") ?? ctx.words.none}`
      : ctx.words.noAnswer;
    return { sent, head, shown, want };
  } catch (error) {
    return { sent, head: undefined, shown: errorText(error, ctx.words), want };
  } finally {
    wire?.close();
  }
}

async function redirectStatus(ctx: Context): Promise<Outcome> {
  const { sent, head, shown } = await redirect(ctx, "/index.html", hostOnly(ctx.httpHost));
  if (head?.status === 301) return pass(sent, shown);
  return fail(sent, shown, "HTTP/1.1 301 Moved Permanently");
}

/** A Location check: the 301 must name exactly `want`. */
async function redirectTo(ctx: Context, target: string, host: string, path?: string) {
  const { sent, head, shown, want } = await redirect(ctx, target, host, path);
  const location = head ? field(head, "location") : undefined;
  return location === want ? pass(sent, shown) : fail(sent, shown, `Location: ${want}`);
}

const redirectLocation = (ctx: Context) =>
  redirectTo(ctx, "/dir/index.html", hostOnly(ctx.httpHost));
const redirectQuery = (ctx: Context) =>
  redirectTo(ctx, "/dir/index.html?a=1&b=%20x", hostOnly(ctx.httpHost));
const redirectHostPort = (ctx: Context) =>
  redirectTo(ctx, "/index.html", `${hostOnly(ctx.httpHost)}:${ctx.http.port}`);
const redirectAbsolute = (ctx: Context) =>
  redirectTo(
    ctx,
    `http://${hostOnly(ctx.httpHost)}/dir/index.html`,
    hostOnly(ctx.httpHost),
    "/dir/index.html",
  );

/** The 301 on a kept-alive connection: its body must end (Content-Length), or the server must
 * close; else the client waits (responseFraming's "close" case with an open connection). */
async function framed(endpoint: Endpoint, sent: string, words: WireText): Promise<Outcome> {
  const got = await exchange(endpoint, sent, "GET", 3000);
  const shown = describe(got, words, "Content-Length", "Connection");
  if (got.kind !== "response") return fail(sent, shown, words.bodyThatEnds);
  return pass(sent, shown);
}

const redirectFraming = (ctx: Context) =>
  framed(ctx.http, request("GET", "/index.html", ctx.httpHost), ctx.words);

// ── port 443: files (LESSON.md parts 6–7) ────────────────────────────────────────────────────

/** GET `path` on port 443 and compare the body with `want` (bytes, or size + sha256). */
async function exact(
  ctx: Context,
  path: string,
  want: { bytes?: Uint8Array; size: number; sha256?: string } | undefined,
  ms = 5000,
): Promise<Outcome> {
  const sent = request("GET", path, ctx.httpsHost);
  const got = await exchange(ctx.https, sent, "GET", ms);
  const words = ctx.words;
  const shown = describe(got, words, "Content-Length", "Content-Type");
  if (got.kind !== "response" || got.head.status !== 200) {
    return fail(sent, shown, want ? words.okAndBytes(want.size) : words.okAndFileBytes);
  }
  const length = field(got.head, "content-length");
  if (want === undefined) {
    return length === `${got.body.length}`
      ? pass(sent, shown)
      : fail(sent, shown, "Content-Length");
  }
  const right = want.bytes !== undefined
    ? same(got.body, want.bytes)
    : got.body.length === want.size && await sha256(got.body) === want.sha256;
  const body = want.bytes
    ? difference(got.body, want.bytes, words)
    : words.body(words.bytes(got.body.length));
  if (!right) {
    const seen = got.complete ? `${shown} | ${body}` : shown; // a short body says so already
    return fail(sent, seen, words.sizeAndSha(want.size, `${want.sha256}`));
  }
  if (length !== `${want.size}`) return fail(sent, shown, `Content-Length: ${want.size}`);
  return pass(sent, shown);
}

async function filesIndex(ctx: Context): Promise<Outcome> {
  const sent = request("GET", "/index.html", ctx.httpsHost);
  const got = await exchange(ctx.https, sent);
  if (got.kind === "response" && got.head.status === 200) ctx.index = got.body;
  const want = ctx.files?.index;
  const outcome = await exact(ctx, "/index.html", want && { bytes: want, size: want.length });
  return want === undefined && outcome.verdict === "PASS"
    ? { ...outcome, note: "noRoot" }
    : outcome;
}

const filesDir = (ctx: Context) => {
  const want = ctx.files?.index ?? ctx.index;
  return exact(ctx, "/dir/index.html", want && { bytes: want, size: want.length });
};

async function filesContentType(ctx: Context): Promise<Outcome> {
  const sent = request("GET", "/index.html", ctx.httpsHost, "Connection: close\r\n");
  const got = await exchange(ctx.https, sent);
  const shown = describe(got, ctx.words, "Content-Type");
  const type = got.kind === "response" ? field(got.head, "content-type") ?? "" : "";
  return /^text\/html\b/i.test(type) ? pass(sent, shown) : warn(sent, shown, "text/html");
}

const filesText = (ctx: Context) => exact(ctx, ctx.files!.text.urlPath, ctx.files!.text);
const filesBinary = (ctx: Context) => exact(ctx, ctx.files!.binary.urlPath, ctx.files!.binary);
const filesBig = (ctx: Context) => exact(ctx, ctx.files!.big.urlPath, ctx.files!.big, 30000);

async function filesName(ctx: Context): Promise<Outcome> {
  const outcome = await exact(ctx, ctx.files!.named.urlPath, ctx.files!.named);
  return outcome.verdict === "FAIL" ? { ...outcome, verdict: "WARN" } : outcome;
}

// ── 404 (LESSON.md part 6) ───────────────────────────────────────────────────────────────────

const MISSING = "/grade-no-such-file.html";

async function notFoundStatus(ctx: Context): Promise<Outcome> {
  const sent = request("GET", MISSING, ctx.httpsHost, "Connection: close\r\n");
  const got = await exchange(ctx.https, sent, "GET", 3000);
  const shown = describe(got, ctx.words, "Content-Length");
  return got.kind === "response" && got.head.status === 404
    ? pass(sent, shown)
    : fail(sent, shown, "HTTP/1.1 404 Not Found");
}

/** A 404 then a second request on the same connection: both must be answered, or the server
 * must close after the first (then the client knows where the first body ended). */
async function notFoundFraming(ctx: Context): Promise<Outcome> {
  const first = request("GET", MISSING, ctx.httpsHost);
  return await followedBy(ctx, first, "GET");
}

/** Sends `first`, reads its answer, sends a GET /index.html, reads that: a framed first answer
 * lets the second come through on the same connection. */
async function followedBy(ctx: Context, first: string, method: string): Promise<Outcome> {
  const second = request("GET", "/index.html", ctx.httpsHost);
  const sent = first + second;
  const words = ctx.words;
  let wire: Wire;
  try {
    wire = await Wire.open(ctx.https);
  } catch (error) {
    return fail(sent, errorText(error, words));
  }
  try {
    await wire.send(first);
    const got = await wire.response(method, 3000);
    const shown = describe(got, words, "Content-Length", "Connection");
    if (got.kind !== "response") return fail(first, shown, words.answerThatEnds);
    if (got.framing.kind === "close") return pass(first, words.closedAfterIt(shown));
    await wire.send(second).catch(() => {});
    const next = await wire.response("GET", 3000);
    if (next.kind === "response" && next.head.status === 200) return pass(sent, shown);
    if (next.kind === "closed" && next.bytes.length === 0) {
      return pass(sent, words.thenClosedShort(shown));
    }
    return fail(sent, words.thenSecond(shown, describe(next, words)), words.secondAnswer);
  } finally {
    wire.close();
  }
}

// ── Range (LESSON.md part 6, parseRange) ─────────────────────────────────────────────────────

/** The file the Range checks ask parts of: the grader's text file, or /index.html. */
function rangeFile(ctx: Context): { path: string; bytes: Uint8Array } | undefined {
  if (ctx.files?.text.bytes) return { path: ctx.files.text.urlPath, bytes: ctx.files.text.bytes };
  return ctx.index && ctx.index.length > 300
    ? { path: "/index.html", bytes: ctx.index }
    : undefined;
}

/** Asks `range` and wants bytes first..last (inclusive). A 200 with the whole file is allowed by
 * RFC 9110 §14.2 ("A server MAY ignore the Range header field"): a FAIL where the lab asks for
 * 206 (`lab`), else a WARN. */
async function rangePart(
  ctx: Context,
  range: (size: number) => string,
  part: (size: number) => [number, number],
  lab: boolean,
): Promise<Outcome> {
  const file = rangeFile(ctx);
  if (file === undefined) return { verdict: "SKIP" };
  const size = file.bytes.length, [first, last] = part(size);
  const sent = request("GET", file.path, ctx.httpsHost, `Range: ${range(size)}\r\n`);
  const got = await exchange(ctx.https, sent);
  const shown = describe(got, ctx.words, "Content-Range", "Content-Length");
  const want = ctx.words.rangeWant(first, last, last - first + 1);
  if (got.kind !== "response") return fail(sent, shown, want);
  const wanted = file.bytes.subarray(first, last + 1);
  if (got.head.status === 206 && got.complete && same(got.body, wanted)) return pass(sent, shown);
  if (got.head.status === 200 && same(got.body, file.bytes)) {
    return lab ? fail(sent, shown, want, "whole") : warn(sent, shown, want, "whole");
  }
  return fail(sent, `${shown} | ${difference(got.body, wanted, ctx.words)}`, want);
}

const rangeFirstLast = (ctx: Context) =>
  rangePart(ctx, () => "bytes=100-200", () => [100, 200], true);
const rangeOpen = (ctx: Context) => rangePart(ctx, () => "bytes=100-", (n) => [100, n - 1], true);
const rangeSuffix = (ctx: Context) =>
  rangePart(ctx, () => "bytes=-100", (n) => [n - 100, n - 1], false);
const rangeClamped = (ctx: Context) =>
  rangePart(ctx, (n) => `bytes=${n - 50}-${n + 10000}`, (n) => [n - 50, n - 1], false);

async function rangeContentRange(ctx: Context): Promise<Outcome> {
  const file = rangeFile(ctx);
  if (file === undefined) return { verdict: "SKIP" };
  const sent = request("GET", file.path, ctx.httpsHost, "Range: bytes=100-200\r\n");
  const got = await exchange(ctx.https, sent);
  const shown = describe(got, ctx.words, "Content-Range");
  const want = `Content-Range: bytes 100-200/${file.bytes.length}`;
  if (got.kind !== "response" || got.head.status !== 206) {
    return { verdict: "SKIP", sent, got: shown };
  }
  const value = parseContentRange(field(got.head, "content-range") ?? "");
  const right = value.kind === "range" && value.first === 100 && value.last === 200 &&
    value.size === file.bytes.length;
  return right ? pass(sent, shown) : fail(sent, shown, want);
}

async function rangeUnsatisfiable(ctx: Context): Promise<Outcome> {
  const file = rangeFile(ctx);
  if (file === undefined) return { verdict: "SKIP" };
  const size = file.bytes.length;
  const sent = request("GET", file.path, ctx.httpsHost, `Range: bytes=${size}-\r\n`);
  const got = await exchange(ctx.https, sent);
  const shown = describe(got, ctx.words, "Content-Range");
  const want = ctx.words.unsatisfiableWant(size);
  if (got.kind !== "response") return fail(sent, shown, want);
  if (got.head.status === 200) return warn(sent, shown, want, "whole");
  if (got.head.status !== 416) return fail(sent, shown, want);
  const value = parseContentRange(field(got.head, "content-range") ?? "");
  return value.kind === "unsatisfied" && value.size === size
    ? pass(sent, shown)
    : warn(sent, shown, want, "noContentRange");
}

/** What VLC does when the user drags the slider: it has a connection reading from byte 0 (its
 * first request is `bytes=0-`), drops it in the middle of the body, and opens a new one at the
 * new position, with If-Match: the ETag it was given (W/ stripped), so that it never splices
 * two versions of a file. */
async function rangeVlc(ctx: Context): Promise<Outcome> {
  const big = ctx.files?.big;
  const file = big?.bytes ? { path: big.urlPath, bytes: big.bytes } : rangeFile(ctx);
  if (file === undefined) return { verdict: "SKIP" };
  const size = file.bytes.length;
  const first = request("GET", file.path, ctx.httpsHost, "Range: bytes=0-\r\n");
  const words = ctx.words;
  let wire: Wire;
  try {
    wire = await Wire.open(ctx.https);
    await wire.send(first);
  } catch (error) {
    return fail(first, errorText(error, words));
  }
  const head = await wire.headOnly();
  wire.close(); // unread bytes in the socket: the kernel answers with a reset, as for VLC
  const shown = head ? `${head.statusLine} | Content-Range: ${field(head, "content-range")}` : "";
  if (head?.status !== 206) return fail(first, shown || words.noAnswer, words.vlcFirstWant);
  const etag = field(head, "etag");
  const seek = Math.floor(size / 2);
  const ifMatch = etag ? `If-Match: ${etag.replace(/^W\//, "")}\r\n` : "";
  const sent = request("GET", file.path, ctx.httpsHost, `Range: bytes=${seek}-\r\n${ifMatch}`);
  await sleep(200);
  const got = await exchange(ctx.https, sent, "GET", 30000);
  const seen = `${shown} || ${describe(got, words, "Content-Range")}`;
  const want = words.vlcWant(seek, size - 1);
  if (got.kind !== "response" || got.head.status !== 206) {
    return got.kind === "response" && got.head.status === 412 && etag?.startsWith("W/")
      ? warn(sent, seen, want, "weak")
      : fail(sent, seen, want);
  }
  return same(got.body, file.bytes.subarray(seek))
    ? pass(sent, seen)
    : fail(sent, `${seen} | ${difference(got.body, file.bytes.subarray(seek), words)}`, want);
}

// ── HEAD, versions, keep-alive (LESSON.md parts 3, 4, 7) ─────────────────────────────────────

const headNoBody = (ctx: Context) =>
  followedBy(ctx, request("HEAD", "/index.html", ctx.httpsHost), "HEAD");

async function versionStatusLine(ctx: Context): Promise<Outcome> {
  const sent = request("GET", "/index.html", ctx.httpsHost, "Connection: close\r\n");
  const got = await exchange(ctx.https, sent);
  const shown = describe(got, ctx.words);
  if (got.kind !== "response") return fail(sent, shown, "HTTP/1.1 200 OK");
  return got.head.version === "HTTP/1.1" ? pass(sent, shown) : warn(sent, shown, "HTTP/1.1 200 OK");
}

async function versionHttp10(ctx: Context): Promise<Outcome> {
  const sent = "GET /index.html HTTP/1.0\r\n\r\n";
  const words = ctx.words;
  let wire: Wire;
  try {
    wire = await Wire.open(ctx.https);
  } catch (error) {
    return fail(sent, errorText(error, words));
  }
  try {
    await wire.send(sent);
    const got = await wire.response("GET", 3000);
    const shown = describe(got, words, "Content-Length", "Connection");
    if (got.kind !== "response" || got.head.status !== 200) return fail(sent, shown, "200");
    if (got.framing.kind === "close") return pass(sent, shown);
    return (await wire.closesWithin(2000))
      ? pass(sent, words.thenClosed(shown))
      : warn(sent, words.stillOpen(shown, 2), words.closeAfterAnswer, "open");
  } finally {
    wire.close();
  }
}

/** `count` GETs of /index.html on one connection, one at a time or all in one write. */
async function several(ctx: Context, pipelined: boolean): Promise<Outcome> {
  const one = request("GET", "/index.html", ctx.httpsHost);
  const words = ctx.words;
  const sent = pipelined ? words.inOneWrite(3, one) : words.oneAfterAnother(3, one);
  let wire: Wire;
  try {
    wire = await Wire.open(ctx.https);
  } catch (error) {
    return fail(sent, errorText(error, words));
  }
  const answers: string[] = [];
  try {
    if (pipelined) await wire.send(one.repeat(3));
    for (let i = 0; i < 3; i++) {
      if (!pipelined) await wire.send(one).catch(() => {});
      const got = await wire.response("GET", 3000);
      answers.push(describe(got, words));
      if (got.kind === "response" && got.head.status === 200) {
        if (/close/i.test(field(got.head, "connection") ?? "")) {
          return warn(sent, answers.join(" || "), "3 × 200", "closed");
        }
        continue;
      }
      if (got.kind === "closed" && got.bytes.length === 0 && i > 0) {
        return warn(sent, answers.join(" || "), "3 × 200", "closed");
      }
      return fail(sent, answers.join(" || "), words.inOrder(3));
    }
    return pass(sent, answers.join(" || "));
  } finally {
    wire.close();
  }
}

// ── Robustness (LESSON.md parts 2–4, 6) ──────────────────────────────────────────────────────

async function robustSplit(ctx: Context): Promise<Outcome> {
  const whole = request("GET", "/index.html", ctx.httpsHost, "Connection: close\r\n");
  const pieces = [whole.slice(0, 13), whole.slice(13, 30), whole.slice(30)];
  const sent = pieces.map((p) => `"${shownBytes(p, ctx.words)}"`).join(` ${ctx.words.pause} `);
  let wire: Wire;
  try {
    wire = await Wire.open(ctx.https);
  } catch (error) {
    return fail(sent, errorText(error, ctx.words));
  }
  try {
    for (const piece of pieces) {
      await wire.send(piece).catch(() => {});
      await sleep(300);
    }
    const got = await wire.response("GET", 3000);
    const shown = describe(got, ctx.words, "Content-Length");
    const want = ctx.files?.index ?? ctx.index;
    const right = got.kind === "response" && got.head.status === 200 &&
      (want === undefined || got.body.length === want.length);
    return right ? pass(sent, shown) : fail(sent, shown, ctx.words.okAndPage);
  } finally {
    wire.close();
  }
}

async function robustSilent(ctx: Context): Promise<Outcome> {
  const words = ctx.words;
  const sent = words.silentSent(ctx.https.port, request("GET", "/index.html", ctx.httpsHost));
  let silent: Deno.Conn | undefined;
  try {
    silent = await connectTcp(ctx.https);
    await sleep(300);
    const got = await exchange(
      ctx.https,
      request("GET", "/index.html", ctx.httpsHost),
      "GET",
      5000,
    );
    const shown = words.secondClient(describe(got, words));
    return got.kind === "response" && got.head.status === 200
      ? pass(sent, shown)
      : fail(sent, shown, words.silentWant);
  } catch (error) {
    return fail(sent, errorText(error, words));
  } finally {
    try {
      silent?.close();
    } catch { /* already closed */ }
  }
}

/** MANY clients at once, as a class of students (or a page with many images) does: all
 * connections are open, handshakes done, before the first request is sent. */
const MANY = 30;

async function robustMany(ctx: Context): Promise<Outcome> {
  const one = request("GET", "/index.html", ctx.httpsHost, "Connection: close\r\n");
  const words = ctx.words;
  const sent = words.manySent(MANY, one);
  const opened = await Promise.allSettled(
    Array.from({ length: MANY }, () => Wire.open(ctx.https, 10000)),
  );
  const wires = opened.flatMap((o) => o.status === "fulfilled" ? [o.value] : []);
  try {
    const answers = await Promise.all(wires.map(async (wire) => {
      await wire.send(one).catch(() => {});
      return await wire.response("GET", 10000);
    }));
    const served = answers.filter((a) => a.kind === "response" && a.head.status === 200).length;
    const refused = opened.find((o) => o.status === "rejected") as PromiseRejectedResult;
    const other = answers.find((a) => a.kind !== "response" || a.head.status !== 200);
    const got = words.manyServed(served, MANY) +
      (refused ? ` | ${words.aConnection(errorText(refused.reason, words))}` : "") +
      (other ? ` | ${words.another(describe(other, words))}` : "");
    return served === MANY ? pass(sent, got) : fail(sent, got, `${MANY} × HTTP/1.1 200`);
  } finally {
    for (const wire of wires) wire.close();
  }
}

/** Asks for a big answer and closes after its first bytes: the server's next write fails. */
async function robustVanish(ctx: Context): Promise<Outcome> {
  // Without --root, /index.html asked for often enough to add up to 32 MB: far more than the
  // socket buffers hold, so the server is still writing when the client vanishes.
  const big = ctx.files?.big.urlPath;
  const one = request("GET", big ?? "/index.html", ctx.httpsHost);
  const times = Math.min(2000, Math.ceil(32 * 1024 * 1024 / Math.max(ctx.index?.length ?? 0, 1)));
  const all = big ? one : one.repeat(times);
  const sent = ctx.words.vanishSent(big ? one : `${times} × ${one}`);
  try {
    const wire = await Wire.open(ctx.https);
    await wire.send(all);
    const head = await wire.headOnly();
    wire.close();
    return pass(sent, head ? ctx.words.vanished(head.statusLine) : ctx.words.noAnswer);
  } catch (error) {
    return pass(sent, ctx.words.vanishedError(errorText(error, ctx.words)));
  }
}

/** A port scanner's connect-and-close, then plain HTTP instead of a ClientHello. The verdict
 * comes from the liveness probe after it: a server that exits on a failed handshake dies here. */
async function robustGarbage(ctx: Context): Promise<Outcome> {
  const garbage = request("GET", "/", ctx.httpsHost);
  const sent = ctx.words.garbageSent(shownBytes(garbage, ctx.words));
  try {
    (await connectTcp(ctx.https)).close();
    const conn = await connectTcp(ctx.https);
    await conn.write(new TextEncoder().encode(garbage)).catch(() => 0);
    const reply = new Uint8Array(64);
    const timer = setTimeout(() => conn.close(), 2000);
    const n = await conn.read(reply).catch(() => null);
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
    return pass(sent, n === null ? ctx.words.closed : shownBytes(reply.subarray(0, n), ctx.words));
  } catch (error) {
    return pass(sent, errorText(error, ctx.words));
  }
}

/** A request too long for a fixed buffer: any answer will do, but an answer there must be. */
async function tooLong(ctx: Context, target: string, extra: string): Promise<Outcome> {
  const sent = request("GET", target, ctx.httpsHost, extra + "Connection: close\r\n");
  const got = await exchange(ctx.https, sent, "GET", 5000);
  const shown = describe(got, ctx.words);
  if (got.kind === "response") return pass(shownBytes(sent, ctx.words, 60), shown);
  return got.kind === "closed"
    ? fail(shownBytes(sent, ctx.words, 60), shown, ctx.words.anAnswer, "silent")
    : fail(shownBytes(sent, ctx.words, 60), shown, ctx.words.anAnswer);
}

const robustLongUrl = (ctx: Context) => tooLong(ctx, "/" + "a".repeat(10 * 1024), "");
const robustLongHeader = (ctx: Context) =>
  tooLong(ctx, "/index.html", `X-Grade: ${"a".repeat(8000)}\r\n`);

const TRAVERSALS = [
  "/../../../../../../../../etc/passwd",
  "/dir/../../../../../../../../etc/passwd",
  "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
  "/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
];

/** GETs each target; a 200 whose body holds `secret` is a FAIL. */
async function mustNotServe(ctx: Context, targets: string[], secret: RegExp): Promise<Outcome> {
  const seen: string[] = [];
  for (const target of targets) {
    const sent = request("GET", target, ctx.httpsHost, "Connection: close\r\n");
    const got = await exchange(ctx.https, sent);
    const shown = describe(got, ctx.words);
    seen.push(shown.split(" | ")[0]);
    if (got.kind === "response" && got.head.status === 200 && secret.test(latin(got.body))) {
      const body = ctx.words.body(shownBytes(got.body, ctx.words, 40));
      return fail(sent, `${shown} | ${body}`, ctx.words.notServed);
    }
  }
  return pass(targets.join(" "), seen.join(" || "));
}

const latin = (bytes: Uint8Array) => String.fromCharCode(...bytes.subarray(0, 4096));
const robustTraversal = (ctx: Context) => mustNotServe(ctx, TRAVERSALS, /root:.*:0:0:/);
const robustPrivateKey = (ctx: Context) =>
  mustNotServe(ctx, [ctx.keyPath, `/dir/..${ctx.keyPath}`], /PRIVATE KEY/);

/** Every check, in the order they run. */
export const CHECKS: Check[] = [
  { id: "tcp.http", stage: "connect", run: connectPlain },
  { id: "tcp.https", stage: "connect", run: connectTls },
  { id: "tls.handshake", stage: "tls", run: (ctx) => Promise.resolve(ctx.tlsHandshake!) },
  { id: "tls.version", stage: "tls", run: tlsVersion },
  { id: "tls.certificate", stage: "tls", run: tlsCertificate },
  { id: "tls.san", stage: "tls", run: tlsSan },
  { id: "tls.alpn", stage: "tls", run: tlsAlpn },
  { id: "redirect.status", stage: "redirect", run: redirectStatus },
  { id: "redirect.location", stage: "redirect", run: redirectLocation },
  { id: "redirect.query", stage: "redirect", run: redirectQuery },
  { id: "redirect.host-port", stage: "redirect", run: redirectHostPort },
  { id: "redirect.absolute-form", stage: "redirect", run: redirectAbsolute },
  { id: "redirect.framing", stage: "redirect", run: redirectFraming },
  { id: "files.index", stage: "files", run: filesIndex },
  { id: "files.dir", stage: "files", run: filesDir },
  { id: "files.content-type", stage: "files", run: filesContentType },
  { id: "files.text", stage: "files", needsRoot: true, run: filesText },
  { id: "files.binary", stage: "files", needsRoot: true, run: filesBinary },
  { id: "files.big", stage: "files", needsRoot: true, settle: 300, run: filesBig },
  { id: "files.name", stage: "files", needsRoot: true, run: filesName },
  { id: "notfound.status", stage: "notfound", run: notFoundStatus },
  { id: "notfound.framing", stage: "notfound", run: notFoundFraming },
  { id: "range.first-last", stage: "range", run: rangeFirstLast },
  { id: "range.content-range", stage: "range", run: rangeContentRange },
  { id: "range.open", stage: "range", run: rangeOpen },
  { id: "range.suffix", stage: "range", run: rangeSuffix },
  { id: "range.clamped", stage: "range", run: rangeClamped },
  { id: "range.unsatisfiable", stage: "range", run: rangeUnsatisfiable },
  { id: "range.vlc", stage: "range", settle: 500, run: rangeVlc },
  { id: "head.no-body", stage: "head", run: headNoBody },
  { id: "version.status-line", stage: "versions", run: versionStatusLine },
  { id: "version.http10", stage: "versions", run: versionHttp10 },
  { id: "keepalive.sequential", stage: "keepalive", run: (ctx) => several(ctx, false) },
  { id: "keepalive.pipelining", stage: "keepalive", run: (ctx) => several(ctx, true) },
  { id: "robust.split", stage: "robust", run: robustSplit },
  { id: "robust.garbage", stage: "robust", settle: 300, run: robustGarbage },
  { id: "robust.silent", stage: "robust", run: robustSilent },
  { id: "robust.many", stage: "robust", run: robustMany },
  { id: "robust.vanish", stage: "robust", settle: 500, run: robustVanish },
  { id: "robust.long-url", stage: "robust", settle: 200, run: robustLongUrl },
  { id: "robust.long-header", stage: "robust", settle: 200, run: robustLongHeader },
  { id: "robust.traversal", stage: "robust", run: robustTraversal },
  { id: "robust.private-key", stage: "robust", run: robustPrivateKey },
];

/** Is the server still there? A GET on a new TLS connection within 5 s; where TLS never
 * worked (tls.handshake failed), a TCP connect to the port instead, so that a server with a
 * broken TLS setup is still graded on what can be graded. */
export async function alive(ctx: Context): Promise<boolean> {
  if (ctx.tlsHandshake?.verdict !== "PASS") {
    try {
      (await connectTcp(ctx.https)).close();
      return true;
    } catch {
      return false;
    }
  }
  const got = await exchange(
    ctx.https,
    request("GET", "/index.html", ctx.httpsHost, "Connection: close\r\n"),
    "GET",
    5000,
  );
  return got.kind === "response";
}
