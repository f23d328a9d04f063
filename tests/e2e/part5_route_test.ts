// server.ts part 5 (Route: port 80 redirects, port 443 finds the file), over real sockets: port
// 80's 301 to https://, the methods port 443 refuses (405, 501), --no-redirect, and TLS spoken to
// port 80 (its check is in part 9).

import { assert, assertEquals, assertRejects } from "@std/assert";
import { join } from "@std/path";
import { eventually, get, PROJECT, request, serveFixture, startServer } from "./helpers.ts";

Deno.test("server.ts part 5: route, port 80 redirects, port 443 finds the file", async (t) => {
  const site = await serveFixture();
  const { HTTPS, tls, plain } = site;
  try {
    // ── port 80 ──
    await t.step("port 80 answers 301 with the https URL, port added when not 443", async () => {
      const r = await plain(get("/index.html?a=1"));
      assertEquals(r.status, 301);
      assertEquals(r.headers.get("location"), `https://127.0.0.1:${HTTPS}/index.html?a=1`);
      assertEquals(Number(r.headers.get("content-length")), r.body.length);
    });
    await t.step("port 80 redirects every method, even to missing files", async () => {
      const r = await plain(
        "POST /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
      );
      assertEquals(r.status, 301);
      assertEquals(r.headers.get("location"), `https://127.0.0.1:${HTTPS}/nothing`);
    });
    await t.step(
      "port 80: GET //evil.example/x stays on this host (no open redirect)",
      async () => {
        const r = await plain(get("//evil.example/x"));
        assertEquals(r.headers.get("location"), `https://127.0.0.1:${HTTPS}//evil.example/x`);
      },
    );
    await t.step("port 80: a Host that could smuggle a URL is refused with 400", async () => {
      const r = await plain("GET / HTTP/1.1\r\nHost: evil.example/x?\r\n\r\n");
      assertEquals(r.status, 400);
      assertEquals(r.headers.get("location"), undefined);
    });
    await t.step(
      "port 80: HTTP/1.0 without Host redirects to the address it connected to",
      async () => {
        const r = await plain("GET /a HTTP/1.0\r\n\r\n");
        assertEquals(r.headers.get("location"), `https://127.0.0.1:${HTTPS}/a`);
      },
    );

    // ── methods port 443 refuses ──
    await t.step("POST is 405 with Allow: GET, HEAD", async () => {
      const r = await tls("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
      assertEquals([r.status, r.headers.get("allow")], [405, "GET, HEAD"]);
    });
    await t.step("an unknown method is 501, and methods are case-sensitive", async () => {
      assertEquals((await tls("BREW / HTTP/1.1\r\nHost: a\r\n\r\n")).status, 501);
      assertEquals((await tls("get / HTTP/1.1\r\nHost: a\r\n\r\n")).status, 501);
    });
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 5: --no-redirect: port 80 serves the files in plain HTTP", async () => {
  const server = await startServer(["--no-redirect", "--quiet"]);
  try {
    const index = await Deno.readFile(join(PROJECT, "static/index.html"));
    const r = await request(server.httpPort, false, get("/index.html"));
    assertEquals([r.status, r.body], [200, index]);
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts part 9: TLS spoken to the plain port is closed at once, and the console says why", async () => {
  const server = await startServer([]);
  try {
    const started = performance.now();
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port: server.httpPort });
    // Before: the plain port waited --header-timeout (10 s) for an empty line, in silence.
    await assertRejects(() => conn.handshake());
    conn.close();
    assert(performance.now() - started < 3000, `${performance.now() - started} ms`);
    assert(
      await eventually(() => server.lines.some((l) => l.includes("began TLS on the plain")), 2000),
    );
  } finally {
    await server.stop();
  }
});
