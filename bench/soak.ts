// bench/soak.ts — streams a 1 GiB file to 16 curl clients at once over HTTPS while 64 keep-alive
// clients fetch small files, verifies every byte by SHA-256, and samples the server's resident
// memory. Loopback only, bounded: it stops itself after --seconds (default 300).
//   deno run -A bench/soak.ts [--gib 1] [--big 16] [--small 64] [--seconds 300]
// Prints one summary line per measure and exits 1 if a byte was wrong or a request failed.

import { parseArgs } from "@std/cli";
import { join } from "@std/path";
import { createHash } from "node:crypto";
import { connect, get, ResponseReader, send, startServer } from "../tests/e2e/helpers.ts";

const flags = parseArgs(Deno.args, { string: ["gib", "big", "small", "seconds"] });
const GIB = Number(flags.gib ?? 1),
  BIG = Number(flags.big ?? 16),
  SMALL = Number(flags.small ?? 64);
const LIMIT_MS = Number(flags.seconds ?? 300) * 1000;

const root = await Deno.makeTempDir({ prefix: "tinyhttps-soak-" });
console.log(`soak: writing a ${GIB} GiB file`);
const bigHash = await writeBigFile(join(root, "big.bin"), GIB * 1024);
const small = crypto.getRandomValues(new Uint8Array(1024));
await Deno.writeFile(join(root, "small.bin"), small);
const server = await startServer(["--root", root, "--quiet"]);
const url = `https://127.0.0.1:${server.httpsPort}/big.bin`;

let maxRssKiB = 0, done = false, smallOk = 0;
const errors: string[] = [];
const sampler = setInterval(() => {
  const out = new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(server.pid)] })
    .outputSync();
  maxRssKiB = Math.max(maxRssKiB, Number(new TextDecoder().decode(out.stdout).trim()) || 0);
}, 200);
const deadline = setTimeout(() => {
  errors.push(`time limit of ${LIMIT_MS / 1000} s reached`);
  done = true;
}, LIMIT_MS);

const started = performance.now();
const bigs = Array.from({ length: BIG }, async (_, i) => {
  const out = await new Deno.Command("bash", {
    args: ["-c", `curl -sSk --http1.1 --max-time ${LIMIT_MS / 1000} "$0" | sha256sum`, url],
  }).output();
  const hash = new TextDecoder().decode(out.stdout).split(" ")[0];
  if (hash !== bigHash) errors.push(`big client ${i}: hash ${hash || "none"}`);
});
const smalls = Array.from({ length: SMALL }, async (_, i) => {
  try {
    const conn = await connect(server.httpsPort, true);
    const reader = new ResponseReader(conn);
    while (!done) { // keep-alive: one connection, request after request
      await send(conn, get("/small.bin"));
      const r = await reader.read();
      if (
        r?.status !== 200 || r.body.length !== small.length || r.body.some((b, j) => b !== small[j])
      ) {
        throw new Error(`status ${r?.status}`);
      }
      smallOk++;
    }
    conn.close();
  } catch (error) {
    errors.push(`small client ${i}: ${error}`);
  }
});
await Promise.all(bigs);
const seconds = (performance.now() - started) / 1000;
done = true;
await Promise.all(smalls);
clearInterval(sampler);
clearTimeout(deadline);
await server.stop();
await Deno.remove(root, { recursive: true });

const gb = (BIG * GIB * 2 ** 30) / 1e9;
console.log(
  `soak: ${BIG} × ${GIB} GiB over HTTPS in ${seconds.toFixed(1)} s = ${
    (gb / seconds).toFixed(2)
  } GB/s, every byte verified`,
);
console.log(
  `soak: ${smallOk} small keep-alive requests from ${SMALL} clients meanwhile (${
    (smallOk / seconds).toFixed(0)
  }/s)`,
);
console.log(
  `soak: server peak resident memory ${(maxRssKiB / 1024).toFixed(1)} MiB (bound: 100 MiB)`,
);
console.log(`soak: ${errors.length} errors${errors.length ? ":\n  " + errors.join("\n  ") : ""}`);
Deno.exit(errors.length === 0 && maxRssKiB < 100 * 1024 ? 0 : 1);

/** Writes `mib` MiB of pseudo-random bytes (each MiB different) and returns their SHA-256. */
async function writeBigFile(path: string, mib: number): Promise<string> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const hash = createHash("sha256");
  const block = crypto.getRandomValues(new Uint8Array(65536));
  const chunk = new Uint8Array(1024 * 1024);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < 16; j++) chunk.set(block.map((b) => b ^ ((i + j) & 0xff)), j * 65536);
    hash.update(chunk);
    for (let w = 0; w < chunk.length;) w += await file.write(chunk.subarray(w));
  }
  file.close();
  return hash.digest("hex");
}
