// tests/e2e/server_test.ts — the real server.ts over real sockets: raw HTTP on the plain port,
// raw HTTP inside TLS on the other. Each step is named after the rule it checks.

import { assert, assertEquals, assertMatch, assertNotEquals } from "@std/assert";
import { join } from "@std/path";
import {
  connect,
  eventually,
  get,
  PROJECT,
  request,
  ResponseReader,
  runServer,
  send,
  type Server,
  startServer,
} from "./helpers.ts";

/** A web root with the lab's files, a big file, and things that must never be served. */
async function makeRoot(): Promise<{ root: string; big: Uint8Array; index: Uint8Array }> {
  const base = await Deno.makeTempDir({ prefix: "tinyhttps-" });
  const root = join(base, "www");
  const index = await Deno.readFile(join(PROJECT, "static/index.html"));
  await Deno.mkdir(join(root, "dir"), { recursive: true });
  await Deno.mkdir(join(root, "emptydir"));
  await Deno.mkdir(join(root, ".git"));
  await Deno.writeFile(join(root, "index.html"), index);
  await Deno.writeFile(join(root, "dir/index.html"), index);
  await Deno.writeTextFile(join(root, ".git/config"), "[core] secret");
  await Deno.writeTextFile(join(root, "empty.txt"), "");
  await Deno.writeTextFile(join(base, "secret.txt"), "TOP SECRET outside the root");
  await Deno.symlink(join(base, "secret.txt"), join(root, "escape.txt"));
  await Deno.symlink("index.html", join(root, "alias.html"));
  const big = new Uint8Array(5 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
  await Deno.writeFile(join(root, "big.bin"), big);
  return { root, big, index };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
}

Deno.test("server.ts over real sockets", async (t) => {
  const { root, big, index } = await makeRoot();
  const server: Server = await startServer(["--root", root]);
  const HTTP = server.httpPort, HTTPS = server.httpsPort;
  const tls = (text: string, bodyless = false) => request(HTTPS, true, text, bodyless);
  const plain = (text: string) => request(HTTP, false, text);
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

    // ── 200, HEAD, index files ──
    await t.step(
      "GET over TLS returns 200 with the exact bytes and the required headers",
      async () => {
        const r = await tls(get("/index.html"));
        assertEquals(r.status, 200);
        assertEquals(r.body, index);
        assertEquals(r.headers.get("content-type"), "text/html; charset=UTF-8");
        assertEquals(r.headers.get("accept-ranges"), "bytes");
        assertEquals(r.headers.get("server"), "tinyhttps");
        assertMatch(r.headers.get("date")!, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
        assertMatch(r.headers.get("last-modified")!, /GMT$/);
      },
    );
    await t.step("/ and /dir/ serve their index.html", async () => {
      assertEquals((await tls(get("/"))).body, index);
      assertEquals((await tls(get("/dir/"))).body, index);
    });
    await t.step("a directory without its slash gets 301 to dir/, keeping the query", async () => {
      const r = await tls(get("/dir?x=1"));
      assertEquals(r.status, 301);
      assertEquals(r.headers.get("location"), "/dir/?x=1");
    });
    await t.step("a directory without index.html is 404", async () => {
      assertEquals((await tls(get("/emptydir/"))).status, 404);
    });
    await t.step("a file with a trailing slash is 404", async () => {
      assertEquals((await tls(get("/index.html/"))).status, 404);
    });
    await t.step("HEAD sends the GET headers, Content-Length included, and no body", async () => {
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      await send(conn, "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n" + get("/index.html"));
      const head = (await reader.read(true))!;
      assertEquals(head.status, 200);
      assertEquals(Number(head.headers.get("content-length")), index.length);
      const next = (await reader.read())!; // proves HEAD wrote no body before it
      assertEquals(next.status, 200);
      assertEquals(next.body, index);
      conn.close();
    });
    await t.step("an unknown extension is application/octet-stream", async () => {
      assertEquals(
        (await tls(get("/big.bin"), true)).headers.get("content-type"),
        "application/octet-stream",
      );
    });
    await t.step("an empty file is 200 with Content-Length 0", async () => {
      const r = await tls(get("/empty.txt"));
      assertEquals([r.status, r.headers.get("content-length")], [200, "0"]);
    });

    // ── Range ──
    await t.step("Range bytes=100-200 is 206 with 101 bytes and Content-Range", async () => {
      const r = await tls(get("/index.html", "Range: bytes=100-200\r\n"));
      assertEquals(r.status, 206);
      assertEquals(r.body, index.slice(100, 201));
      assertEquals(r.headers.get("content-range"), `bytes 100-200/${index.length}`);
    });
    await t.step("Range bytes=100- runs to the end", async () => {
      const r = await tls(get("/index.html", "Range: bytes=100-\r\n"));
      assertEquals(r.body, index.slice(100));
    });
    await t.step("Range bytes=-100 is the last 100 bytes", async () => {
      const r = await tls(get("/index.html", "Range: bytes=-100\r\n"));
      assertEquals(r.body, index.slice(-100));
    });
    await t.step("Range past the end is 416 with Content-Range: bytes */size", async () => {
      const r = await tls(get("/index.html", "Range: bytes=999999999-\r\n"));
      assertEquals(r.status, 416);
      assertEquals(r.headers.get("content-range"), `bytes */${index.length}`);
      assertEquals(r.headers.get("content-type")?.toLowerCase(), "text/html; charset=utf-8"); // RFC 9110 §8.3.2: charset names are case-insensitive
    });
    await t.step("Range is ignored for HEAD (RFC 9110 §14.2: GET only)", async () => {
      const r = await tls("HEAD /index.html HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\n\r\n", true);
      assertEquals(r.status, 200);
    });
    await t.step("an unknown range unit is ignored: 200 with the whole file", async () => {
      const r = await tls(get("/index.html", "Range: items=0-9\r\n"));
      assertEquals([r.status, r.body.length], [200, index.length]);
    });
    await t.step("two ranges give multipart/byteranges with both parts", async () => {
      const r = await tls(get("/index.html", "Range: bytes=0-9,20-29\r\n"));
      assertEquals(r.status, 206);
      const boundary = r.headers.get("content-type")!.match(/boundary=(.+)$/)![1];
      const parts = r.text.split(`--${boundary}`);
      assertEquals(parts.length, 4); // "", part 1, part 2, "--\r\n"
      assert(parts[1].includes(`Content-Range: bytes 0-9/${index.length}`));
      assert(parts[1].endsWith(new TextDecoder().decode(index.slice(0, 10)) + "\r\n"));
      assert(parts[2].includes(`Content-Range: bytes 20-29/${index.length}`));
      assertEquals(parts[3], "--\r\n");
    });
    await t.step("a 5 MiB file arrives intact, and a range in its middle too", async () => {
      const r = await tls(get("/big.bin"));
      assertEquals(r.body.length, big.length);
      assertEquals(await sha256(r.body), await sha256(big));
      const part = await tls(get("/big.bin", "Range: bytes=3000000-4000000\r\n"));
      assertEquals(await sha256(part.body), await sha256(big.slice(3000000, 4000001)));
    });

    await t.step("Nagle is off: 100 KB ranges on one TLS connection never wait 40 ms", async () => {
      // Seven TLS records per answer: with Nagle on, the last waited for the client's delayed
      // ACK, ~40 ms every time (server.ts, turnOffNagle). Without it, well under a millisecond.
      assert(server.lines.includes("  TCP_NODELAY on both listening sockets (Nagle off)"));
      const conn = await connect(HTTPS, true);
      const reader = new ResponseReader(conn);
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const start = performance.now();
        await send(conn, get("/big.bin", `Range: bytes=${i * 100000}-${i * 100000 + 99999}\r\n`));
        assertEquals((await reader.read())?.body.length, 100000);
        times.push(performance.now() - start);
      }
      conn.close();
      const median = times.sort((a, b) => a - b)[7]; // the first few are quick either way
      assert(median < 20, `median ${median.toFixed(1)} ms: ${times.map((t) => t.toFixed(1))}`);
    });

    // ── validators and conditional requests ──
    await t.step("200 carries a strong ETag and Last-Modified no later than Date", async () => {
      const r = await tls(get("/index.html"));
      assertMatch(r.headers.get("etag")!, /^"[^"]+"$/);
      assert(Date.parse(r.headers.get("last-modified")!) <= Date.parse(r.headers.get("date")!));
    });
    await t.step(
      "If-None-Match with the ETag is 304: no body, no Content-Type or Content-Length",
      async () => {
        const etag = (await tls(get("/index.html"))).headers.get("etag")!;
        const conn = await connect(HTTPS, true);
        const reader = new ResponseReader(conn);
        await send(conn, get("/index.html", `If-None-Match: W/${etag}\r\n`) + get("/dir/"));
        const r = (await reader.read())!;
        assertEquals([r.status, r.headers.get("etag")], [304, etag]);
        assertEquals([r.headers.get("content-type"), r.headers.get("content-length")], [
          undefined,
          undefined,
        ]);
        assertEquals((await reader.read())!.body, index); // the 304 ended at its empty line
        conn.close();
      },
    );
    await t.step("HEAD with If-None-Match is 304 too", async () => {
      const etag = (await tls(get("/index.html"))).headers.get("etag")!;
      assertEquals(
        (await tls(`HEAD /index.html HTTP/1.1\r\nHost: a\r\nIf-None-Match: ${etag}\r\n\r\n`, true))
          .status,
        304,
      );
    });
    await t.step("If-Modified-Since equal to Last-Modified is 304", async () => {
      const lastModified = (await tls(get("/index.html"))).headers.get("last-modified")!;
      assertEquals(
        (await tls(get("/index.html", `If-Modified-Since: ${lastModified}\r\n`))).status,
        304,
      );
    });
    await t.step("If-Modified-Since is ignored when If-None-Match does not match", async () => {
      const lastModified = (await tls(get("/index.html"))).headers.get("last-modified")!;
      const r = await tls(
        get("/index.html", `If-None-Match: "old"\r\nIf-Modified-Since: ${lastModified}\r\n`),
      );
      assertEquals(r.status, 200);
    });
    await t.step("If-Match with another ETag is 412", async () => {
      assertEquals((await tls(get("/index.html", 'If-Match: "old"\r\n'))).status, 412);
    });
    await t.step("VLC's seek: Range with If-Match of the ETag (W/ stripped) is 206", async () => {
      const etag = (await tls(get("/index.html"))).headers.get("etag")!;
      const r = await tls(get("/index.html", `Range: bytes=1000-\r\nIf-Match: ${etag}\r\n`));
      assertEquals([r.status, r.headers.get("content-range")], [
        206,
        `bytes 1000-${index.length - 1}/${index.length}`,
      ]);
    });
    await t.step("If-Range with a stale ETag sends the whole file with 200", async () => {
      const r = await tls(get("/index.html", 'Range: bytes=0-9\r\nIf-Range: "old"\r\n'));
      assertEquals([r.status, r.body.length], [200, index.length]);
    });
    await t.step("If-Range with the current ETag sends the range", async () => {
      const etag = (await tls(get("/index.html"))).headers.get("etag")!;
      const r = await tls(get("/index.html", `Range: bytes=0-9\r\nIf-Range: ${etag}\r\n`));
      assertEquals([r.status, r.body.length], [206, 10]);
    });

    await t.step(
      "an edited file is served fresh on the next request (the cache re-checks it)",
      async () => {
        const path = join(root, "edit.txt");
        await Deno.writeTextFile(path, "version 1");
        assertEquals((await tls(get("/edit.txt"))).text, "version 1");
        await new Promise((r) => setTimeout(r, 5));
        await Deno.writeTextFile(path, "version 2"); // same size: only mtime and content differ
        assertEquals((await tls(get("/edit.txt"))).text, "version 2");
        await Deno.remove(path);
        assertEquals((await tls(get("/edit.txt"))).status, 404);
      },
    );

    // ── errors ──
    await t.step("a missing file is 404 with a small HTML body", async () => {
      const r = await tls(get("/notfound.html"));
      assertEquals(r.status, 404);
      assertEquals(r.headers.get("content-type")?.toLowerCase(), "text/html; charset=utf-8"); // RFC 9110 §8.3.2: charset names are case-insensitive
      assert(r.text.includes("404 Not Found") && !r.text.includes(root));
    });
    await t.step("POST is 405 with Allow: GET, HEAD", async () => {
      const r = await tls("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
      assertEquals([r.status, r.headers.get("allow")], [405, "GET, HEAD"]);
    });
    await t.step("an unknown method is 501, and methods are case-sensitive", async () => {
      assertEquals((await tls("BREW / HTTP/1.1\r\nHost: a\r\n\r\n")).status, 501);
      assertEquals((await tls("get / HTTP/1.1\r\nHost: a\r\n\r\n")).status, 501);
    });
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

    // ── persistent connections ──
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
    await t.step("responses are framed by Content-Length, never Transfer-Encoding", async () => {
      for (const path of ["/", "/big.bin", "/notfound"]) {
        const r = await tls(get(path), true);
        assert(r.headers.has("content-length") && !r.headers.has("transfer-encoding"), path);
      }
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

    // ── paths ──
    for (
      const target of [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..\\secret.txt",
        "/index.html%00.txt",
        "http://127.0.0.1/../secret.txt",
        "/escape.txt",
        "/.git/config",
      ]
    ) {
      await t.step(`nothing outside the root or hidden is served (${target})`, async () => {
        const r = await tls(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`);
        assert(r.status === 400 || r.status === 404, `status ${r.status}`);
        assert(!r.text.includes("SECRET") && !r.text.includes("secret]"), r.text);
      });
    }
    await t.step("a symlink that stays inside the root is followed", async () => {
      assertEquals((await tls(get("/alias.html"))).body, index);
    });
    await t.step("absolute-form targets are accepted (RFC 9112 §3.2.2)", async () => {
      const r = await tls(
        "GET https://127.0.0.1/dir/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      );
      assertEquals([r.status, r.body.length], [200, index.length]);
    });

    // ── TLS and robustness ──
    await t.step("ALPN: a client offering h2 and http/1.1 gets http/1.1", async () => {
      const conn = await connect(HTTPS, true, ["h2", "http/1.1"]);
      const info = await (conn as Deno.TlsConn).handshake();
      assertEquals(info.alpnProtocol, "http/1.1");
      conn.close();
    });
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
    await t.step("each response is logged in Common Log Format", () => {
      assert(
        server.lines.some((l) =>
          /^127\.0\.0\.1 - - \[.+\] "GET \/index\.html HTTP\/1\.1" 200 \d+$/.test(l)
        ),
      );
    });
  } finally {
    await server.stop();
    await Deno.remove(join(root, ".."), { recursive: true });
  }
});

Deno.test("server.ts --dotfiles serves names starting with '.'", async () => {
  const { root } = await makeRoot();
  const server = await startServer(["--root", root, "--dotfiles", "--quiet"]);
  try {
    const r = await request(server.httpsPort, true, get("/.git/config"));
    assertEquals([r.status, r.text], [200, "[core] secret"]);
  } finally {
    await server.stop();
    await Deno.remove(join(root, ".."), { recursive: true });
  }
});

Deno.test("server.ts without --allow-ffi says Nagle stays on for TLS, and serves", async () => {
  const { root } = await makeRoot();
  const server = await startServer(["--root", root, "--quiet"], undefined, [
    "--allow-net",
    "--allow-read",
  ]);
  try {
    const r = await request(server.httpsPort, true, get("/big.bin", "Range: bytes=0-99999\r\n"));
    assertEquals([r.status, r.body.length], [206, 100000]);
  } finally {
    await server.stop();
    await Deno.remove(join(root, ".."), { recursive: true });
  }
  assert(server.lines.some((l) => l.includes("Nagle on for TLS: give --allow-ffi=/lib")));
});

// ── startup errors say what to do ──
Deno.test("server.ts a missing certificate: exit 1 with a message naming the file and the fix", async () => {
  const { code, output } = await runServer([
    "--http-port",
    "0",
    "--https-port",
    "0",
    "--cert",
    "/nonexistent.pem",
  ]);
  assertEquals(code, 1);
  assert(output.includes("/nonexistent.pem") && output.includes("deno task certs"), output);
  assert(!output.includes("    at "), "no stack trace");
});

Deno.test("server.ts a port in use: exit 1 with a message, not a stack trace", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { code, output } = await runServer([
      "--hostname",
      "127.0.0.1",
      "--http-port",
      String(busy.addr.port),
      "--https-port",
      "0",
    ]);
    assertEquals(code, 1);
    assert(output.includes("already") || output.includes("in use"), output);
    assert(!output.includes("    at "), output);
  } finally {
    busy.close();
  }
});

Deno.test("server.ts a missing root: exit 1 with a message", async () => {
  const { code, output } = await runServer([
    "--http-port",
    "0",
    "--https-port",
    "0",
    "--root",
    "/no/such/dir",
  ]);
  assertEquals(code, 1);
  assert(output.includes("/no/such/dir"), output);
});

Deno.test("server.ts --help prints the usage and exits 0", async () => {
  const { code, output } = await runServer(["--help"]);
  assertEquals(code, 0);
  assert(output.includes("--https-port"));
});

Deno.test("server.ts an unknown flag: exit 1 naming it", async () => {
  const { code, output } = await runServer(["--prot", "80"]);
  assertEquals(code, 1);
  assert(output.includes("--prot"));
});

Deno.test("server.ts --trace shows the request head, the range arithmetic and the response head", async () => {
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

Deno.test("server.ts --log FILE appends Common Log Format lines to the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tinyhttps-log-" });
  const path = join(dir, "access.log");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      `--allow-write=${dir}`,
      join(PROJECT, "server.ts"),
      "--hostname",
      "127.0.0.1",
      "--http-port",
      "0",
      "--https-port",
      "0",
      "--log",
      path,
    ],
    cwd: PROJECT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/https:\/\/[^ ]+:(\d+)\//.test(text)) text += (await out.read()).value ?? "";
    const port = Number(/https:\/\/[^ ]+:(\d+)\//.exec(text)![1]);
    await request(port, true, get("/index.html"));
    await request(port, true, get("/notfound"));
    const count = () => Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").length;
    await eventually(() => count() >= 2, 2000); // the log is flushed in batches
    const lines = (await Deno.readTextFile(path)).trim().split("\n");
    assertEquals(lines.length, 2);
    assertMatch(lines[0], /^127\.0\.0\.1 - - \[.+\] "GET \/index\.html HTTP\/1\.1" 200 \d+$/);
    assertMatch(lines[1], /"GET \/notfound HTTP\/1\.1" 404 \d+$/);
    out.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.output().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts --log to a path Deno may not write: exit 1 saying how to allow it", async () => {
  const { code, output } = await runServer([
    "--http-port",
    "0",
    "--https-port",
    "0",
    "--log",
    "/tmp/x.log",
  ]);
  assertEquals(code, 1);
  assert(output.includes("--allow-write=/tmp/x.log") && output.includes("logs/access.log"), output);
});

Deno.test("server.ts --no-redirect: port 80 serves the files in plain HTTP", async () => {
  const server = await startServer(["--no-redirect", "--quiet"]);
  try {
    const index = await Deno.readFile(join(PROJECT, "static/index.html"));
    const r = await request(server.httpPort, false, get("/index.html"));
    assertEquals([r.status, r.body], [200, index]);
  } finally {
    await server.stop();
  }
});
