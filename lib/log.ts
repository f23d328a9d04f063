// lib/log.ts — one line per response, in the Common Log Format that Apache, nginx and every log
// tool read, and the text that --trace and the startup banner print. Pure: server.ts passes the
// time and prints the line (see logResponse there).

import { bracketIPv6 } from "./redirect.ts";
import { hexByte, MONTHS } from "./response.ts";

/** What the access log records about one response. */
export interface LogEntry {
  /** The client's IP address. */
  client: string;
  /** When the response was sent, in milliseconds since 1970. */
  timeMs: number;
  /** The request line as received ("GET /index.html HTTP/1.1"), or "-" if there was none. */
  requestLine: string;
  status: number;
  /** Body bytes sent (not counting the head); 0 is written "-", as CLF does. */
  bytes: number;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** accessLogLine formats one entry in the Common Log Format (NCSA httpd, later Apache's "common"):
 * `client ident user [day/Mon/year:hh:mm:ss zone] "request line" status bytes`, e.g.
 * `10.0.0.2 - - [22/Nov/2026:10:11:12 +0000] "GET /index.html HTTP/1.1" 200 5120`.
 * Times are in UTC. Quotes, backslashes and control bytes in the request line are escaped as
 * nginx does (`\x22`), so a hostile request cannot forge a second log line or break a parser. */
export function accessLogLine(entry: LogEntry): string {
  const t = new Date(entry.timeMs);
  const date = `${pad(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;
  // deno-lint-ignore no-control-regex -- control bytes are exactly what must not reach the log
  const request = entry.requestLine.replace(/["\\\x00-\x1f\x7f-\xff]/g, hexEscape);
  const bytes = entry.bytes === 0 ? "-" : String(entry.bytes);
  return `${entry.client} - - [${date}] "${request}" ${entry.status} ${bytes}`;
}

function hexEscape(char: string): string {
  return "\\x" + hexByte(char);
}

/** printable makes text safe to print on a terminal: every control character — C0 (below U+0020),
 * DEL and C1 (U+0080–U+009F), which include ESC, CSI and OSC, the starts of the sequences that
 * move the cursor, clear the screen or set a window's title — becomes `\xNN`, so bytes a client
 * sent can neither hide a line on the projector nor forge one. */
export function printable(text: string): string {
  // deno-lint-ignore no-control-regex -- control characters are exactly what must not be printed
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, hexEscape);
}

/** traceHead shows a message head as it crossed the wire, for `--trace` on a projector: one line
 * per header line, each behind `who` (the connection's name in the trace, `#1`) and an arrow
 * (`▶` from the client, `◀` from the server); the empty line that ends the head is shown as
 * `▶ ␍␊`, and control bytes as `\xNN`, so nothing in a hostile head can move the cursor or fake
 * another line. */
export function traceHead(arrow: "▶" | "◀", who: string, head: string): string {
  const lines = head.replace(/\r?\n\r?\n$/, "").split(/\r?\n/);
  const shown = lines.map(printable);
  return [...shown, "␍␊"].map((line) => `${who} ${arrow} ${line}`).join("\n");
}

/** traceRange spells out the range arithmetic of one request for `--trace`:
 * `Range: bytes=100-200 of 3174 bytes → 206, bytes 100-200 (101 bytes)`. The answer is the
 * parseRange answer's kind and parts, so the line shows exactly what the server decided. */
export function traceRange(
  value: string,
  size: number,
  answer: { kind: string; parts?: { first: number; last: number }[] },
): string {
  const head = `Range: ${value} of ${size} bytes →`;
  if (answer.kind === "unsatisfiable") return `${head} 416, no byte of it exists`;
  if (answer.kind !== "parts" || !answer.parts) return `${head} ignored, 200 with the whole file`;
  const parts = answer.parts.map((p) => {
    const n = p.last - p.first + 1;
    return `bytes ${p.first}-${p.last} (${n} ${n === 1 ? "byte" : "bytes"})`;
  });
  return `${head} 206, ${parts.join(", ")}`;
}

/** What the startup banner says. */
export interface BannerInfo {
  root: string;
  /** Addresses a client can reach this host at (127.0.0.1, 10.0.0.1, ...). */
  addresses: string[];
  httpPort: number;
  httpsPort: number;
  /** Whether the plain port redirects (else it serves files too: --no-redirect). */
  redirect: boolean;
  /** The certificate's subject, and when it expires (NaN if unknown). */
  certificate: string;
  expiresMs: number;
  nowMs: number;
  /** Whether Nagle's algorithm is off on the listening sockets (see server.ts, turnOffNagle). */
  nagle: string;
}

/** startupBanner is what the server prints when it is ready, like the servers students know:
 * the URLs to open on each port (the port left out where it is the scheme's default, 80 or
 * 443, as a browser would), the folder served, the certificate and how long it stays valid, and
 * how to stop. An expired certificate is called out: browsers then refuse even to warn. */
export function startupBanner(info: BannerInfo): string {
  const url = (scheme: string, address: string, port: number, standard: number) => {
    return `${scheme}://${bracketIPv6(address)}${port === standard ? "" : `:${port}`}/`;
  };
  const days = Math.floor((info.expiresMs - info.nowMs) / 86_400_000);
  const validity = Number.isNaN(days)
    ? ""
    : days < 0
    ? `, EXPIRED ${-days} days ago (make a new one: deno task certs)`
    : `, valid for ${days} more days`;
  return [
    `tinyhttps: serving ${info.root}`,
    ...info.addresses.map((a) => `  ${url("https", a, info.httpsPort, 443)}  files`),
    ...info.addresses.map((a) =>
      `  ${url("http", a, info.httpPort, 80)}  ${
        info.redirect ? "301 to https" : "files, plain text"
      }`
    ),
    `  certificate: ${info.certificate}${validity}`,
    `  ${info.nagle}`,
    "  press Ctrl-C to stop",
  ].join("\n");
}
