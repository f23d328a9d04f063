// tests/response_test.ts — the functions of lib/response.ts.
import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  connectionFields,
  escapeHtml,
  hexByte,
  htmlPage,
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

// deno-fmt-ignore
const hexes: [char: string, want: string][] = [
  ["A",    "41"], // the example of hexByte's comment
  [" ",    "20"], // RFC 3986 §2.1's example: %20 is a space
  ["%",    "25"], // RFC 3986 §2.4: "%" itself is written %25
  ["\0",   "00"], // two digits always, a leading zero kept
  ["\n",   "0A"], // upper case (RFC 3986 §2.1: "should use uppercase hexadecimal digits")
  ["\x1b", "1B"],
  ["\x7f", "7F"],
  ["é",    "E9"], // a character below U+0100 is its Latin-1 byte
  ["\xff", "FF"],
];
for (const [char, want] of hexes) {
  Deno.test(`hexByte() is two upper-case hex digits (${JSON.stringify(char)} → ${want})`, () => {
    assertEquals(hexByte(char), want);
  });
}

Deno.test("htmlPage() is a doctype, the charset, the title twice, the content and the server's name", () => {
  assertEquals(
    htmlPage("Index of /", "<p>hello</p>"),
    '<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Index of /</title>\n' +
      "<h1>Index of /</h1>\n<p>hello</p>\n<hr><p>tinyhttps</p></html>\n",
  );
});

Deno.test("htmlPage() takes HTML: it does not escape its title or content again", () => {
  const page = htmlPage("a &#38; b", "<ul><li>x</li></ul>");
  assertStringIncludes(page, "<title>a &#38; b</title>");
  assertStringIncludes(page, "\n<ul><li>x</li></ul>\n");
});
