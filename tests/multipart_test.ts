// tests/multipart_test.ts — multipartFrame (lib/multipart.ts).
import { assertEquals } from "@std/assert";
import { multipartFrame } from "../lib/multipart.ts";

Deno.test("multipartFrame() lays out RFC 9110 §14.6's example body, byte for byte", () => {
  // RFC 9110 §14.6 shows two parts of a 8000-byte image/gif: 500-999 and 7000-7999.
  const parts = [{ first: 500, last: 999 }, { first: 7000, last: 7999 }];
  const frame = multipartFrame(parts, 8000, "image/gif", "THIS_STRING_SEPARATES");
  assertEquals(frame.contentType, "multipart/byteranges; boundary=THIS_STRING_SEPARATES");
  assertEquals(frame.partHeads, [
    "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: image/gif\r\nContent-Range: bytes 500-999/8000\r\n\r\n",
    "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: image/gif\r\nContent-Range: bytes 7000-7999/8000\r\n\r\n",
  ]);
  assertEquals(frame.closing, "\r\n--THIS_STRING_SEPARATES--\r\n");
});

Deno.test("multipartFrame() length is exactly heads + part bytes + closing", () => {
  const parts = [{ first: 0, last: 0 }, { first: 9, last: 9 }, { first: 3, last: 5 }];
  const frame = multipartFrame(parts, 10, "text/plain", "b");
  const body = frame.partHeads[0] + "x" + frame.partHeads[1] + "y" + frame.partHeads[2] + "zzz" +
    frame.closing;
  assertEquals(frame.length, body.length);
});
