// server.ts part 7 (Write the reply: the head, then the body streamed from disk), over real
// sockets: a big file arrives intact, whole or in part, every response is framed by its
// Content-Length, and 100 KB answers never stall 40 ms (Nagle off: part 12; without it, see
// part12_nagle_test.ts).

import { assert, assertEquals } from "@std/assert";
import { connect, get, ResponseReader, send, serveFixture } from "./helpers.ts";

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
}

Deno.test("server.ts part 7: write the reply", async (t) => {
  const site = await serveFixture();
  const { big, server, HTTPS, tls } = site;
  try {
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

    await t.step("responses are framed by Content-Length, never Transfer-Encoding", async () => {
      for (const path of ["/", "/big.bin", "/notfound"]) {
        const r = await tls(get(path), true);
        assert(r.headers.has("content-length") && !r.headers.has("transfer-encoding"), path);
      }
    });
  } finally {
    await site.stop();
  }
});
