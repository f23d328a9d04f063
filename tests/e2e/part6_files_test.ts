// server.ts parts 6 (Port 443: from the target to a file, and its Reply) and 15 (the small-file
// cache), over real sockets: 200, 404, index files, directory redirects, HEAD, ranges and
// multipart/byteranges, validators and conditional requests, an edited file served fresh, and
// paths that must not leave the root (.., %2e, symlinks, dotfiles).

import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { connect, get, request, ResponseReader, send, serveFixture } from "./helpers.ts";

Deno.test("server.ts part 6: from the target to a file, and its Reply (and part 15: the cache)", async (t) => {
  const site = await serveFixture();
  const { root, index, HTTPS, tls } = site;
  try {
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

    // ── part 15: the small-file cache ──
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
    await t.step("a name longer than a file name can be (255 bytes) is 404, not 500", async () => {
      const r = await tls(get("/" + "a".repeat(300) + "/x.html")); // before: ENAMETOOLONG, 500
      assertEquals(r.status, 404);
      assert(!site.server.lines.some((l) => l.includes("500 for")), site.server.lines.join("\n"));
    });
    await t.step("a missing file is 404 with a small HTML body", async () => {
      const r = await tls(get("/notfound.html"));
      assertEquals(r.status, 404);
      assertEquals(r.headers.get("content-type")?.toLowerCase(), "text/html; charset=utf-8"); // RFC 9110 §8.3.2: charset names are case-insensitive
      assert(r.text.includes("404 Not Found") && !r.text.includes(root));
    });

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
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 6: --dotfiles serves names starting with '.'", async () => {
  const site = await serveFixture(["--dotfiles", "--quiet"]);
  const server = site.server;
  try {
    const r = await request(server.httpsPort, true, get("/.git/config"));
    assertEquals([r.status, r.text], [200, "[core] secret"]);
  } finally {
    await site.stop();
  }
});
