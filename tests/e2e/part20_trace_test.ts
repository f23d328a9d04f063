// server.ts part 20 (Tracing heads and ranges (--trace)), over real sockets: the request head,
// the range arithmetic and the response head, as the server prints them; each connection named
// by number, client port and server port; ALPN after the handshake; log lines in order.

import { assert, assertEquals } from "@std/assert";
import {
  connect,
  eventually,
  get,
  latin1,
  request,
  ResponseReader,
  send,
  startServer,
} from "./helpers.ts";

Deno.test("server.ts part 20: --trace shows the request head, the range arithmetic and the response head", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html", "Range: bytes=100-200\r\n"));
    const shown = (line: string) => eventually(() => server.lines.includes(line), 2000);
    assert(await shown("#1 ▶ GET /index.html HTTP/1.1"), server.lines.join("\n"));
    assert(await shown("#1 ▶ Range: bytes=100-200"));
    assert(
      server.lines.some((l) =>
        /^#1 ⚙ Range: bytes=100-200 of \d+ bytes → 206, bytes 100-200 \(101 bytes\)$/.test(l)
      ),
    );
    assert(await shown("#1 ◀ HTTP/1.1 206 Partial Content"));
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts part 20: --trace names each connection: its number, the client's port, the port it reached", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    const tls = await connect(server.httpsPort, true, ["h2", "http/1.1"]);
    const plain = await connect(server.httpPort, false);
    try {
      const tlsPort = (tls.localAddr as Deno.NetAddr).port;
      const plainPort = (plain.localAddr as Deno.NetAddr).port;
      await send(tls, get("/index.html"));
      await new ResponseReader(tls).read();
      await send(plain, get("/index.html"));
      await new ResponseReader(plain).read();
      const intro = (n: number, port: number, to: number, how: string) =>
        `#${n} 127.0.0.1:${port} → port ${to} (${how})`;
      const shown = (line: string) => eventually(() => server.lines.includes(line), 2000);
      const all = () => server.lines.join("\n");
      assert(await shown(intro(1, tlsPort, server.httpsPort, "TLS")), all());
      assert(
        await shown("#1 TLS handshake done; ALPN: http/1.1; TLS version: not reported by Deno"),
        all(),
      );
      assert(await shown(intro(2, plainPort, server.httpPort, "plain TCP")), all());
      assert(await shown("#2 ◀ HTTP/1.1 301 Moved Permanently"), all());
    } finally {
      tls.close();
      plain.close();
    }
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts part 20: --trace says when the client offered no ALPN protocol", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html")); // Deno.connectTls: no ALPN
    const none = (l: string) => /^#1 TLS handshake done; ALPN: none \(the client offered/.test(l);
    assert(await eventually(() => server.lines.some(none), 2000), server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts part 20: --trace keeps each access-log line after its own heads, in order", async () => {
  // Two pipelined requests on one connection: before, both log lines came 50 ms later (part 18's
  // batch), after the second request's heads.
  const server = await startServer(["--trace"]);
  try {
    const conn = await connect(server.httpsPort, true);
    try {
      await send(conn, get("/index.html") + get("/dir/index.html"));
      const reader = new ResponseReader(conn);
      await reader.read();
      await reader.read();
    } finally {
      conn.close();
    }
    const logged = (path: string) => (l: string) => l.includes(`"GET ${path} HTTP/1.1" 200`);
    await eventually(() => server.lines.some(logged("/dir/index.html")), 2000);
    const at = (match: (l: string) => boolean) => server.lines.findIndex(match);
    const order = [
      at((l) => l === "#1 ▶ GET /index.html HTTP/1.1"),
      at((l) => l === "#1 ◀ HTTP/1.1 200 OK"),
      at(logged("/index.html")),
      at((l) => l === "#1 ▶ GET /dir/index.html HTTP/1.1"),
      at(logged("/dir/index.html")),
    ];
    assert(!order.includes(-1), server.lines.join("\n"));
    assertEquals([...order].sort((a, b) => a - b), order, server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts part 20: --trace counts in English: 1 byte, and the summary's 1 response", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html", "Range: bytes=0-0\r\n"));
    const one = (l: string) =>
      /⚙ Range: bytes=0-0 of \d+ bytes → 206, bytes 0-0 \(1 byte\)$/.test(l);
    assert(await eventually(() => server.lines.some(one), 2000), server.lines.join("\n"));
  } finally {
    await server.stop();
  }
  assert(
    server.lines.some((l) => l.startsWith("tinyhttps: stopped after 1 connection and 1 response;")),
    server.lines.join("\n"),
  );
});

Deno.test("server.ts part 20: --trace escapes C0 and C1 controls a client sends, in heads and in the range line", async () => {
  const server = await startServer(["--trace", "--quiet"]);
  try {
    // 0x9B is CSI, 0x9D OSC: a terminal obeys them as it would ESC [ and ESC ].
    const head = get("/index.html", "X-Color: \x9b31m red\r\nRange: bytes=0-1,\x9d0;PWNED\x9c\r\n");
    await request(server.httpsPort, true, latin1(head));
    const shown = (line: string) => eventually(() => server.lines.includes(line), 2000);
    assert(await shown("#1 ▶ X-Color: \\x9B31m red"), server.lines.join("\n")); // before: raw
    assert(server.lines.some((l) => l.includes("⚙ Range: bytes=0-1,\\x9D0;PWNED\\x9C")));
    const control = (l: string) => [...l].some((ch) => ch < " " || (ch >= "\x7f" && ch <= "\x9f")); // C0, DEL, C1
    assert(!server.lines.some(control), server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});
