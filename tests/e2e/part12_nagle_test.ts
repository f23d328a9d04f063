// server.ts part 12 (the C library, through FFI), over real sockets: without --allow-ffi the
// banner says Nagle stays on for TLS, and files are still served. With it, the 40 ms stalls are
// gone ("Nagle is off: ..." in part7_write_test.ts), and a file that is not in memory, whole or in
// part, still comes byte for byte (readCached() copies nothing, and the slow read takes over).

import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { get, have, randomBytes, request, REQUIRED, serveFixture, within } from "./helpers.ts";

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

/** Asks the kernel to drop a file's pages from memory from byte `from` on (dd's nocache is
 * posix_fadvise POSIX_FADV_DONTNEED; written pages go to the disk first, or they would stay). */
async function dropFromMemory(path: string, from = 0): Promise<void> {
  await new Deno.Command("sync").output();
  await new Deno.Command("dd", {
    args: [`if=${path}`, "iflag=nocache,skip_bytes", `skip=${from}`, "count=0"],
  }).output();
}

/** How many of a file's pages are in the page cache, as util-linux's fincore(1) counts them. */
function pagesInMemory(path: string): number {
  const out = new Deno.Command("fincore", {
    args: ["--bytes", "--noheadings", "-o", "PAGES", path],
  })
    .outputSync();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test({
  name: "server.ts part 12: a file that is not in memory is read from the disk, byte for byte",
  // fincore(1) is in Debian's util-linux-extra, which .ci/run installs.
  ignore: Deno.build.os !== "linux" || (!have("fincore") && !REQUIRED),
  fn: async () => {
    const site = await serveFixture();
    try {
      const path = join(site.root, "cold.bin");
      const file = randomBytes(3_000_000);
      await Deno.writeFile(path, file);
      await dropFromMemory(path);
      const cold = pagesInMemory(path);
      const whole = await within(10_000, "the cold file", site.tls(get("/cold.bin")));
      assertEquals(whole.body.length, file.length);
      assert(whole.body.every((b, at) => b === file[at]), "the cold file's bytes differ");
      // Half in memory, half not: the first read stops where the cached pages end.
      await Deno.readFile(path); // reads it all back in...
      await dropFromMemory(path, 1_500_000); // ...and drops its second half
      const half = pagesInMemory(path);
      const ranged = get("/cold.bin", "Range: bytes=1000000-2199999\r\n");
      const range = await within(10_000, "the half-cold range", site.tls(ranged));
      assertEquals(range.status, 206);
      assertEquals(range.body.length, 1_200_000);
      assert(range.body.every((b, at) => b === file[1_000_000 + at]), "the range's bytes differ");
      assertEquals(cold, 0, "the test could not drop the file's pages from memory");
      assert(half > 0 && half < 3_000_000 / 4096, `${half} pages in memory: not half`);
    } finally {
      await site.stop();
    }
  },
});
