// server.ts part 20 (Tracing heads and ranges (--trace)), over real sockets: the request head,
// the range arithmetic and the response head, as the server prints them.

import { assert } from "@std/assert";
import { eventually, get, request, startServer } from "./helpers.ts";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

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

Deno.test("server.ts part 20: --trace escapes C0 and C1 controls a client sends, in heads and in the range line", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    // 0x9B is CSI, 0x9D OSC: a terminal obeys them as it would ESC [ and ESC ].
    const head = get("/index.html", "X-Color: \x9b31m red\r\nRange: bytes=0-1,\x9d0;PWNED\x9c\r\n");
    await request(server.httpsPort, true, latin1(head));
    const shown = (line: string) => eventually(() => server.lines.includes(line), 2000);
    assert(await shown("127.0.0.1 ▶ X-Color: \\x9B31m red"), server.lines.join("\n")); // before: raw
    assert(server.lines.some((l) => l.includes("⚙ Range: bytes=0-1,\\x9D0;PWNED\\x9C")));
    const control = (l: string) => [...l].some((ch) => ch < " " || (ch >= "\x7f" && ch <= "\x9f")); // C0, DEL, C1
    assert(!server.lines.some(control), server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});
