// server.ts part 3 (One connection: requests in order, until one side closes), over real
// sockets: keep-alive, pipelining, Connection: close, HTTP/1.0, the TLS handshake of one
// connection failing without harm to the others, and clients that vanish or stall.

import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { connect, get, ResponseReader, send, serveFixture } from "./helpers.ts";

Deno.test("server.ts part 3: one connection, requests in order, until one side closes", async (t) => {
  const site = await serveFixture();
  const { HTTPS, tls } = site;
  try {
    await t.step("keep-alive: three requests on one TLS connection", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      for (const path of ["/index.html", "/dir/index.html", "/notfound"]) {
        await send(conn, get(path));
        assertNotEquals((await reader.read())?.status, undefined);
      }
      conn.close();
    });
    await t.step("pipelining: three requests in one write are answered in order", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      await send(
        conn,
        get("/notfound") + get("/index.html", "Range: bytes=0-4\r\n") + get("/index.html"),
      );
      assertEquals((await reader.read())!.status, 404);
      assertEquals((await reader.read())!.status, 206);
      assertEquals((await reader.read())!.status, 200);
      conn.close();
    });
    await t.step("Connection: close gets the response, then the server closes", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      await send(conn, get("/", "Connection: close\r\n"));
      const r = (await reader.read())!;
      assertEquals([r.status, r.headers.get("connection")], [200, "close"]);
      assert(await reader.closedWithin(3000));
    });
    await t.step("HTTP/1.0 closes by default", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      await send(conn, "GET / HTTP/1.0\r\n\r\n");
      assertEquals((await reader.read())!.status, 200);
      assert(await reader.closedWithin(3000));
    });
    await t.step(
      "HTTP/1.0 with Connection: keep-alive stays open and hears keep-alive",
      async () => {
        const conn = await connect(HTTPS, true);
        const reader = new ResponseReader(conn);
        await send(conn, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals((await reader.read())!.headers.get("connection"), "keep-alive");
        await send(conn, "GET / HTTP/1.0\r\n\r\n");
        assertEquals((await reader.read())!.status, 200);
        conn.close();
      },
    );
    await t.step("plain HTTP and garbage on the TLS port do not stop it", async () => {
      for (
        const junk of ["GET / HTTP/1.1\r\nHost: a\r\n\r\n", "\x16\x03\x01\x00\x05hello", "\0\0\0\0"]
      ) {
        const conn = await connect(HTTPS, false);
        await send(conn, junk);
        await new ResponseReader(conn).closedWithin(3000);
      }
      assertEquals((await tls(get("/"))).status, 200);
    });
    await t.step("a client that vanishes mid-download does not stop the server", async () => {
      for (let i = 0; i < 5; i++) {
        const conn = await connect(HTTPS, true);
        await send(conn, get("/big.bin"));
        await conn.read(new Uint8Array(1000));
        conn.close();
      }
      assertEquals((await tls(get("/"))).status, 200);
    });
    await t.step("a half-sent request does not block another client", async () => {
      const slow = await connect(HTTPS, true);
      await send(slow, "GET / HTTP/1.1\r\nHo");
      const started = performance.now();
      assertEquals((await tls(get("/"))).status, 200);
      assert(performance.now() - started < 2000);
      slow.close();
    });
  } finally {
    await site.stop();
  }
});
