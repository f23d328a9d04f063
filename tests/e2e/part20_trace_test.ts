// server.ts part 20 (Tracing heads and ranges (--trace)), over real sockets: the request head,
// the range arithmetic and the response head, as the server prints them.

import { assert } from "@std/assert";
import { eventually, get, request, startServer } from "./helpers.ts";

Deno.test("server.ts part 20: --trace shows the request head, the range arithmetic and the response head", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html", "Range: bytes=100-200\r\n"));
    const shown = (line: string) => eventually(() => server.lines.includes(line), 2000);
    assert(await shown("127.0.0.1 ▶ GET /index.html HTTP/1.1"), server.lines.join("\n"));
    assert(await shown("127.0.0.1 ▶ Range: bytes=100-200"));
    assert(
      server.lines.some((l) =>
        /^127\.0\.0\.1 ⚙ Range: bytes=100-200 of \d+ bytes → 206, bytes 100-200 \(101 bytes\)$/
          .test(l)
      ),
    );
    assert(await shown("127.0.0.1 ◀ HTTP/1.1 206 Partial Content"));
  } finally {
    await server.stop();
  }
});
