// server.ts part 12 (Nagle off for TLS, through the C library (FFI)), over real sockets: without
// --allow-ffi the banner says Nagle stays on for TLS, and files are still served. With it, the
// 40 ms stalls are gone: "Nagle is off: ..." in part7_write_test.ts.

import { assert, assertEquals } from "@std/assert";
import { get, request, serveFixture } from "./helpers.ts";

Deno.test("server.ts part 12: without --allow-ffi says Nagle stays on for TLS, and serves", async () => {
  const site = await serveFixture(["--quiet"], undefined, ["--allow-net", "--allow-read"]);
  const server = site.server;
  try {
    const r = await request(server.httpsPort, true, get("/big.bin", "Range: bytes=0-99999\r\n"));
    assertEquals([r.status, r.body.length], [206, 100000]);
  } finally {
    await site.stop();
  }
  assert(
    server.lines.some((l) =>
      l.includes("Nagle on for TLS, and open files' paths not checked: give --allow-ffi=/lib")
    ),
  );
});
