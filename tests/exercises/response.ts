// tests/exercises/response.ts — your version of lib/response.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise response

// lib/response.ts — the bytes a response starts with (RFC 9112 §4, RFC 9110 §6–§8): status
// line, header fields, dates, media types, and the small HTML page every error carries.
// Pure: the time is an argument. lib/reply.ts puts them together (frameReply), and server.ts
// writes what that returns (writeReply).

import { STATUS_TEXT } from "@std/http";
import { contentType } from "@std/media-types";
import { extname } from "@std/path";

/** A header field as server.ts collects them: name and value, in the order they are sent. */
export type Field = [name: string, value: string | number];

/** reasonPhrase is the text after the status code ("Not Found"), from @std/http's table.
 * RFC 9112 §4: "A client SHOULD ignore the reason-phrase content": it is for people reading the
 * bytes (us, in class), so an unknown code gets a plain "Unknown" rather than an error. */
export function reasonPhrase(status: number): string {
  // TODO: write reasonPhrase. Its lesson: "## reasonPhrase" in LESSON.md.
  throw new Error("TODO: reasonPhrase");
}

/** The month names of HTTP-dates (RFC 9110 §5.6.7) and of the access log, in order. */
export const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

/** httpDate formats a time (milliseconds since 1970) as an IMF-fixdate, the one date format a
 * server may send: RFC 9110 §5.6.7, "Sun, 06 Nov 1994 08:49:37 GMT". */
export function httpDate(ms: number): string {
  // TODO: write httpDate. Its lesson: "## httpDate" in LESSON.md.
  throw new Error("TODO: httpDate");
}

/** responseHead builds the status line and header section of a response, ending with the empty
 * line. RFC 9112 §4: `status-line = HTTP-version SP status-code SP [ reason-phrase ]`; §2.1: every
 * line ends with CRLF and an empty line ends the head. We always answer as HTTP/1.1, even to a
 * 1.0 client: RFC 9110 §6.2, "A server SHOULD send a response version equal to the highest
 * version to which the server is conformant that has a major version less than or equal to the
 * one received in the request". */
export function responseHead(status: number, fields: Field[]): string {
  // TODO: write responseHead. Its lesson: "## responseHead" in LESSON.md.
  throw new Error("TODO: responseHead");
}

/** mediaType is the `Content-Type` of a file, from its final extension via @std/media-types
 * (`.html` → "text/html; charset=UTF-8", `.mp4` → "video/mp4"). An unknown extension gets
 * "application/octet-stream": RFC 9110 §8.3, "If a Content-Type header field is not present, the
 * recipient MAY either assume a media type of "application/octet-stream" ... or examine the data
 * to determine its type" — and sniffing can turn a student's upload into a script in a browser. */
export function mediaType(path: string): string {
  // TODO: write mediaType. Its lesson: "## mediaType" in LESSON.md.
  throw new Error("TODO: mediaType");
}

/** statusPage is the small HTML body sent with a 3xx, 4xx or 5xx: the status and one sentence
 * saying what happened. RFC 9110 §15.5: "the server SHOULD send a representation containing an
 * explanation of the error situation"; §15.4: a redirect's body usually holds "a short hypertext
 * note with a hyperlink to the different URI(s)", for clients that do not follow Location. The
 * sentence is escaped, and never holds a file-system path or a stack trace: those stay on the
 * server's console. */
export function statusPage(status: number, reason: string): string {
  // TODO: write statusPage. Its lesson: "## statusPage" in LESSON.md.
  throw new Error("TODO: statusPage");
}

/** htmlPage is the frame of every page the server makes itself (error pages, folder listings):
 * a doctype, the charset (so a browser never guesses it, RFC 9110 §8.3.2), a title repeated as
 * the heading, the content, and the server's name at the foot. `title` and `content` are HTML
 * already: whoever puts text from a request into them escapes it first (escapeHtml). */
export function htmlPage(title: string, content: string): string {
  // TODO: write htmlPage. Its lesson: "## htmlPage" in LESSON.md.
  throw new Error("TODO: htmlPage");
}

/** escapeHtml replaces the five characters HTML gives meaning to, so text shows as text. */
export function escapeHtml(text: string): string {
  // TODO: write escapeHtml. Its lesson: "## escapeHtml" in LESSON.md.
  throw new Error("TODO: escapeHtml");
}

/** hexByte is the two upper-case hex digits of a character below U+0100: "A" → "41". A URI
 * writes a byte it cannot carry as `%41` (RFC 3986 §2.1: "For consistency, URI producers and
 * normalizers should use uppercase hexadecimal digits"), and the access log writes one that
 * could forge a line as `\x41`: both are made from these two digits. */
export function hexByte(char: string): string {
  // TODO: write hexByte. Its lesson: "## hexByte" in LESSON.md.
  throw new Error("TODO: hexByte");
}

/** connectionFields says whether this connection stays open, in the response (RFC 9112 §9.6:
 * "A server that sends a "close" connection option MUST initiate closure of the connection ...
 * after it sends the response containing "close""). An HTTP/1.0 client that asked for keep-alive
 * must hear "keep-alive" back, or it assumes the connection closes (RFC 9112 §C.2.2). */
export function connectionFields(keepAlive: boolean, minorVersion: number): Field[] {
  // TODO: write connectionFields. Its lesson: "## connectionFields" in LESSON.md.
  throw new Error("TODO: connectionFields");
}
