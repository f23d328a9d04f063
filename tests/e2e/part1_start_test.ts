// server.ts part 1 (Start: settings, the certificate, two listening sockets), over real sockets:
// the TLS port's options (tlsOptions), here its ALPN offer. How the settings are read and what a
// wrong one says is part 9 (part9_starting_up_test.ts).

import { assertEquals } from "@std/assert";
import { connect, serveFixture } from "./helpers.ts";

Deno.test("server.ts part 1: start, two listening sockets", async (t) => {
  const site = await serveFixture();
  const { HTTPS } = site;
  try {
    await t.step("ALPN: a client offering h2 and http/1.1 gets http/1.1", async () => {
      const conn = await connect(HTTPS, true, ["h2", "http/1.1"]);
      const info = await (conn as Deno.TlsConn).handshake();
      assertEquals(info.alpnProtocol, "http/1.1");
      conn.close();
    });
  } finally {
    await site.stop();
  }
});
