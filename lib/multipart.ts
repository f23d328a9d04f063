// lib/multipart.ts — the frame around several ranges in one 206 (RFC 9110 §14.6).
// Pure: it computes the part headers and the exact Content-Length; fileReply (lib/reply.ts) puts
// each part's byte range between these headers, and server.ts streams them from the file.

import { type ByteRange, contentRange } from "./range.ts";

/** The text around the file bytes of a multipart/byteranges body, and its exact length. */
export interface MultipartFrame {
  /** The media type of the whole response, with its boundary parameter. */
  contentType: string;
  /** partHeads[i] goes before the bytes of parts[i]. */
  partHeads: string[];
  /** Goes after the last part. */
  closing: string;
  /** Content-Length of the whole body: heads + part bytes + closing. */
  length: number;
}

/** multipartFrame lays out a `multipart/byteranges` body for `parts` of a file of `size` bytes
 * whose own type is `type`. RFC 9110 §14.6: "When a multipart response payload is generated, the
 * server SHOULD send the parts in the same order that the corresponding range-spec appeared in
 * the received Range header field"; each part carries "a Content-Range header field ... for the
 * range enclosed by that part" and the Content-Type of the file. The boundary is an argument (the
 * server picks a random one, RFC 2046 §5.1.1: it must not occur in the data). All text here is
 * ASCII, so string length equals byte length and Content-Length can be computed exactly. */
export function multipartFrame(
  parts: ByteRange[],
  size: number,
  type: string,
  boundary: string,
): MultipartFrame {
  const partHeads = parts.map((part) =>
    `\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: ${
      contentRange(part, size)
    }\r\n\r\n`
  );
  const closing = `\r\n--${boundary}--\r\n`;
  let length = closing.length;
  for (let i = 0; i < parts.length; i++) {
    length += partHeads[i].length + parts[i].last - parts[i].first + 1;
  }
  return { contentType: `multipart/byteranges; boundary=${boundary}`, partHeads, closing, length };
}
