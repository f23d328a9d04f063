// server.ts part 9 (Starting up: the settings, the root, the certificate, and clear errors):
// --help, and each startup error exits 1 with a message saying what to do, never a stack trace.
// A --log path Deno may not write is in part8_log_test.ts, a bad --config in seeds_test.ts.

import { assert, assertEquals } from "@std/assert";
import { runServer } from "./helpers.ts";

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
