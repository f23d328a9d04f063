// tests/exercises/reply.ts — your version of lib/reply.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise reply

// lib/reply.ts — the answer to a request as a value, a Reply, chosen before any byte is written.
// Pure: every status the server sends is chosen by a function that returns a Reply (here, and
// redirectReply, listingReply's page and cgiReply next to their own rules); server.ts only
// finds the facts (the file on disk, the clock) and writes what comes back (writeReply there).

import {
  evaluatePreconditions,
  fileValidators,
  ifRangeAllows,
  type Validators,
} from "../../lib/conditional.ts";
import { multipartFrame } from "../../lib/multipart.ts";
import { type ByteRange, contentRange, parseRange, unsatisfiedRange } from "../../lib/range.ts";
import { classifyMethod, fieldValue, keepAlive, type RequestHead } from "../../lib/request.ts";
import {
  connectionFields,
  type Field,
  httpDate,
  mediaType,
  responseHead,
  statusPage,
} from "../../lib/response.ts";
import { directoryLocation } from "../../lib/target.ts";

/** What follows the head: bytes the server made (a page, a multipart part header), or a range of
 * the file being served, which the writer reads from disk (or from memory) as it sends. */
export type BodyPart = Uint8Array | ByteRange;

/** One answer, complete but for the fields every response carries (frameReply adds those). */
export interface Reply {
  status: number;
  /** The header fields this answer needs, in the order they are sent. */
  fields: Field[];
  /** The body as a GET would get it; frameReply leaves it out where HTTP says so (HEAD, 304). */
  body: BodyPart[];
  /** Close the connection after this answer, whatever the request asked. */
  close: boolean;
  /** For error pages: the sentence that says why, for the page and the server's console. */
  reason?: string;
}

/** What the server found out about a file on disk: all a file's Reply depends on. */
export interface FileFacts extends Validators {
  size: number;
  /** Its Content-Type (mediaType). */
  type: string;
  /** Its Last-Modified field value: `modifiedMs` as an HTTP-date. */
  lastModified: string;
}

/** The page of a 200 with nothing in it, and of a HEAD: no byte. */
const NO_BODY: BodyPart[] = [];

const encoder = new TextEncoder();

/** fileFacts gathers what the server learnt from the file system (its path, size, modification
 * time and inode number) into the facts a Reply is made of, computed once per version of the
 * file: the validators (fileValidators, RFC 9110 §8.8), the HTTP-date of Last-Modified, and the
 * media type its name implies (mediaType). */
export function fileFacts(
  path: string,
  stat: { size: number; mtimeMs: number; ino: number },
  nowMs: number,
): FileFacts {
  // TODO: write fileFacts. Its lesson: "## fileFacts" in LESSON.md.
  throw new Error("TODO: fileFacts");
}

/** fileReply is port 443's whole decision for a file that was found: RFC 9110 §13.2.2, "evaluate
 * the preconditions", in its order (evaluatePreconditions: 304 "you have it already", 412 "it is
 * not the version you expect"), then If-Range (ifRangeAllows), then Range (parseRange), which is
 * evaluated only "if the result in absence of the Range header field would be a 200": 200 with
 * the whole file, 206 with one range or a multipart/byteranges body of several (RFC 9110 §14.6,
 * framed by multipartFrame around `boundary`), or 416. Range is GET's alone (§14.2: "A server
 * MUST ignore a Range header field received with a request method that is unrecognized or for
 * which range handling is not defined"): a HEAD gets the head of a plain GET. */
export function fileReply(
  head: RequestHead,
  file: FileFacts,
  nowMs: number,
  boundary: string,
): Reply {
  // TODO: write fileReply. Its lesson: "## fileReply" in LESSON.md.
  throw new Error("TODO: fileReply");
}

/** The Content-Type of every page the server writes itself (the spelling @std/media-types uses
 * for ".html", so that one server says it one way). */
export const HTML = mediaType("page.html");

/** statusReply is an answer that is mostly its status: an error (4xx, 5xx) or a redirect (3xx),
 * with a small HTML page saying why (statusPage) and the `fields` the status needs (Location,
 * Allow, Retry-After, Content-Range). */
export function statusReply(status: number, reason: string, fields: Field[] = []): Reply {
  // TODO: write statusReply. Its lesson: "## statusReply" in LESSON.md.
  throw new Error("TODO: statusReply");
}

/** closing is the same answer, after which the connection closes: for a request whose end we
 * cannot find (an unread or malformed body), and after a failure, when nothing is certain. */
export function closing(reply: Reply): Reply {
  // TODO: write closing. Its lesson: "## closing" in LESSON.md.
  throw new Error("TODO: closing");
}

/** methodRefusal is the answer to a method a file server does not serve (classifyMethod), or
 * undefined for GET and HEAD, which it does: RFC 9110 §15.5.6, 405 with "an Allow header field
 * ... containing a list of the target resource's currently supported methods", or §15.6.2, 501
 * for a method "the server does not recognize". */
export function methodRefusal(method: string): Reply | undefined {
  // TODO: write methodRefusal. Its lesson: "## methodRefusal" in LESSON.md.
  throw new Error("TODO: methodRefusal");
}

/** noFileReply answers a target under which there is no file to send: a folder named without
 * its final slash → 301 to "dir/" (directoryLocation), nothing there → 404 (RFC 9110 §15.5.5),
 * something there that may not be read → 403 (§15.5.4). */
export function noFileReply(
  found: "directory" | "missing" | "forbidden",
  target: { path: string; query: string },
): Reply {
  // TODO: write noFileReply. Its lesson: "## noFileReply" in LESSON.md.
  throw new Error("TODO: noFileReply");
}

/** busyReply is the answer over the connection limit: RFC 9110 §15.6.4, 503 "the server is
 * currently unable to handle the request due to a temporary overload", with Retry-After
 * (§10.2.3) saying when to try again, and the connection closed after it. */
export function busyReply(): Reply {
  // TODO: write busyReply. Its lesson: "## busyReply" in LESSON.md.
  throw new Error("TODO: busyReply");
}

/** A Reply made ready for the wire: its head as text, the body parts to send, and what then. */
export interface Framed {
  /** The status line and header section, up to and including the empty line (ASCII). */
  head: string;
  body: BodyPart[];
  /** The number of bytes in `body`. */
  bodyLength: number;
  close: boolean;
}

/** frameReply adds the fields every response carries and decides the message framing (RFC 9112
 * §6): `Date` (RFC 9110 §6.6.1: "An origin server with a clock MUST generate a Date header
 * field"), `Server`, `Content-Length` — the body's exact length, so the client knows where the
 * response ends and the connection can carry the next one (§6.3) — and `Connection`. No body is
 * sent for HEAD (RFC 9110 §9.3.2: "the server MUST NOT send content in the response"), nor with
 * 1xx, 204 or 304, which never have one (§6.4.1), and these three carry no Content-Length
 * either (§8.6). The connection closes if the Reply says so, if the request said so (keepAlive),
 * or if there was no request we could read (`head` undefined). */
export function frameReply(reply: Reply, head: RequestHead | undefined, date: string): Framed {
  // TODO: write frameReply. Its lesson: "## frameReply" in LESSON.md.
  throw new Error("TODO: frameReply");
}
