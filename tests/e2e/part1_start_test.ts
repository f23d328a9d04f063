// server.ts part 1 (Start: settings, the certificate, two listening sockets), over real sockets:
// the TLS port's options (tlsOptions), here its ALPN offer, and both address families on '::'. How the settings are read and what a
// wrong one says is part 9 (part9_starting_up_test.ts).

import { assert, assertEquals } from "@std/assert";
import {
  CERT,
  connect,
  eventually,
  get,
  ResponseReader,
  send,
  serveFixture,
  startServer,
} from "./helpers.ts";

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

Deno.test("server.ts part 1: on '::' (the default) both IPv6 and IPv4 clients are served, and logged as they connected", async () => {
  const server = await startServer(["--hostname", "::"]);
  try {
    const ask = async (hostname: string, port: number, tls: boolean, text: string) => {
      const conn = tls
        ? await Deno.connectTls({ hostname, port, caCerts: [CERT] }) // the certificate names ::1
        : await Deno.connect({ hostname, port });
      try {
        await send(conn, text);
        return (await new ResponseReader(conn).read())!;
      } finally {
        conn.close();
      }
    };
    // Before: only IPv4 was listened on (0.0.0.0), and https://[::1]/ was refused.
    assertEquals((await ask("::1", server.httpsPort, true, get("/"))).status, 200);
    assertEquals((await ask("127.0.0.1", server.httpsPort, true, get("/"))).status, 200);
    const moved = await ask("::1", server.httpPort, false, "GET /a HTTP/1.0\r\n\r\n");
    assertEquals(moved.headers.get("location"), `https://[::1]:${server.httpsPort}/a`);
    assert(await eventually(() => server.lines.some((l) => l.startsWith("::1 - - [")), 2000));
    assert(server.lines.some((l) => l.startsWith("127.0.0.1 - - [")), server.lines.join("\n"));
    assert(!server.lines.some((l) => l.includes("::ffff:")));
  } finally {
    await server.stop();
  }
});
