// The floor under any Deno server: twenty lines that answer every request on a connection with
// the same 1 KiB, parsing nothing. Loaded with wrk on another core, it shows what Deno's runtime
// costs by itself before any of tinyhttps's work: the tail latency when 256 connections are busy
// at once, and the resident memory of a TLS server that loads no node: module (see the note of
// issue 16 and bench/RESULTS.md, where bench/run.py runs it with TLS):
//
//   taskset -c 0 deno run --allow-net bench/deno_floor.ts &             (port 28080, plain TCP)
//   taskset -c 1 wrk -t1 -c256 -d5s --latency http://127.0.0.1:28080/
//   deno run --allow-net --allow-read bench/deno_floor.ts PORT CERT KEY   (TLS)
//   deno run --allow-net --allow-read bench/deno_floor.ts PORT CERT KEY node
//
// With "node", it first imports node:fs/promises, as server.ts does to open files with O_NOFOLLOW
// and O_NONBLOCK: Deno then starts its Node compatibility layer, and bench/run.py shows what that
// alone adds to the resident memory of a server doing nothing. Any node: module starts it, and so
// does the first use of one of Node's globals, such as `process`; an npm: package by itself does
// not (the deno-std package's @std/path reads `process` to learn the OS; its path/posix does not).

const [port = "28080", certFile, keyFile, withNode] = Deno.args;
if (withNode === "node") await import("node:fs/promises");
const head = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n");
const response = new Uint8Array(head.length + 1024);
response.set(head);

const options = { hostname: "127.0.0.1", port: Number(port) };
const listener = certFile === undefined ? Deno.listen(options) : Deno.listenTls({
  ...options,
  cert: Deno.readTextFileSync(certFile),
  key: Deno.readTextFileSync(keyFile),
});
for await (const conn of listener) answerEachRead(conn);

/** One read is taken to be one request (wrk sends one and waits): the same answer, whole. */
async function answerEachRead(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(8192);
  try {
    while ((await conn.read(buffer)) !== null) {
      for (let sent = 0; sent < response.length;) {
        sent += await conn.write(response.subarray(sent));
      }
    }
  } catch { /* the client left, or its TLS handshake failed */ }
  try {
    conn.close();
  } catch { /* closed already */ }
}
