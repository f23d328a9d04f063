// tests/exercises/request.ts — your version of lib/request.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise request

// lib/request.ts — reading an HTTP/1.1 request head (RFC 9112 §2–§6) from text into a value.
// Pure: it sees only the bytes server.ts hands it (see readRequestHead() there) and answers with
// a RequestHead or with the 4xx/5xx status the bytes deserve. Where the request goes next is
// decided by lib/target.ts (files) and lib/redirect.ts (port 80).

/** The longest request-target we parse. RFC 9112 §3: "It is RECOMMENDED that all HTTP senders
 * and recipients support, at a minimum, request-line lengths of 8000 octets." Longer → 414. */
export const MAX_TARGET_LENGTH = 8000;

/** The largest request head (request line + header section) we accept, in bytes. A head that
 * does not end within this many bytes gets 431 (RFC 6585 §5), or 414 if it is the target that
 * is too long. server.ts sizes its read buffer from this number. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The most header fields one request may carry; more → 431 (RFC 9110 §17.5 lists header
 * floods among the denial-of-service attacks a server must limit). */
export const MAX_FIELD_COUNT = 100;

/** One parsed request head. Field names are lower-cased (RFC 9110 §5.1: "Field names are
 * case-insensitive"); each name maps to its values in the order they arrived. */
export interface RequestHead {
  /** The first line as received, for the access log. */
  requestLine: string;
  method: string;
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and for any later 1.x, RFC 9112 §2.3). */
  minorVersion: number;
  fields: Map<string, string[]>;
}

/** An answer that ends the request with an error status before any file is touched. */
export interface HttpError {
  kind: "error";
  status: number;
  /** One sentence for the console and the error page: what was wrong, and the rule. */
  reason: string;
  /** The request line, when one could be read (for the access log). */
  requestLine?: string;
}

/** parseRequestHead's answer: a head, or the error status that the bytes deserve. */
export type HeadAnswer = { kind: "head"; head: RequestHead } | HttpError;

/** httpError is the answer of a parser that found the status a request deserves: `status` and
 * one sentence saying what was wrong and which rule says so (RFC 9110 §15.5: "the server SHOULD
 * send a representation containing an explanation of the error situation"). */
export function httpError(status: number, reason: string): HttpError {
  // TODO: write httpError. Its lesson: "## httpError" in LESSON.md.
  throw new Error("TODO: httpError");
}

/** RFC 9110 §5.6.2: token = 1*tchar; method and field names are tokens (and so are the field
 * names a CGI program prints, lib/cgi.ts). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field values are visible ASCII, SP, HTAB and obs-text; never CR, LF or NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 9112 §3.2: the request-target is visible ASCII (URI characters); no spaces, no controls. */
const TARGET = /^[\x21-\x7e]+$/;
/** RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, and HTTP-name is case-sensitive. */
const VERSION = /^HTTP\/(\d)\.(\d)$/;
/** RFC 3986 §3.2.2 + §3.2.3: Host = uri-host [ ":" port ], where uri-host is an IP literal in
 * brackets, or a reg-name (which includes dotted IPv4). Nothing here can contain "/", "@" or "\",
 * so a checked Host can never smuggle a path or a user name into a redirect. The host may not be
 * empty: a server names its own resources, and RFC 9112 §3.3 lets it refuse a request whose
 * authority is empty (as nginx does). */
const HOST_FIELD =
  /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::\d*)?$/;

/** findHeadEnd finds where the request head ends in `bytes[0 .. length)`, looking from `from`
 * on, and returns the index just past the empty line, or -1 if the head is not complete yet.
 * RFC 9112 §2.1: the head ends with an empty line; §2.2: "a recipient MAY recognize a single LF
 * as a line terminator and ignore any preceding CR", so "\n\n" and "\n\r\n" end a head too.
 * Empty lines before the request line end nothing: RFC 9112 §2.2, a server "SHOULD ignore at
 * least one empty line (CRLF) received prior to the request-line" (a client may send CRLF after a
 * POST body), so the search starts after them, and parseRequestHead drops them.
 * A read may return any part of a request: this is why servers loop until the empty line. */
export function findHeadEnd(bytes: Uint8Array, from: number, length: number): number {
  // TODO: write findHeadEnd. Its lesson: "## findHeadEnd" in LESSON.md.
  throw new Error("TODO: findHeadEnd");
}

/** leadingEmptyLines counts the bytes at the start of `bytes[0 .. length)` that are empty lines
 * (CR and LF) before a request line: RFC 9112 §2.2, "a server that is expecting to receive and
 * parse a request-line SHOULD ignore at least one empty line (CRLF) received prior to the
 * request-line" — a client may send CRLF after a POST body. */
export function leadingEmptyLines(bytes: Uint8Array, length: number): number {
  // TODO: write leadingEmptyLines. Its lesson: "## leadingEmptyLines" in LESSON.md.
  throw new Error("TODO: leadingEmptyLines");
}

/** looksLikeTlsHello tells whether the first bytes a client sent begin a TLS record (RFC 8446
 * §5.1): content type 22 (0x16, handshake), then the legacy version's first byte, 3. No HTTP
 * request starts with byte 0x16, so a server on a plain port can tell from the first byte that
 * the client meant to speak TLS (a URL with https:// and port 80), and need not wait for an
 * empty line that will never come. */
export function looksLikeTlsHello(bytes: Uint8Array, length: number): boolean {
  // TODO: write looksLikeTlsHello. Its lesson: "## looksLikeTlsHello" in LESSON.md.
  throw new Error("TODO: looksLikeTlsHello");
}

/** headTooLargeStatus says which status a head gets when MAX_HEAD_BYTES arrived without its
 * empty line: 414 if the request line itself never ended (RFC 9112 §3: "A server that receives a
 * request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long)
 * status code"), else 431 (RFC 6585 §5, "Request Header Fields Too Large"). */
export function headTooLargeStatus(bytes: Uint8Array, length: number): 414 | 431 {
  // TODO: write headTooLargeStatus. Its lesson: "## headTooLargeStatus" in LESSON.md.
  throw new Error("TODO: headTooLargeStatus");
}

/** parseRequestHead turns the bytes of one request head (everything up to and including its empty
 * line, as findHeadEnd() delimits it) into a RequestHead, or into the error status it deserves:
 * - 400 for a malformed request line or field line, a bare CR, a space before a colon
 *   (RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request),
 *   any received request message that contains whitespace between a header field name and
 *   colon"), obs-fold (§5.2), or an HTTP/1.1 request without exactly one valid Host (§3.2:
 *   "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message
 *   that lacks a Host header field and to any request message that contains more than one Host
 *   header field line or a Host header field with an invalid field value"; an empty Host, and a
 *   target with a fragment ("#"), which no request-target form has, are refused too);
 * - 414 for a target longer than MAX_TARGET_LENGTH, 431 for more than MAX_FIELD_COUNT fields;
 * - 505 for a major version other than 1 (RFC 9110 §15.6.6).
 * Method names are not judged here: see classifyMethod(). */
export function parseRequestHead(bytes: Uint8Array): HeadAnswer {
  // TODO: write parseRequestHead. Its lesson: "## parseRequestHead" in LESSON.md.
  throw new Error("TODO: parseRequestHead");
}

type RequestLine = { kind: "line"; method: string; target: string; minorVersion: number };

/** fieldValue returns the value of a field that may appear once, joining repeated lines with ", "
 * as RFC 9110 §5.3 allows for list-based fields only ("A recipient MAY combine multiple field
 * lines ... separated by a comma"); never use it for `Set-Cookie`, which "cannot be combined into
 * a single field value". Undefined when the field is absent. */
export function fieldValue(head: RequestHead, name: string): string | undefined {
  // TODO: write fieldValue. Its lesson: "## fieldValue" in LESSON.md.
  throw new Error("TODO: fieldValue");
}

/** What a file server does with a method: RFC 9110 §9.1, "All general-purpose servers MUST
 * support the methods GET and HEAD. All other methods are OPTIONAL." */
export type MethodClass = "supported" | "not-allowed" | "unknown";

/** The methods RFC 9110 §9 defines, plus PATCH (RFC 5789). Case matters (RFC 9110 §9.1: "The
 * method token is case-sensitive"), so "get" is an unknown method, not GET. */
const KNOWN_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
];

/** classifyMethod sorts a method into the three answers a static file server has:
 * "supported" (GET, HEAD), "not-allowed" (a method HTTP defines → 405, and RFC 9110 §15.5.6
 * "The origin server MUST generate an Allow header field in a 405 response"), or "unknown"
 * (→ 501, §15.6.2: "the server does not recognize the request method"). */
export function classifyMethod(method: string): MethodClass {
  // TODO: write classifyMethod. Its lesson: "## classifyMethod" in LESSON.md.
  throw new Error("TODO: classifyMethod");
}

/** keepAlive tells whether the connection stays open after answering this request.
 * RFC 9112 §9.3: "If the "close" connection option is present, the connection will not persist
 * after the current response; else, If the received protocol is HTTP/1.1 (or later), the
 * connection will persist after the current response; else, If the received protocol is
 * HTTP/1.0, the "keep-alive" connection option is present, ... the connection will persist". */
export function keepAlive(head: RequestHead): boolean {
  // TODO: write keepAlive. Its lesson: "## keepAlive" in LESSON.md.
  throw new Error("TODO: keepAlive");
}

/** How the body of a request is framed, so the server can skip it before the next request. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | HttpError;

/** requestBodyFraming reads Content-Length and Transfer-Encoding (RFC 9112 §6.1–§6.3).
 * Both together → 400, since §6.1 says such a message "ought to be handled as an error" and the
 * server MUST close the connection afterwards (request smuggling); an invalid or disagreeing
 * Content-Length → 400 (§6.3: "the recipient MUST treat it as an unrecoverable error"); a
 * transfer coding other than chunked → 501 (§6.1: "A server that receives a request message with
 * a transfer coding it does not understand SHOULD respond with 501 (Not Implemented)"). */
export function requestBodyFraming(head: RequestHead): BodyFraming {
  // TODO: write requestBodyFraming. Its lesson: "## requestBodyFraming" in LESSON.md.
  throw new Error("TODO: requestBodyFraming");
}
