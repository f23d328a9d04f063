// server.ts parts 8 (Log the response) and 18 (Writing the access log in batches), over real
// sockets: one Common Log Format line per response, on stdout or appended to --log FILE, and a
// --log path Deno may not write, and one that cannot be written.

import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import {
  eventually,
  get,
  PROJECT,
  request,
  runServer,
  serveFixture,
  startServer,
} from "./helpers.ts";

Deno.test("server.ts part 8: log the response", async (t) => {
  const site = await serveFixture();
  const { server, tls } = site;
  try {
    await t.step("each response is logged in Common Log Format", async () => {
      await tls(get("/index.html")); // the response whose line we look for
      // Lines are written in batches, at most 50 ms later (part 18): wait for this one.
      await eventually(() => server.lines.some((l) => l.includes('"GET /index.html ')), 2000);
      assert(
        server.lines.some((l) =>
          /^127\.0\.0\.1 - - \[.+\] "GET \/index\.html HTTP\/1\.1" 200 \d+$/.test(l)
        ),
      );
    });
  } finally {
    await site.stop();
  }
});

Deno.test("server.ts part 18: --log FILE appends Common Log Format lines to the file", async () => {
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

    // Batches larger than the writer's first 64 KiB buffer: 24 lines of 7 KB, sent at once (the
    // writer reckons 3 bytes of room per character, so any four in one batch make it grow), and
    // every one reaches the file whole.
    const targets = Array.from({ length: 24 }, (_, i) => `/${"a".repeat(7000)}${i}`);
    await Promise.all(targets.map((target) => request(port, true, get(target))));
    await eventually(() => count() >= 26, 2000);
    const long = (await Deno.readTextFile(path)).trim().split("\n").slice(2);
    assertEquals(long.length, 24);
    for (const target of targets) {
      assert(long.some((line) => line.includes(`"GET ${target} HTTP/1.1" 404 `)), target.slice(-4));
    }
    await request(port, true, get("/after")); // a small batch after them is written whole too
    await eventually(() => count() >= 27, 2000);
    assertMatch(
      (await Deno.readTextFile(path)).trim().split("\n")[26],
      /"GET \/after HTTP\/1\.1" 404 /,
    );
    out.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.output().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts part 18: --log to a path Deno may not write: exit 1 saying how to allow it", async () => {
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

Deno.test("server.ts part 18: a log that cannot be written (--log /dev/full) is reported once, and serving goes on", async () => {
  // Deno grants a device such as /dev/full only with --allow-all.
  const server = await startServer(["--log", "/dev/full"], undefined, ["--allow-all"]);
  try {
    for (let i = 0; i < 4; i++) {
      const r = await request(server.httpsPort, true, get("/index.html"));
      assertEquals(r.status, 200); // before: the first failed write (ENOSPC) ended the process
      await new Promise((wake) => setTimeout(wake, 120)); // let a batch be written (and fail)
    }
    const said = server.lines.filter((l) => l.includes("cannot write the access log"));
    assertEquals(said.length, 1, server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});
