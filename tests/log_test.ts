// tests/log_test.ts — accessLogLine, printable, traceHead, traceRange, startupBanner (lib/log.ts).
import { assertEquals, assertStringIncludes } from "@std/assert";
import { accessLogLine, printable, startupBanner, traceHead, traceRange } from "../lib/log.ts";

Deno.test("accessLogLine() writes the Common Log Format (Apache's documented example)", () => {
  // Apache's docs: 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
  // (here without a user, and in UTC: 20:55:36 +0000 is the same instant).
  const timeMs = Date.UTC(2000, 9, 10, 20, 55, 36);
  assertEquals(
    accessLogLine({
      client: "127.0.0.1",
      timeMs,
      requestLine: "GET /apache_pb.gif HTTP/1.0",
      status: 200,
      bytes: 2326,
    }),
    `127.0.0.1 - - [10/Oct/2000:20:55:36 +0000] "GET /apache_pb.gif HTTP/1.0" 200 2326`,
  );
});

Deno.test("accessLogLine() writes 0 body bytes as '-'", () => {
  const line = accessLogLine({
    client: "::1",
    timeMs: 0,
    requestLine: "HEAD / HTTP/1.1",
    status: 200,
    bytes: 0,
  });
  assertEquals(line, `::1 - - [01/Jan/1970:00:00:00 +0000] "HEAD / HTTP/1.1" 200 -`);
});

Deno.test("accessLogLine() escapes quotes and control bytes so a request cannot forge a line", () => {
  const line = accessLogLine({
    client: "10.0.0.2",
    timeMs: 0,
    requestLine: 'GET /" 200 1\n10.6.6.6 - - x HTTP/1.1',
    status: 400,
    bytes: 10,
  });
  assertEquals(line.includes("\n"), false);
  assertEquals(
    line,
    `10.0.0.2 - - [01/Jan/1970:00:00:00 +0000] "GET /\\x22 200 1\\x0A10.6.6.6 - - x HTTP/1.1" 400 10`,
  );
});

// deno-fmt-ignore
const printables: [rule: string, text: string, want: string][] = [
  ["ESC (C0), the start of every terminal sequence, is escaped", "\x1b[2J",                  "\\x1B[2J"],
  ["NUL is escaped",                                             "a\0b",                     "a\\x00b"],
  ["CR and LF are escaped, so no line can be forged",            "a\r\nb",                   "a\\x0D\\x0Ab"],
  ["TAB is a C0 control too",                                    "a\tb",                     "a\\x09b"],
  ["BEL, the end of an OSC sequence, is escaped",                "\x07",                     "\\x07"],
  ["US, the last C0 control, is escaped",                        "\x1f",                     "\\x1F"],
  ["DEL is escaped",                                             "\x7f",                     "\\x7F"],
  ["CSI (C1 0x9B), ESC [ in one character, is escaped",          "\x9b2J",                   "\\x9B2J"],
  ["OSC (C1 0x9D), which sets a window's title, is escaped",     "\x9d0;pwned\x07",          "\\x9D0;pwned\\x07"],
  ["NEL (C1 0x85), a line break to some terminals, is escaped",  "a\x85b",                   "a\\x85b"],
  ["the first and last C1 controls are escaped",                 "\x80\x9f",                 "\\x80\\x9F"],
  ["ordinary text stays",                                        "GET /index.html HTTP/1.1", "GET /index.html HTTP/1.1"],
  ["space and ~ (the ends of printable ASCII) stay",             " ~",                       " ~"],
  ["é and ▶ stay",                                               "café ▶ ok",                "café ▶ ok"],
  ["U+00A0, the first character after C1, stays",                "a\xa0b",                   "a\xa0b"],
];
for (const [rule, text, want] of printables) {
  Deno.test(`printable() ${rule} (${JSON.stringify(text)})`, () => {
    assertEquals(printable(text), want);
  });
}

Deno.test("traceHead() puts the connection's name and an arrow before every line, and shows the empty line", () => {
  assertEquals(
    traceHead("▶", "#1", "GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n"),
    "#1 ▶ GET / HTTP/1.1\n#1 ▶ Host: 10.0.0.1\n#1 ▶ ␍␊",
  );
});

Deno.test("traceHead() shows control bytes as \\xNN, so a head cannot drive the terminal", () => {
  assertEquals(traceHead("◀", "c", "X: \x1b[2J\r\n\r\n"), "c ◀ X: \\x1B[2J\nc ◀ ␍␊");
});

// deno-fmt-ignore
const ranges: [rule: string, value: string, size: number, answer: Parameters<typeof traceRange>[2], want: string][] = [
  ["a 206 names its bytes and their count", "bytes=100-200", 3174, { kind: "parts", parts: [{ first: 100, last: 200 }] },
    "Range: bytes=100-200 of 3174 bytes → 206, bytes 100-200 (101 bytes)"],
  ["one byte is counted as 1 byte",         "bytes=0-0",     3174, { kind: "parts", parts: [{ first: 0, last: 0 }] },
    "Range: bytes=0-0 of 3174 bytes → 206, bytes 0-0 (1 byte)"],
  ["a 416 says no byte exists",             "bytes=9999-",   3174, { kind: "unsatisfiable" },
    "Range: bytes=9999- of 3174 bytes → 416, no byte of it exists"],
  ["an ignored Range says 200",              "items=0-1",     3174, { kind: "whole" },
    "Range: items=0-1 of 3174 bytes → ignored, 200 with the whole file"],
];
for (const [rule, value, size, answer, want] of ranges) {
  Deno.test(`traceRange() ${rule} (${value})`, () => {
    assertEquals(traceRange(value, size, answer), want);
  });
}

Deno.test("startupBanner() shows a URL per address and port, the default ports left out", () => {
  const banner = startupBanner({
    root: "/srv/www",
    addresses: ["127.0.0.1", "10.0.0.1"],
    ...{ httpPort: 80, httpsPort: 443, redirect: true },
    ...{
      certificate: "CN=localhost",
      expiresMs: Date.UTC(2036, 0, 1),
      nowMs: Date.UTC(2026, 0, 1),
    },
    nagle: "TCP_NODELAY on both listening sockets (Nagle off)",
  });
  assertEquals(banner.split("\n"), [
    "tinyhttps: serving /srv/www",
    "  https://127.0.0.1/  files",
    "  https://10.0.0.1/  files",
    "  http://127.0.0.1/  301 to https",
    "  http://10.0.0.1/  301 to https",
    "  certificate: CN=localhost, valid for 3652 more days",
    "  TCP_NODELAY on both listening sockets (Nagle off)",
    "  press Ctrl-C to stop",
  ]);
});

Deno.test("startupBanner() adds other ports, brackets IPv6, and calls out an expired certificate", () => {
  const banner = startupBanner({
    root: "/r",
    addresses: ["::1"],
    ...{ httpPort: 8080, httpsPort: 8443, redirect: false },
    ...{ certificate: "CN=x", expiresMs: Date.UTC(2026, 0, 1), nowMs: Date.UTC(2026, 0, 11) },
    nagle: "Nagle on for TLS",
  });
  assertStringIncludes(banner, "https://[::1]:8443/  files");
  assertStringIncludes(banner, "http://[::1]:8080/  files, plain text");
  assertStringIncludes(banner, "EXPIRED 10 days ago");
});
