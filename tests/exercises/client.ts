// tests/exercises/client.ts — your version of lib/client.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise client

// lib/client.ts — the other side of the wire: reading a response as a client does (RFC 9112 §4,
// §6.3; RFC 9110 §14.4). The server never needs this; the grader (tests/grade.ts, which checks
// anyone's server and explains each failure) does, and it is the same HTTP that lib/request.ts
// reads from the other end. Pure: tests/grade/wire.ts reads the bytes and hands them here.

/** One response head, as a client reads it. Field names are lower-cased (RFC 9110 §5.1); a field
 * sent twice keeps both lines, in order, so "Content-Length appears twice" can be seen. */
export interface ResponseHead {
  /** The status line as received, for a report. */
  statusLine: string;
  /** "HTTP/1.1", "HTTP/1.0", … exactly as the server wrote it. */
  version: string;
  status: number;
  reason: string;
  fields: [name: string, value: string][];
  /** Bytes of the head, empty line included: the body starts here. */
  length: number;
}

/** parseResponseHead's answer: a head, not yet a whole head, or bytes that are no response. */
export type ResponseHeadAnswer =
  | { kind: "head"; head: ResponseHead }
  | { kind: "incomplete" }
  | { kind: "invalid"; why: string };

/** RFC 9112 §4: `status-line = HTTP-version SP status-code SP [ reason-phrase ]`, with
 * `status-code = 3DIGIT`; HTTP-version is `HTTP-name "/" DIGIT "." DIGIT` (§2.3). */
const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3}) ?([\t\x20-\x7e\x80-\xff]*)$/;

/** parseResponseHead reads the response head at the start of `bytes`: the status line, then
 * `name: value` field lines, up to the empty line (RFC 9112 §2.1). A client, like a server, must
 * wait for that empty line: one read() may hold half a head, or a head and a body. So the answer
 * is "incomplete" until the empty line is in, and "invalid" (with the reason) when the first line
 * is no status line: the bytes of an HTML page or of a file sent without a head, say. RFC 9112
 * §2.2 lets a recipient accept a bare LF as a line ending, and so does this. */
export function parseResponseHead(bytes: Uint8Array): ResponseHeadAnswer {
  // TODO: write parseResponseHead. Its lesson: "## parseResponseHead" in LESSON.md.
  throw new Error("TODO: parseResponseHead");
}

/** How a client finds where a response body ends (RFC 9112 §6.3), in the order the RFC gives. */
export type ResponseFraming =
  | { kind: "none" } // HEAD, 1xx, 204, 304: no body, whatever the fields say
  | { kind: "chunked" } // Transfer-Encoding: chunked
  | { kind: "length"; length: number } // Content-Length
  | { kind: "close" } // neither: the body is everything until the server closes
  | { kind: "invalid"; why: string };

/** responseFraming says where the body of a response ends, RFC 9112 §6.3: "Any response to a
 * HEAD request and any response with a 1xx (Informational), 204 (No Content), or 304 (Not
 * Modified) status code is always terminated by the first empty line after the header fields";
 * then Transfer-Encoding chunked; then a valid Content-Length ("If a message is received without
 * Transfer-Encoding and with an invalid Content-Length header field, then the message framing is
 * invalid"; several equal values count as one, §8.6); else "the message body length is
 * determined by the number of octets received prior to the server closing the connection". That
 * last case is why a 404 without Content-Length leaves a keep-alive client waiting forever. */
export function responseFraming(head: ResponseHead, method: string): ResponseFraming {
  // TODO: write responseFraming. Its lesson: "## responseFraming" in LESSON.md.
  throw new Error("TODO: responseFraming");
}

/** parseContentRange's answer: the part a 206 carries, or the size a 416 reports. */
export type ContentRangeAnswer =
  | { kind: "range"; first: number; last: number; size: number | undefined } // size "*": unknown
  | { kind: "unsatisfied"; size: number }
  | { kind: "invalid" };

/** parseContentRange reads a `Content-Range` value, RFC 9110 §14.4:
 * `Content-Range = range-unit SP ( range-resp / unsatisfied-range )`,
 * `range-resp = incl-range "/" ( complete-length / "*" )`, `incl-range = first-pos "-" last-pos`,
 * `unsatisfied-range = "*" "/" complete-length`. "A Content-Range field value is invalid if it
 * contains a range-resp that has a last-pos value less than its first-pos value, or a
 * complete-length value less than or equal to its last-pos value." Only the unit `bytes` is
 * known here; anything else is "invalid". */
export function parseContentRange(value: string): ContentRangeAnswer {
  // TODO: write parseContentRange. Its lesson: "## parseContentRange" in LESSON.md.
  throw new Error("TODO: parseContentRange");
}
