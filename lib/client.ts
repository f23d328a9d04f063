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
  const text = Array.from(bytes.subarray(0, 64 * 1024), (b) => String.fromCharCode(b)).join("");
  const firstLine = /^[^\n]*\n/.exec(text)?.[0].replace(/\r?\n$/, "");
  if (firstLine !== undefined && !STATUS_LINE.test(firstLine)) {
    return { kind: "invalid", why: "the first line is not `HTTP/1.x NNN reason` (RFC 9112 §4)" };
  }
  if (firstLine === undefined && !"HTTP/".startsWith(text.slice(0, 5))) {
    return { kind: "invalid", why: "the bytes do not start with `HTTP/` (RFC 9112 §4)" };
  }
  const end = /\r?\n\r?\n/.exec(text);
  if (end === null) return { kind: "incomplete" };
  const [statusLine, ...lines] = text.slice(0, end.index).split(/\r?\n/);
  const [, version, status, reason] = STATUS_LINE.exec(statusLine)!;
  const fields: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { kind: "invalid", why: `the field line "${line}" has no name:` };
    fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const length = end.index + end[0].length;
  return {
    kind: "head",
    head: { statusLine, version, status: Number(status), reason, fields, length },
  };
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
  const s = head.status;
  if (method === "HEAD" || (s >= 100 && s < 200) || s === 204 || s === 304) return { kind: "none" };
  const values = (name: string) => head.fields.filter(([n]) => n === name).map(([, v]) => v);
  const coding = values("transfer-encoding").join(",").toLowerCase().split(",").map((c) =>
    c.trim()
  );
  if (coding.at(-1) === "chunked") return { kind: "chunked" };
  const lengths = values("content-length").join(",").split(",").map((v) => v.trim());
  if (lengths.length === 1 && lengths[0] === "") return { kind: "close" };
  if (!lengths.every((v) => /^\d+$/.test(v) && v === lengths[0])) {
    return { kind: "invalid", why: `Content-Length: ${values("content-length").join(", ")}` };
  }
  return { kind: "length", length: Number(lengths[0]) };
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
  const unsatisfied = /^bytes \*\/(\d+)$/i.exec(value.trim());
  if (unsatisfied !== null) return { kind: "unsatisfied", size: Number(unsatisfied[1]) };
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (match === null) return { kind: "invalid" };
  const first = Number(match[1]), last = Number(match[2]);
  const size = match[3] === "*" ? undefined : Number(match[3]);
  if (last < first || (size !== undefined && size <= last)) return { kind: "invalid" };
  return { kind: "range", first, last, size };
}
