// server.ts parts 4 (Read the request head: bytes until the empty line) and 14 (Request bodies),
// over real sockets: a head that cannot be parsed gets its error status (400, 414, 431, 501,
// 505) and the connection closes, since where the next request would start is unknown; a body
// with a Content-Length is skipped before the next pipelined request, a chunked one left unread.

import { assert, assertEquals } from "@std/assert";
import { connect, get, ResponseReader, send, serveFixture, within } from "./helpers.ts";

Deno.test("server.ts part 4: read the request head (and part 14: request bodies)", async (t) => {
  const site = await serveFixture();
  const { index, HTTPS } = site;
  try {
    // ── part 4: a head that cannot be parsed ──
    for (
      const [rule, text, status] of [
        ["a malformed request line is 400", "GET /index.html\r\n\r\n", 400],
        ["HTTP/1.1 without Host is 400", "GET / HTTP/1.1\r\n\r\n", 400],
        ["a space before the colon is 400", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400],
        ["HTTP/2.0 in a request line is 505", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505],
        [
          "Transfer-Encoding with Content-Length is 400",
          "GET / HTTP/1.1\r\nHost: a\r\n" +
          "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
          400,
        ],
        [
          "a target over 8000 bytes is 414",
          `GET /${"a".repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
          414,
        ],
        [
          "a header section over the limit is 431",
          `GET / HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(20000)}\r\n\r\n`,
          431,
        ],
        ["two Host fields are 400", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
        ["obs-fold is 400", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400],
        ["a bare CR is 400", "GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n", 400],
        ["NUL in a field value is 400", "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400],
        [
          "an unknown transfer coding is 501",
          "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
          501,
        ],
      ] as const
    ) {
      await t.step(`${rule}, and the connection closes`, async () => {
        const conn = await connect(HTTPS, true);
        const reader = new ResponseReader(conn);
        await send(conn, text);
        assertEquals((await reader.read())?.status, status);
        assert(
          await reader.closedWithin(3000),
          "the server should close after a malformed request",
        );
      });
    }

    await t.step(
      "a head larger than a connection's first buffer (2 KiB) is read whole, up to 16 KiB",
      async () => {
        // MAX_HEAD_BYTES (16 KiB) holds a head with its empty line: one byte more is 431.
        const headOf = (size: number) => {
          const start = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
          return start + "b".repeat(size - start.length - 4) + "\r\n\r\n";
        };
        // On fresh connections: a head that just fits the first buffer, one a byte larger.
        for (const size of [2048, 2049]) {
          const conn = await connect(HTTPS, true);
          const reader = new ResponseReader(conn);
          await send(conn, headOf(size) + get("/"));
          for (let i = 0; i < 2; i++) {
            assertEquals((await within(5000, `${size}`, reader.read()))?.body, index);
          }
          conn.close();
        }
        const conn = await connect(HTTPS, true);
        const reader = new ResponseReader(conn);
        const whole = headOf(16 * 1024);
        await send(conn, whole.slice(0, 1500)); // a head that arrives in two reads, or more
        await new Promise((wait) => setTimeout(wait, 50));
        await send(conn, whole.slice(1500) + headOf(3000) + get("/"));
        const answer = () => within(5000, "an answer", reader.read());
        for (let i = 0; i < 3; i++) assertEquals((await answer())?.body, index);
        await send(conn, headOf(16 * 1024 + 1));
        assertEquals((await answer())?.status, 431);
        conn.close();
      },
    );

    await t.step("empty lines before a request line are ignored (RFC 9112 §2.2)", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      // A client that ends a POST body with an extra CRLF sends exactly this before its next request.
      await send(conn, "\r\n\r\n" + get("/") + "\r\n" + get("/"));
      assertEquals((await reader.read())!.body, index); // before: 400, "the request is empty"
      assertEquals((await reader.read())!.body, index);
      conn.close();
    });

    // ── part 14: request bodies, read or left unread ──
    await t.step("a request body is skipped before the next pipelined request", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      await send(
        conn,
        "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nGET / HTTP" + get("/"),
      );
      assertEquals((await reader.read())!.status, 405);
      assertEquals((await reader.read())!.body, index);
      conn.close();
    });
    await t.step(
      "a chunked request body is not read: the answer says close, and the server closes",
      async () => {
        const conn = await connect(HTTPS, true);
        const reader = new ResponseReader(conn);
        await send(
          conn,
          "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        );
        const r = (await reader.read())!;
        assertEquals([r.status, r.headers.get("connection")], [405, "close"]);
        assert(await reader.closedWithin(3000));
      },
    );
  } finally {
    await site.stop();
  }
});
