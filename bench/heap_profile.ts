// Where the garbage of a request comes from: tinyhttps as the start task runs it (its V8 flags),
// loaded by wrk with keep-alive requests for a 1 KiB file over HTTPS, while V8's sampling heap
// profiler (the Chrome DevTools Protocol, over the --inspect port) samples the allocations of the
// server's JavaScript. Prints the bytes allocated per request and the functions that
// allocate them. Needs wrk and taskset (apt-get install wrk util-linux); the server runs on core
// 0, wrk on core 1, as in bench/run.py.
//
//   deno run -A bench/heap_profile.ts [--seconds 4] [--connections 64] [--log] [--survivors]
//
// --log: the server logs to a file (the default use) instead of --quiet. --survivors: count only
// what outlives young-generation collections (V8 promotes it to the old generation, and only the
// slower full collections, mark-compacts, free it), with what is still live at the end. Run it
// from anywhere: paths are the project's own.
//
// The profile samples one allocation in every 1 KiB on average and scales each sample back up,
// so the per-function figures are estimates; over a few seconds of load they repeat within a few
// percent from run to run.

import { parseArgs } from "@std/cli";

const args = parseArgs(Deno.args, {
  string: ["seconds", "connections"],
  boolean: ["log", "survivors"],
  default: { seconds: "4", connections: "64" },
});
const seconds = Number(args.seconds);
const project = new URL("..", import.meta.url).pathname;
const startTask: string = JSON.parse(await Deno.readTextFile(`${project}/deno.json`)).tasks.start;
const v8Flags = startTask.split(" ").filter((word) => word.startsWith("--v8-flags="));
const [httpPort, httpsPort, inspectPort] = freePorts(3);
const workdir = await Deno.makeTempDir({ prefix: "tinyhttps-heap-" });
let server: Deno.ChildProcess | undefined;
try {
  await Deno.writeFile(`${workdir}/1k.bin`, new Uint8Array(1024).fill(120));
  server = new Deno.Command("taskset", {
    args: ["-c", "0", Deno.execPath(), "run", ...v8Flags, `--inspect=127.0.0.1:${inspectPort}`]
      .concat(["-A", `${project}/server.ts`, "--root", workdir, "--hostname", "127.0.0.1"])
      .concat(["--http-port", String(httpPort), "--https-port", String(httpsPort)])
      .concat(["--cert", `${project}/certs/cert.pem`, "--key", `${project}/certs/key.pem`])
      .concat(["--no-redirect", ...args.log ? ["--log", `${workdir}/access.log`] : ["--quiet"]]),
    stdout: "null",
    stderr: "null",
  }).spawn();
  const inspector = await connectInspector(inspectPort);
  await waitForListener(httpsPort);
  const url = `https://127.0.0.1:${httpsPort}/1k.bin`;
  await wrk(url, 1); // warm-up: the hot path compiled, the file in the cache
  await inspector.call("HeapProfiler.enable");
  await inspector.call("HeapProfiler.startSampling", {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !args.survivors,
  });
  const requests = await wrk(url, seconds);
  const { profile } = await inspector.call("HeapProfiler.stopSampling") as { profile: Profile };
  report(profile, requests);
  inspector.close();
} finally {
  try {
    server?.kill();
  } catch { /* it had exited already */ }
  await server?.status;
  await Deno.remove(workdir, { recursive: true });
}

/** `count` different ports nobody listens on now: the kernel's picks, all held until all are
 * picked, so that none is given twice. */
function freePorts(count: number): number[] {
  const listeners = Array.from({ length: count }, () => {
    return Deno.listen({ hostname: "127.0.0.1", port: 0 });
  });
  for (const listener of listeners) listener.close();
  return listeners.map((listener) => listener.addr.port);
}

/** Waits until the server accepts connections on `port` (it reads its certificate first). */
async function waitForListener(port: number): Promise<void> {
  for (let tries = 0;; tries++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch (error) {
      if (tries === 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** wrk with one thread on core 1; returns how many requests it completed. */
async function wrk(url: string, duration: number): Promise<number> {
  const out = await new Deno.Command("taskset", {
    args: ["-c", "1", "wrk", "-t1", `-c${args.connections}`, `-d${duration}s`, url],
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const done = text.match(/(\d+) requests in/);
  if (done === null) {
    const said = new TextDecoder().decode(out.stderr);
    throw new Error(`wrk (apt-get install wrk) printed no request count:\n${text}${said}`);
  }
  // A run of errors would profile the error path, not the request's.
  if (/Non-2xx|Socket errors/.test(text)) throw new Error(`wrk saw errors:\n${text}`);
  return Number(done[1]);
}

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}
interface Profile {
  head: ProfileNode;
}

/** Adds up the bytes each function allocated itself (not its callees), and prints the largest. */
function report(profile: Profile, requests: number): void {
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: ProfileNode) => {
    // The line numbers are those of the JavaScript Deno runs, not of the TypeScript: left out.
    const { functionName, url } = node.callFrame;
    const name = `${functionName || "(anonymous)"} (${url.replace(/^.*\//, "") || "V8"})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(visit);
  };
  visit(profile.head);
  const what = args.survivors ? "bytes that outlived young collections" : "bytes allocated";
  console.log(`${requests} requests in ${seconds} s, ${args.connections} connections`);
  console.log(`${what} per request: ${Math.round(total / requests)}`);
  const largest = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [name, bytes] of largest) {
    const share = (100 * bytes / total).toFixed(1).padStart(5);
    console.log(`${share}%  ${String(Math.round(bytes / requests)).padStart(5)} B  ${name}`);
  }
}

/** A Chrome DevTools Protocol session with the server's inspector: call() sends one command and
 * resolves with its result. The inspector may take a moment to listen after the server starts. */
async function connectInspector(port: number) {
  let targets: { webSocketDebuggerUrl: string }[] | undefined;
  for (let tries = 0; !targets?.length; tries++) {
    if (tries === 100) {
      throw new Error(
        `no inspector answered on port ${port}: did the server start? (deno task start)`,
      );
    }
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const socket = new WebSocket(targets![0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };
  const waiting = new Map<number, Pending>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) pending?.reject(new Error(`inspector: ${JSON.stringify(message.error)}`));
    else pending?.resolve(message.result);
  };
  socket.onclose = () => { // the server ended: no answer will come
    for (const pending of waiting.values()) pending.reject(new Error("the inspector closed"));
    waiting.clear();
  };
  let lastId = 0;
  return {
    call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
      const id = ++lastId;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    close: () => socket.close(),
  };
}
