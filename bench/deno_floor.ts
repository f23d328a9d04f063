// The floor under any Deno server: twenty lines that answer every request on a connection with
// the same 1 KiB, parsing nothing. Loaded with wrk -c256 on another core, it shows the tail
// latency that Deno's runtime itself adds when many connections are busy at once, before any of
// tinyhttps's work (see the note of issue 16 and bench/RESULTS.md):
//
//   taskset -c 0 deno run --allow-net bench/deno_floor.ts &
//   taskset -c 1 wrk -t1 -c256 -d5s --latency http://127.0.0.1:28080/

const head = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n",
);
const response = new Uint8Array(head.length + 1024);
response.set(head);

for await (const conn of Deno.listen({ hostname: "127.0.0.1", port: 28080 })) {
  answerEachRead(conn);
}

/** One read is taken to be one request (wrk sends one and waits): the same answer, whole. */
async function answerEachRead(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(8192);
  try {
    while ((await conn.read(buffer)) !== null) {
      for (let sent = 0; sent < response.length;) {
        sent += await conn.write(response.subarray(sent));
      }
    }
  } catch { /* the client left */ }
  try {
    conn.close();
  } catch { /* closed already */ }
}
