// tests/response_test.ts — the functions of lib/response.ts.
import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  connectionFields,
  escapeHtml,
  httpDate,
  mediaType,
  reasonPhrase,
  responseHead,
  statusPage,
} from "../lib/response.ts";

Deno.test("httpDate() is RFC 9110 §5.6.7's IMF-fixdate (its example: 784111777 s)", () => {
  assertEquals(httpDate(784111777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
});

// deno-fmt-ignore
const reasons: [status: number, want: string][] = [
  [200, "OK"], [206, "Partial Content"], [301, "Moved Permanently"], [404, "Not Found"],
  [416, "Range Not Satisfiable"], [505, "HTTP Version Not Supported"], [299, "Unknown"],
];
for (const [status, want] of reasons) {
  Deno.test(`reasonPhrase() comes from @std/http's table (${status})`, () => {
    assertEquals(reasonPhrase(status), want);
  });
}

Deno.test("responseHead() is a status line, CRLF-ended fields and an empty line", () => {
  assertEquals(
    responseHead(206, [["Content-Range", "bytes 0-0/1"], ["Content-Length", 1]]),
    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-0/1\r\nContent-Length: 1\r\n\r\n",
  );
});

// deno-fmt-ignore
const types: [path: string, want: string][] = [
  ["index.html",     "text/html; charset=UTF-8"],
  ["style.css",      "text/css; charset=UTF-8"],
  ["app.js",         "text/javascript; charset=UTF-8"],
  ["app.mjs",        "text/javascript; charset=UTF-8"],
  ["video.mp4",      "video/mp4"],
  ["VIDEO.MP4",      "video/mp4"],
  ["clip.webm",      "video/webm"],
  ["subs.vtt",       "text/vtt; charset=UTF-8"],
  ["logo.svg",       "image/svg+xml"],
  ["module.wasm",    "application/wasm"],
  ["notes.txt",      "text/plain; charset=UTF-8"],
  ["archive.tar.gz", "application/gzip"],
  ["no-extension",   "application/octet-stream"],
  ["data.unknownext", "application/octet-stream"],
];
for (const [path, want] of types) {
  Deno.test(`mediaType() from the final extension, octet-stream when unknown (${path})`, () => {
    assertEquals(mediaType(path), want);
  });
}

Deno.test("statusPage() names the status and escapes the sentence", () => {
  const page = statusPage(404, "No <script>alert(1)</script> here");
  assertStringIncludes(page, "<title>404 Not Found</title>");
  assertStringIncludes(page, "No &#60;script&#62;alert(1)&#60;/script&#62; here");
});

Deno.test("escapeHtml() replaces & < > \" '", () => {
  assertEquals(escapeHtml(`a&b<c>d"e'f`), "a&#38;b&#60;c&#62;d&#34;e&#39;f");
});

// deno-fmt-ignore
const connections: [keep: boolean, minor: number, want: [string, string][]][] = [
  [false, 1, [["Connection", "close"]]],
  [true,  1, []],
  [true,  0, [["Connection", "keep-alive"]]],
  [false, 0, [["Connection", "close"]]],
];
for (const [keep, minor, want] of connections) {
  Deno.test(`connectionFields() says close, or keep-alive to HTTP/1.0 (keep=${keep}, 1.${minor})`, () => {
    assertEquals(connectionFields(keep, minor), want);
  });
}
