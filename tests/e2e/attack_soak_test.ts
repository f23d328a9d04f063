// tests/e2e/attack_soak_test.ts — bench/attack_soak.ts for 20 s: the file-system races, the
// starvation and the CGI attacks of "unbreakable, round 2" at once, while a normal client fetches
// a page every 100 ms. The soak itself fails on a failed normal request, a byte from outside the
// root, descriptors left open, or a dead server; the full run is 5 minutes (bench/RESULTS.md).

import { assert } from "@std/assert";
import { join } from "@std/path";
import { PROJECT } from "./helpers.ts";

Deno.test("bench/attack_soak.ts for 20 s: no failed normal request, nothing from outside, no leak", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(PROJECT, "bench/attack_soak.ts"), "--seconds", "20"],
    cwd: PROJECT,
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success && text.includes("attack soak: ok"), text);
});
