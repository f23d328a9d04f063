// tests/e2e/part15_cache_test.ts — server.ts part 15: the file cache keeps big files' open
// handles (and small files' bytes). An edited file is served as it is now, a deleted one is 404
// and its handle closed, at most CACHE_MAX_OPEN_FILES handles stay open, and every byte is the
// file's own while many clients share one handle.

import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { join } from "@std/path";
import {
  type Conn,
  connect,
  eventually,
  get,
  memoryMiB,
  PROJECT,
  randomBytes,
  request,
  REQUIRED,
  ResponseReader,
  send,
  serveFixture,
  startServer,
} from "./helpers.ts";

/** The files under `root` the server holds open (its /proc/PID/fd links, read through `ls`). */
function openUnder(pid: number, root: string): string[] {
  const out = new Deno.Command("ls", { args: ["-l", `/proc/${pid}/fd`] }).outputSync();
  return new TextDecoder().decode(out.stdout).split("\n")
    .map((line) => line.split(" -> ")[1] ?? "")
    .filter((target) => target.startsWith(root + "/"));
}

Deno.test("server.ts part 15: a big file edited in place is served as it is now", async () => {
  const site = await serveFixture();
  try {
    const path = join(site.root, "video.bin");
    const first = randomBytes(300_000);
    await Deno.writeFile(path, first);
    const a = await site.tls(get("/video.bin", "Range: bytes=1000-1999\r\n"));
    assertEquals(a.body, first.subarray(1000, 2000));
    await new Promise((r) => setTimeout(r, 20)); // a later modification time
    const second = randomBytes(300_000);
    const file = await Deno.open(path, { write: true }); // the same inode, new bytes
    await file.write(second);
    file.close();
    const b = await site.tls(get("/video.bin", "Range: bytes=1000-1999\r\n"));
    assertEquals(b.body, second.subarray(1000, 2000));
    assertNotEquals(b.headers.get("etag"), a.headers.get("etag"));
    assertEquals((await site.tls(get("/video.bin"))).body, second);
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 15: a deleted big file is 404, and its handle is closed", async () => {
  const site = await serveFixture();
  try {
    const path = join(site.root, "gone.bin");
    await Deno.writeFile(path, randomBytes(200_000));
    const open = () => openUnder(site.server.pid, site.root);
    assertEquals((await site.tls(get("/gone.bin"))).status, 200);
    assertEquals(open(), [path], "the cache keeps it open");
    await Deno.remove(path);
    assertEquals((await site.tls(get("/gone.bin"))).status, 404);
    // The cache let the deleted file go: its disk space is free again.
    assert(await eventually(() => open().length === 0, 2000), `${open()}`);
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 15: 80 big files, 8 clients at once: exact bytes, at most 64 handles kept", async () => {
  const site = await serveFixture();
  try {
    const files: Uint8Array[] = [];
    for (let i = 0; i < 80; i++) {
      files.push(randomBytes(70_000 + i));
      await Deno.writeFile(join(site.root, `f${i}.bin`), files[i]);
    }
    for (let round = 0; round < 2; round++) {
      await Promise.all(Array.from({ length: 8 }, async (_, client) => {
        for (let i = client; i < 80; i += 8) {
          const r = await site.tls(get(`/f${i}.bin`, `Range: bytes=${i}-${i + 60_000}\r\n`));
          assertEquals(r.body, files[i].subarray(i, i + 60_001), `f${i}.bin`);
        }
      }));
    }
    const kept = () => openUnder(site.server.pid, site.root).length;
    assert(await eventually(() => kept() > 0 && kept() <= 64, 2000), `${kept()} handles kept`);
  } finally {
    await site.stop();
  }
});

/** Reads one response off `conn` slowly (4 KiB at a time, with pauses), so that the server's
 * writes wait for the socket while other responses are being sent: its send buffer stays lent. */
async function readSlowly(conn: Conn, length: number): Promise<Uint8Array> {
  const got: number[] = [];
  const chunk = new Uint8Array(4096);
  while (true) {
    const n = await conn.read(chunk);
    if (n === null) break;
    for (let i = 0; i < n; i++) got.push(chunk[i]);
    if (got.length % 65536 < 4096) await new Promise((r) => setTimeout(r, 5));
    const text = new TextDecoder("latin1").decode(Uint8Array.from(got.slice(0, 400)));
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd !== -1 && got.length >= headEnd + 4 + length) {
      return Uint8Array.from(got.slice(headEnd + 4, headEnd + 4 + length));
    }
  }
  throw new Error(`the server closed after ${got.length} bytes`);
}

Deno.test("server.ts part 15: a send buffer is lent to one response at a time (12 slow clients, their own bytes)", async () => {
  const site = await serveFixture(["--no-redirect"]);
  try {
    const files: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) {
      files.push(randomBytes(700_000 + i)); // ~3 buffers' worth each, each its own bytes
      await Deno.writeFile(join(site.root, `s${i}.bin`), files[i]);
    }
    for (let round = 0; round < 2; round++) { // the second round gets the buffers given back
      await Promise.all(files.map(async (file, i) => {
        const conn = await connect(i % 2 === 0 ? site.HTTP : site.HTTPS, i % 2 === 1);
        try {
          await send(conn, get(`/s${i}.bin`, "Connection: close\r\n"));
          const body = await readSlowly(conn, file.length);
          assert(body.every((b, at) => b === file[at]), `s${i}.bin differs (round ${round})`);
        } finally {
          conn.close();
        }
      }));
    }
  } finally {
    await site.stop();
  }
});

/** Whether this kernel offers FUSE (/dev/fuse): a container may not, and no package adds it.
 * Asked through test(1), since Deno wants --allow-all to look at a device. */
function hasFuseDevice(): boolean {
  if (Deno.build.os !== "linux") return false;
  return new Deno.Command("test", { args: ["-c", "/dev/fuse"] }).outputSync().success;
}

/** Whether Debian's python3-fusepy is there for tests/e2e/slowfs.py (.ci/run installs it). */
function hasFusepy(): boolean {
  try {
    return new Deno.Command("/usr/bin/python3", { args: ["-c", "import fusepy"] }).outputSync()
      .success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "server.ts part 15: a cached file's check that waits for a stuck disk holds up no other request",
  ignore: !hasFuseDevice() || (!hasFusepy() && !REQUIRED),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const mount = join(dir, "mnt"), flag = join(dir, "stuck");
    await Deno.mkdir(mount);
    const fs = new Deno.Command("/usr/bin/python3", {
      args: [join(import.meta.dirname!, "slowfs.py"), mount, flag],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      assert(await eventually(() => existsNow(join(mount, "page.txt")), 5000), "slowfs mounted");
      server = await startServer(["--root", mount, "--quiet"]);
      const page = () => request(server!.httpsPort, true, get("/page.txt"));
      assertEquals((await page()).status, 200); // now in the cache
      await Deno.writeTextFile(flag, ""); // from here, every stat takes 4 s
      await new Promise((r) => setTimeout(r, 5)); // a later millisecond: the hit is checked
      const stuck = page();
      await new Promise((r) => setTimeout(r, 300)); // its stat is waiting for the "disk" by now
      // Port 80 touches no file: with the check blocking the event loop, this waited 4 s.
      const started = performance.now();
      const redirect = await request(server.httpPort, false, get("/"));
      const ms = performance.now() - started;
      assertEquals(redirect.status, 301);
      assert(ms < 1500, `port 80 answered after ${Math.round(ms)} ms, behind the stuck disk`);
      await Deno.remove(flag);
      const late = await stuck; // the check ends, the file is unchanged: served from the cache
      assertEquals([late.status, late.text], [200, "a page from a slow disk\n"]);
    } finally {
      await Deno.remove(flag).catch(() => {});
      await server?.stop();
      await new Deno.Command("umount", { args: [mount] }).output();
      await fs.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Whether a path exists (statSync: only the test waits for it). */
function existsNow(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("server.ts part 15: after a burst of 256 TLS clients, a quiet server gives its memory back", async () => {
  // With the start task's V8 flags: --expose-gc lets giveMemoryBack() ask V8 for a collection.
  const task: string = JSON.parse(Deno.readTextFileSync(join(PROJECT, "deno.json"))).tasks.start;
  const v8 = task.split(" ").filter((word) => word.startsWith("--v8-flags="));
  assert(v8.join().includes("--expose-gc"), `the start task: ${task}`);
  const permissions = [...v8, "--allow-net", "--allow-read", "--allow-ffi=/lib"];
  const site = await serveFixture(["--quiet"], undefined, permissions);
  try {
    await Deno.writeFile(join(site.root, "1k.bin"), randomBytes(1024));
    // What the server itself allocated (RssAnon: V8's heap, the C library's memory) is what it
    // can give back; the rest of VmRSS is Deno's code read from its file, which grew with the
    // code the burst ran and which the kernel drops when it needs the room.
    const mib = (field: "VmRSS" | "RssAnon") => memoryMiB(site.server.pid, field);
    const before = { all: mib("VmRSS"), own: mib("RssAnon") };
    const until = performance.now() + 3000;
    await Promise.all(Array.from({ length: 256 }, async () => {
      const conn = await connect(site.HTTPS, true);
      const reader = new ResponseReader(conn);
      try {
        while (performance.now() < until) {
          await send(conn, get("/1k.bin"));
          assertEquals((await reader.read())?.status, 200);
        }
      } finally {
        conn.close();
      }
    }));
    const afterBurst = { all: mib("VmRSS"), own: mib("RssAnon") };
    const grown = afterBurst.own - before.own;
    assert(grown >= 10, `the burst should have grown the server's own memory: by ${grown} MiB`);
    const third = afterBurst.own - grown / 3;
    const started = performance.now();
    const back = await eventually(() => mib("RssAnon") < third, 15_000);
    const waited = ((performance.now() - started) / 1000).toFixed(1);
    const figure = (m: { all: number; own: number }) =>
      `${m.all.toFixed(0)} MiB (${m.own.toFixed(0)} its own)`;
    const figures = `${figure(before)} before, ${figure(afterBurst)} after the burst, ` +
      `${figure({ all: mib("VmRSS"), own: mib("RssAnon") })} after ${waited} s of quiet`;
    assert(back, `less than a third of the burst's own memory was given back: ${figures}`);
    console.log(`  ${figures}`);
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 15: an idle keep-alive TLS connection costs the server under 42 KiB", async () => {
  // Counted in RssAnon, what the server allocated: VmRSS also grows by the pages of Deno's own
  // code that serving runs for the first time, which no connection holds. Measured: ~30 KiB each,
  // most of it Deno's and rustls's; with two 16 KiB buffers from the start, ~55.
  const site = await serveFixture(["--quiet"]);
  const conns: Conn[] = [];
  try {
    await Deno.writeFile(join(site.root, "1k.bin"), randomBytes(1024));
    const answered = async () => {
      const conn = await connect(site.HTTPS, true);
      await send(conn, get("/1k.bin"));
      assertEquals((await new ResponseReader(conn).read())?.status, 200);
      return conn;
    };
    for (let i = 0; i < 20; i++) (await answered()).close(); // the code compiled, the file kept
    await new Promise((wait) => setTimeout(wait, 500));
    const before = memoryMiB(site.server.pid, "RssAnon");
    for (let i = 0; i < 30; i++) { // 300 in all: the default limit holds 384 on one port
      conns.push(...await Promise.all(Array.from({ length: 10 }, answered)));
    }
    await new Promise((wait) => setTimeout(wait, 500));
    const eachKiB = (memoryMiB(site.server.pid, "RssAnon") - before) * 1024 / conns.length;
    console.log(`  ${eachKiB.toFixed(1)} KiB per connection (${before.toFixed(0)} MiB before)`);
    assert(eachKiB < 42, `${eachKiB.toFixed(1)} KiB per idle connection`);
  } finally {
    for (const conn of conns) conn.close();
    await site.stop();
  }
});
