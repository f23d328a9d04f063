// server.ts part 9 (Starting up: the settings, the root, the certificate, and clear errors):
// --help, and each startup error exits 1 with a message saying what to do, never a stack trace.
// A --log path Deno may not write is in part8_log_test.ts, a bad --config in seeds_test.ts.
// And the key in use is never served, though it lie under the root.

import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { get, PROJECT, request, runServer, startServer } from "./helpers.ts";

Deno.test("server.ts part 9: a missing certificate: exit 1 with a message naming the file and the fix", async () => {
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

Deno.test("server.ts part 9: a port in use: exit 1 with a message, not a stack trace", async () => {
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

Deno.test("server.ts part 9: a missing root: exit 1 with a message", async () => {
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

Deno.test("server.ts part 9: --help prints the usage and exits 0", async () => {
  const { code, output } = await runServer(["--help"]);
  assertEquals(code, 0);
  assert(output.includes("--https-port"));
});

Deno.test("server.ts part 9: an unknown flag: exit 1 naming it", async () => {
  const { code, output } = await runServer(["--prot", "80"]);
  assertEquals(code, 1);
  assert(output.includes("--prot"));
});

Deno.test("server.ts part 9: the TLS key in use is never served, even under the root, and the banner warns", async () => {
  // The lab's handout runs the server from a folder that holds keys/cnlab.prikey.
  const root = await Deno.makeTempDir({ prefix: "tinyhttps-keys-" });
  await Deno.mkdir(join(root, "keys"));
  const key = join(root, "keys/server.prikey");
  await Deno.copyFile(join(PROJECT, "certs/key.pem"), key);
  await Deno.link(key, join(root, "keys/copy.txt")); // the same file under another name
  await Deno.writeTextFile(join(root, "keys/readme.txt"), "not a key");
  const server = await startServer(["--root", root, "--key", key, "--quiet"]);
  try {
    for (const path of ["/keys/server.prikey", "/keys/copy.txt"]) {
      const r = await request(server.httpsPort, true, get(path));
      assertEquals(r.status, 404, path); // before: 200, with the private key in the body
      assert(!r.text.includes("PRIVATE KEY"));
    }
    assertEquals((await request(server.httpsPort, true, get("/keys/readme.txt"))).status, 200);
    // A key replaced at its path (a new inode, as a renewal does) is not served either.
    await Deno.copyFile(key, `${key}.new`);
    await Deno.rename(`${key}.new`, key);
    assertEquals((await request(server.httpsPort, true, get("/keys/server.prikey"))).status, 404);
    assert(server.lines.some((l) => l.includes("warning: the TLS key")), server.lines.join("\n"));
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});
