// lib/reply.ts — the answer to a request as a value, a Reply, chosen before any byte is written.
// Pure: every status the server sends is chosen by a function that returns a Reply (here, and
// redirectReply, listingReply's page and cgiReply next to their own rules); server.ts only
// finds the facts (the file on disk, the clock) and writes what comes back (writeReply there).

import {
  evaluatePreconditions,
  fileValidators,
  ifRangeAllows,
  type Validators,
} from "./conditional.ts";
import { multipartFrame } from "./multipart.ts";
import { type ByteRange, contentRange, parseRange, unsatisfiedRange } from "./range.ts";
import { classifyMethod, fieldValue, keepAlive, type RequestHead } from "./request.ts";
import {
  connectionFields,
  type Field,
  httpDate,
  mediaType,
  responseHead,
  statusPage,
} from "./response.ts";
import { directoryLocation } from "./target.ts";

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
  const version = fileValidators(stat.size, stat.mtimeMs, stat.ino, nowMs);
  return {
    etag: version.etag,
    modifiedMs: version.modifiedMs,
    size: stat.size,
    type: mediaType(path),
    lastModified: httpDate(version.modifiedMs),
  };
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
  const verdict = evaluatePreconditions({
    method: head.method,
    nowMs,
    ifMatch: fieldValue(head, "if-match"),
    ifNoneMatch: fieldValue(head, "if-none-match"),
    ifModifiedSince: fieldValue(head, "if-modified-since"),
    ifUnmodifiedSince: fieldValue(head, "if-unmodified-since"),
  }, file);
  switch (verdict) {
    case "not-modified": // RFC 9110 §15.4.5: no body, and so no Content-Type or Content-Length
      return { status: 304, fields: [["ETag", file.etag]], body: NO_BODY, close: false };
    case "precondition-failed": {
      const reason = "The file is not the version this request expects.";
      return statusReply(412, reason, [["ETag", file.etag]]);
    }
    case "proceed": {
      const ranged = head.method === "GET" &&
        ifRangeAllows(fieldValue(head, "if-range"), file, nowMs);
      return contentReply(file, ranged ? fieldValue(head, "range") : undefined, boundary);
    }
    default: {
      const unreachable: never = verdict;
      return unreachable;
    }
  }
}

/** The file's content: all of it (no `range`, or one to ignore), the ranges asked for, or 416. */
function contentReply(file: FileFacts, range: string | undefined, boundary: string): Reply {
  const { size, type } = file;
  const answer = range === undefined ? { kind: "whole" as const } : parseRange(range, size);
  const fields: Field[] = [
    ["ETag", file.etag],
    ["Last-Modified", file.lastModified],
    ["Accept-Ranges", "bytes"], // RFC 9110 §14.3: tells a player it may seek with Range
  ];
  switch (answer.kind) {
    case "whole": {
      fields.push(["Content-Type", type]);
      const body = size === 0 ? NO_BODY : [{ first: 0, last: size - 1 }];
      return { status: 200, fields, body, close: false };
    }
    case "parts":
      return partsReply(file, answer.parts, fields, boundary);
    case "unsatisfiable": {
      const reason = `No byte of ${range} exists in this ${size}-byte file.`;
      return statusReply(416, reason, [["Content-Range", unsatisfiedRange(size)]]);
    }
    default: {
      const unreachable: never = answer;
      return unreachable;
    }
  }
}

/** 206: one part with its Content-Range, or several in one multipart/byteranges body. */
function partsReply(file: FileFacts, parts: ByteRange[], fields: Field[], boundary: string): Reply {
  if (parts.length === 1) {
    fields.push(["Content-Type", file.type], ["Content-Range", contentRange(parts[0], file.size)]);
    return { status: 206, fields, body: parts, close: false };
  }
  const frame = multipartFrame(parts, file.size, file.type, boundary);
  fields.push(["Content-Type", frame.contentType]);
  const body: BodyPart[] = [];
  for (let i = 0; i < parts.length; i++) body.push(encoder.encode(frame.partHeads[i]), parts[i]);
  body.push(encoder.encode(frame.closing));
  return { status: 206, fields, body, close: false };
}

/** The Content-Type of every page the server writes itself (the spelling @std/media-types uses
 * for ".html", so that one server says it one way). */
export const HTML = mediaType("page.html");

/** statusReply is an answer that is mostly its status: an error (4xx, 5xx) or a redirect (3xx),
 * with a small HTML page saying why (statusPage) and the `fields` the status needs (Location,
 * Allow, Retry-After, Content-Range). */
export function statusReply(status: number, reason: string, fields: Field[] = []): Reply {
  const page = encoder.encode(statusPage(status, reason));
  return {
    status,
    fields: [...fields, ["Content-Type", HTML]],
    body: [page],
    close: false,
    reason,
  };
}

/** closing is the same answer, after which the connection closes: for a request whose end we
 * cannot find (an unread or malformed body), and after a failure, when nothing is certain. */
export function closing(reply: Reply): Reply {
  return { ...reply, close: true };
}

/** methodRefusal is the answer to a method a file server does not serve (classifyMethod), or
 * undefined for GET and HEAD, which it does: RFC 9110 §15.5.6, 405 with "an Allow header field
 * ... containing a list of the target resource's currently supported methods", or §15.6.2, 501
 * for a method "the server does not recognize". */
export function methodRefusal(method: string): Reply | undefined {
  const known = classifyMethod(method);
  switch (known) {
    case "supported":
      return undefined;
    case "not-allowed":
      return statusReply(405, `${method} is not allowed here.`, [["Allow", "GET, HEAD"]]);
    case "unknown":
      return statusReply(501, `This server does not know the method ${method}.`);
    default: {
      const unreachable: never = known;
      return unreachable;
    }
  }
}

/** noFileReply answers a target under which there is no file to send: a folder named without
 * its final slash → 301 to "dir/" (directoryLocation), nothing there → 404 (RFC 9110 §15.5.5),
 * something there that may not be read → 403 (§15.5.4). */
export function noFileReply(
  found: "directory" | "missing" | "forbidden",
  target: { path: string; query: string },
): Reply {
  switch (found) {
    case "directory": { // "/dir" names a folder: links inside dir/index.html need "/dir/"
      const location = directoryLocation(target.path, target.query);
      return statusReply(301, `This folder is at ${location}`, [["Location", location]]);
    }
    case "missing":
      return statusReply(404, `There is no file at ${target.path || "/"}.`);
    case "forbidden":
      return statusReply(403, "This file may not be read.");
    default: {
      const unreachable: never = found;
      return unreachable;
    }
  }
}

/** busyReply is the answer over the connection limit: RFC 9110 §15.6.4, 503 "the server is
 * currently unable to handle the request due to a temporary overload", with Retry-After
 * (§10.2.3) saying when to try again, and the connection closed after it. */
export function busyReply(): Reply {
  const reason = "Too many connections at once; try again in a moment.";
  return closing(statusReply(503, reason, [["Retry-After", "1"]]));
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
  const close = reply.close || head === undefined || !keepAlive(head);
  const bodiless = reply.status < 200 || reply.status === 204 || reply.status === 304;
  const body = bodiless || head?.method === "HEAD" ? NO_BODY : reply.body;
  const length = bodyLength(reply.body);
  const fields: Field[] = [["Date", date], ["Server", "tinyhttps"], ...reply.fields];
  if (!bodiless) fields.push(["Content-Length", length]);
  fields.push(["X-Content-Type-Options", "nosniff"]);
  fields.push(...connectionFields(!close, head?.minorVersion ?? 1));
  const text = responseHead(reply.status, fields);
  return { head: text, body, bodyLength: body === NO_BODY ? 0 : length, close };
}

/** bodyLength adds up the bytes of a body: each byte string's length, each range's last - first
 * + 1 (both ends count, as in `Content-Range: bytes 0-499/1000`, 500 bytes). */
function bodyLength(body: BodyPart[]): number {
  let length = 0;
  for (const part of body) {
    length += part instanceof Uint8Array ? part.length : part.last - part.first + 1;
  }
  return length;
}
