// tests/log_test.ts — accessLogLine (lib/log.ts).
import { assertEquals } from "@std/assert";
import { accessLogLine } from "../lib/log.ts";

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
