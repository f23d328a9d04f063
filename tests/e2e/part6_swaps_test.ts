// tests/e2e/part6_swaps_test.ts — server.ts part 6 while the file system changes under it: a file
// swapped with a symlink that leads out of the root, a folder swapped with such a symlink, and a
// file swapped with a FIFO. A Python helper swaps two names with renameat2(RENAME_EXCHANGE), which
// exchanges them atomically, as fast as it can, while clients ask for one of them.
//
// Before the fix, lookUp() checked the path (realpath, stat) and then opened the path again, and
// the cache re-read small files by path: the outside file was served (and kept by the cache under
// the inside file's ETag), and an open() of a FIFO blocked its request forever.

import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { connect, get, ResponseReader, send, serveFixture } from "./helpers.ts";

/** Swaps `a` and `b` (two names in `dir`) until killed: renameat2(AT_FDCWD, a, AT_FDCWD, b,
 * RENAME_EXCHANGE) from glibc, through Python's ctypes. */
const SWAPPER = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
a, b = sys.argv[2].encode(), sys.argv[3].encode()
while True:
    if libc.renameat2(-100, a, -100, b, 2) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
`;

function startSwapper(dir: string, a: string, b: string): Deno.ChildProcess {
  return new Deno.Command("python3", { args: ["-c", SWAPPER, dir, a, b], stderr: "piped" })
    .spawn();
}

async function stopSwapper(swapper: Deno.ChildProcess): Promise<void> {
  swapper.kill("SIGKILL");
  await swapper.output();
}

/** Asks for `path` over and over on `clients` keep-alive TLS connections for `ms`; returns every
 * answer as [status, body]. A request not answered within 5 s fails the test. */
async function hammer(port: number, path: string, ms: number, clients = 4) {
  const answers: [number, string][] = [];
  const until = performance.now() + ms;
  await Promise.all(Array.from({ length: clients }, async () => {
    let conn = await connect(port, true);
    let reader = new ResponseReader(conn);
    try {
      while (performance.now() < until) {
        await send(conn, get(path));
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), 5000);
        });
        const r = await Promise.race([reader.read(), timeout]);
        clearTimeout(timer);
        if (r === "timeout") throw new Error(`GET ${path}: no answer within 5 s`);
        if (r === undefined) { // the server closed (after an error answer): a new connection
          conn.close();
          conn = await connect(port, true);
          reader = new ResponseReader(conn);
          continue;
        }
        answers.push([r.status, r.text]);
      }
    } finally {
      conn.close();
    }
  }));
  return answers;
}

/** Puts `a` back in its first place (a regular file or folder, not the symlink or FIFO). */
async function putBack(dir: string, a: string, b: string, wasDirectory: boolean) {
  const info = await Deno.lstat(join(dir, a));
  if ((wasDirectory ? info.isDirectory : info.isFile) && !info.isSymlink) return;
  const tmp = join(dir, `${a}.tmp`);
  await Deno.rename(join(dir, a), tmp);
  await Deno.rename(join(dir, b), join(dir, a));
  await Deno.rename(tmp, join(dir, b));
}

Deno.test("server.ts part 6: a file swapped with a symlink out of the root is never served from outside, nor cached", async () => {
  const site = await serveFixture();
  const outside = join(site.root, "../secret.txt"); // "TOP SECRET outside the root"
  await Deno.writeTextFile(join(site.root, "swap.txt"), "inside");
  await Deno.symlink(outside, join(site.root, "swap-link"));
  let swapper: Deno.ChildProcess | undefined;
  try {
    swapper = startSwapper(site.root, "swap.txt", "swap-link");
    const answers = await hammer(site.HTTPS, "/swap.txt", 3000);
    await stopSwapper(swapper);
    swapper = undefined;
    const leaked = answers.filter(([, body]) => body.includes("SECRET"));
    assertEquals(leaked.length, 0, `${leaked.length} of ${answers.length} answers were outside`);
    const served = answers.filter(([status]) => status === 200).length;
    assert(served > 0, `no 200 among ${answers.length} answers: the swapping hid the file`);
    assert(answers.every(([status]) => status === 200 || status === 404), `${answers}`);
    // Once the swapping stops, the file itself is served (nothing outside stayed in the cache).
    await putBack(site.root, "swap.txt", "swap-link", false);
    for (let i = 0; i < 3; i++) assertEquals((await site.tls(get("/swap.txt"))).text, "inside");
  } finally {
    if (swapper) await stopSwapper(swapper);
    await site.stop();
  }
});

Deno.test("server.ts part 6: a big file (whose handle the cache keeps) swapped with a symlink out of the root", async () => {
  const site = await serveFixture();
  const padding = "x".repeat(100_000); // over SMALL_FILE_MAX: sent from a cached open handle
  await Deno.writeTextFile(join(site.root, "../big-secret.txt"), "TOP SECRET" + padding);
  await Deno.writeTextFile(join(site.root, "big.txt"), "inside" + padding);
  await Deno.symlink(join(site.root, "../big-secret.txt"), join(site.root, "big-link"));
  let swapper: Deno.ChildProcess | undefined;
  try {
    swapper = startSwapper(site.root, "big.txt", "big-link");
    const answers = await hammer(site.HTTPS, "/big.txt", 3000);
    await stopSwapper(swapper);
    swapper = undefined;
    const leaked = answers.filter(([, body]) => body.includes("SECRET"));
    assertEquals(leaked.length, 0, `${leaked.length} of ${answers.length} answers were outside`);
    assert(answers.some(([status]) => status === 200), `no 200 among ${answers.length} answers`);
    await putBack(site.root, "big.txt", "big-link", false);
    for (let i = 0; i < 3; i++) {
      assert((await site.tls(get("/big.txt"))).text.startsWith("inside"), "the file itself");
    }
  } finally {
    if (swapper) await stopSwapper(swapper);
    await site.stop();
  }
});

Deno.test("server.ts part 6: a folder swapped with a symlink out of the root is never served from outside", async () => {
  const site = await serveFixture();
  const outsideDir = join(site.root, "../outside-dir");
  await Deno.mkdir(outsideDir);
  await Deno.writeTextFile(join(outsideDir, "page.txt"), "TOP SECRET folder outside the root");
  await Deno.mkdir(join(site.root, "swapdir"));
  await Deno.writeTextFile(join(site.root, "swapdir/page.txt"), "inside");
  await Deno.symlink(outsideDir, join(site.root, "swapdir-link"));
  let swapper: Deno.ChildProcess | undefined;
  try {
    swapper = startSwapper(site.root, "swapdir", "swapdir-link");
    const answers = await hammer(site.HTTPS, "/swapdir/page.txt", 3000);
    await stopSwapper(swapper);
    swapper = undefined;
    const leaked = answers.filter(([, body]) => body.includes("SECRET"));
    assertEquals(leaked.length, 0, `${leaked.length} of ${answers.length} answers were outside`);
    assert(answers.some(([status]) => status === 200), `no 200 among ${answers.length} answers`);
    await putBack(site.root, "swapdir", "swapdir-link", true);
    assertEquals((await site.tls(get("/swapdir/page.txt"))).text, "inside");
  } finally {
    if (swapper) await stopSwapper(swapper);
    await site.stop();
  }
});

Deno.test("server.ts part 6: a file swapped with a FIFO never blocks a request, and the server stays well", async () => {
  const site = await serveFixture();
  await Deno.writeTextFile(join(site.root, "pipe.txt"), "inside");
  const made = await new Deno.Command("mkfifo", { args: [join(site.root, "pipe-fifo")] }).output();
  assert(made.success, "mkfifo");
  let swapper: Deno.ChildProcess | undefined;
  try {
    swapper = startSwapper(site.root, "pipe.txt", "pipe-fifo");
    const answers = await hammer(site.HTTPS, "/pipe.txt", 3000); // each answered within 5 s
    await stopSwapper(swapper);
    swapper = undefined;
    assert(answers.every(([status]) => [200, 403, 404].includes(status)), `${answers}`);
    assert(answers.some(([status]) => status === 200), `no 200 among ${answers.length} answers`);
    // Afterwards every file still answers at once: no request is stuck inside an open().
    await putBack(site.root, "pipe.txt", "pipe-fifo", false);
    assertEquals((await site.tls(get("/pipe.txt"))).text, "inside");
    assertEquals((await site.tls(get("/big.bin", "Range: bytes=0-9\r\n"))).status, 206);
  } finally {
    if (swapper) await stopSwapper(swapper);
    await site.stop();
  }
});
