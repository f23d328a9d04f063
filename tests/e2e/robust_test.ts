// tests/e2e/robust_test.ts — issue "unbreakable": slow, vanished and hostile clients, limits,
// file-descriptor leaks, shutdown and startup errors, against the real server.ts.

import { assert, assertEquals, assertGreater } from "@std/assert";
import { join } from "@std/path";
import {
  connect,
  eventually,
  get,
  memoryMiB,
  openFds,
  PROJECT,
  request,
  ResponseReader,
  runServer,
  send,
  startServer,
} from "./helpers.ts";

async function makeRoot(bigMiB = 8): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "tinyhttps-robust-" });
  await Deno.copyFile(join(PROJECT, "static/index.html"), join(root, "index.html"));
  const big = new Uint8Array(bigMiB * 1024 * 1024);
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
  await Deno.writeFile(join(root, "big.bin"), big);
  return root;
}

const FAST = ["--header-timeout", "1", "--idle-timeout", "1", "--handshake-timeout", "1"];

Deno.test("server.ts slowloris: a half-sent head is dropped within --header-timeout, others are served", async () => {
  const root = await makeRoot(1);
  const server = await startServer(["--root", root, ...FAST, "--quiet"]);
  try {
    const slow = await connect(server.httpsPort, true);
    await send(slow, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    const started = performance.now();
    for (let i = 0; i < 3; i++) { // meanwhile, normal clients are served at once
      assertEquals((await request(server.httpsPort, true, get("/index.html"))).status, 200);
    }
    const reader = new ResponseReader(slow);
    assert(await reader.closedWithin(4000), "the slow client should be dropped");
    const waited = performance.now() - started;
    assert(waited > 500 && waited < 3000, `dropped after ${waited} ms`);
    assert(
      server.lines.some((l) => l.includes("no progress on a request head")),
      server.lines.join("\n"),
    );
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts an idle keep-alive connection is closed after --idle-timeout, quietly", async () => {
  const server = await startServer([...FAST, "--quiet"]);
  try {
    const conn = await connect(server.httpsPort, true);
    const reader = new ResponseReader(conn);
    await send(conn, get("/index.html"));
    assertEquals((await reader.read())!.status, 200);
    assert(await reader.closedWithin(3000));
    assert(!server.lines.some((l) => l.includes("no progress")), server.lines.join("\n"));
  } finally {
    await server.stop();
  }
});

// Deno keeps a closed TLS socket open until its peer reads or leaves (it flushes close_notify in
// the background, denoland/deno#10146), so these tests check what the server controls: the
// watchdog fires, the connection slot and the file are freed, and once the peer leaves, every
// file descriptor is back.
Deno.test("server.ts a TCP client that never starts TLS is cut off after --handshake-timeout", async () => {
  const server = await startServer([...FAST, "--max-connections", "1", "--quiet"]);
  try {
    const baseline = openFds(server.pid);
    const silent = await connect(server.httpsPort, false);
    assert(
      await eventually(
        () => server.lines.some((l) => l.includes("no progress on the TLS handshake")),
        3000,
      ),
    );
    const r = await request(server.httpsPort, true, get("/")); // its slot is free again
    assertEquals(r.status, 200);
    silent.close();
    assert(await eventually(() => openFds(server.pid) <= baseline, 3000), "fds back to baseline");
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts a client that stops reading is cut off after --send-timeout, its file closed", async () => {
  const root = await makeRoot(32);
  const server = await startServer(["--root", root, "--send-timeout", "1", "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html")); // warm up
    const baseline = openFds(server.pid);
    const stuck = await connect(server.httpsPort, true);
    await send(stuck, get("/big.bin")); // then read nothing: the send buffers fill up
    assert(await eventually(() => server.lines.some((l) => l.includes("take our bytes")), 5000));
    // The file is closed at once; only the TLS socket waits for its peer (see above).
    assert(
      await eventually(() => openFds(server.pid) <= baseline + 1, 3000),
      `fds ${openFds(server.pid)}`,
    );
    stuck.close();
    assert(await eventually(() => openFds(server.pid) <= baseline, 3000), "fds back to baseline");
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts 200 garbage TLS handshakes, then a normal request succeeds", async () => {
  const server = await startServer([...FAST, "--quiet"]);
  try {
    const junk = [
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "\x16\x03\x01\x02\x00" + "x".repeat(40),
      "\0",
    ];
    await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const conn = await connect(server.httpsPort, false);
      await send(conn, i % 4 === 3 ? crypto.getRandomValues(new Uint8Array(64)) : junk[i % 3]);
      // Some wait a little for the server's answer; all vanish, some mid-handshake.
      if (i % 10 === 0 && await new ResponseReader(conn).closedWithin(300) === false) return;
      conn.close();
    }));
    assertEquals((await request(server.httpsPort, true, get("/"))).status, 200);
    assertGreater(server.lines.filter((l) => l.includes("TLS handshake")).length, 0);
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts 50 clients abort mid-download: open file descriptors return to baseline", async () => {
  const root = await makeRoot(8);
  const server = await startServer(["--root", root, "--quiet"]);
  try {
    await request(server.httpsPort, true, get("/index.html")); // warm up
    const baseline = openFds(server.pid);
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const conn = await connect(server.httpsPort, true);
      await send(conn, get("/big.bin", i % 2 ? "Range: bytes=1000-\r\n" : ""));
      await conn.read(new Uint8Array(16384));
      conn.close(); // a player seeking: the response is abandoned
    }));
    assert(
      await eventually(() => openFds(server.pid) <= baseline, 5000),
      `fds: ${openFds(server.pid)}, baseline ${baseline}`,
    );
    assertEquals((await request(server.httpsPort, true, get("/index.html"))).status, 200);
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts a file that shrinks while being sent: the connection ends, the server goes on", async () => {
  const root = await makeRoot(16);
  const server = await startServer(["--root", root, "--quiet"]);
  try {
    const conn = await connect(server.httpsPort, true);
    await send(conn, get("/big.bin"));
    await conn.read(new Uint8Array(1024));
    await Deno.truncate(join(root, "big.bin"), 1024 * 1024);
    let total = 0;
    const chunk = new Uint8Array(65536);
    for (let n; (n = await conn.read(chunk).catch(() => null)) !== null;) total += n;
    assert(total < 16 * 1024 * 1024, "the server must not pretend the file is whole");
    conn.close();
    assertEquals((await request(server.httpsPort, true, get("/index.html"))).status, 200);
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts over --max-connections: 503 with Retry-After, and the others still served", async () => {
  const server = await startServer(["--max-connections", "2", "--quiet"]);
  try {
    const a = await connect(server.httpsPort, true), b = await connect(server.httpsPort, true);
    await send(a, get("/")); // make sure both are accepted and counted
    await send(b, get("/"));
    const ra = new ResponseReader(a), rb = new ResponseReader(b);
    await ra.read();
    await rb.read();
    // Both busy (in the middle of a request head), so neither gives its place to a newcomer.
    await send(a, "GET /index.html HTTP/1.1\r\n");
    await send(b, "GET / HTTP/1.1\r\n");
    await new Promise((r) => setTimeout(r, 200));
    const third = await request(server.httpsPort, true, get("/"));
    assertEquals([third.status, third.headers.get("retry-after")], [503, "1"]);
    await send(a, "Host: a\r\n\r\n");
    assertEquals((await ra.read())!.status, 200);
    a.close();
    b.close();
    let later = 0; // once the server has seen both leave, new clients are served again
    for (let i = 0; i < 20 && later !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      later = (await request(server.httpsPort, true, get("/"))).status;
    }
    assertEquals(later, 200);
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts over --max-connections, idle connections give their place to new clients", async () => {
  const server = await startServer(["--max-connections", "10", "--quiet"]);
  const idle: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 12; i++) idle.push(await Deno.connect({ port: server.httpPort })); // silent
    for (let i = 0; i < 12; i++) idle.push(await Deno.connect({ port: server.httpsPort })); // no TLS
    for (let i = 0; i < 12; i++) { // keep-alive connections between requests
      const conn = await connect(server.httpsPort, true);
      await send(conn, get("/"));
      await new ResponseReader(conn).read();
      idle.push(conn);
    }
    await new Promise((r) => setTimeout(r, 1500)); // idle for over YIELD_AFTER_MS
    for (let i = 0; i < 5; i++) {
      // Before: 503 for every newcomer until the idle ones timed out (15 s).
      assertEquals((await request(server.httpsPort, true, get("/"))).status, 200);
    }
  } finally {
    for (const conn of idle) {
      try {
        conn.close();
      } catch { /* closed by the server already */ }
    }
    await server.stop();
  }
});

Deno.test("server.ts over --max-connections, busy clients of port 80 cannot take the places of port 443", async () => {
  const server = await startServer(["--max-connections", "20", "--quiet"]);
  const slow: Deno.TcpConn[] = [];
  try {
    // 20 clients each sending a head to port 80 slowly: busy, so none gives its place.
    for (let i = 0; i < 20; i++) {
      const conn = await Deno.connect({ port: server.httpPort });
      await send(conn, "GET / HTTP/1.1\r\n");
      slow.push(conn);
    }
    await new Promise((r) => setTimeout(r, 300));
    // Before: all 20 places were port 80's, and every HTTPS client got 503 until the heads'
    // timeout. Now port 80 holds at most three quarters of them.
    for (let i = 0; i < 3; i++) {
      assertEquals((await request(server.httpsPort, true, get("/"))).status, 200);
    }
    // The slow heads finish: those the server kept get their 301, the others had a 503 at once.
    let kept = 0;
    for (const conn of slow) {
      await send(conn, "Host: x\r\n\r\n").catch(() => {});
      const r = await new ResponseReader(conn).read().catch(() => undefined);
      if (r?.status === 301) kept++;
    }
    assert(kept > 0 && kept <= 15, `port 80 kept ${kept} of 20 (its share is 15)`);
  } finally {
    for (const conn of slow) {
      try {
        conn.close();
      } catch { /* closed by the server already */ }
    }
    await server.stop();
  }
});

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

Deno.test("server.ts request bodies nobody reads cost no memory: 100 bodies of 1 MiB", async () => {
  const server = await startServer(["--quiet"]);
  const conns: Deno.Conn[] = [];
  try {
    await request(server.httpsPort, true, get("/")); // warmed up: TLS, the cache, the JIT
    const before = memoryMiB(server.pid, "VmRSS");
    // Each sends all of its body but the last byte, so the server is still reading every one.
    const head = "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048575\r\n\r\n";
    const body = new Uint8Array(1048574).fill(0x61);
    for (let i = 0; i < 50; i++) {
      const plain = await Deno.connect({ port: server.httpPort }); // port 80 read bodies too
      const tls = await connect(server.httpsPort, true);
      await send(plain, head);
      await send(tls, head);
      await Promise.all([writeAll(plain, body), writeAll(tls, body)]);
      conns.push(plain, tls);
    }
    await new Promise((r) => setTimeout(r, 500));
    const grown = memoryMiB(server.pid, "VmRSS") - before;
    // Before: each waiting body had its 1 MiB array from the start, about 100 MiB in all.
    assert(grown < 40, `resident memory grew by ${grown.toFixed(1)} MiB`);
  } finally {
    for (const conn of conns) conn.close();
    await server.stop();
  }
});

Deno.test("server.ts out of file descriptors (EMFILE): accept errors are survived", async () => {
  const server = await startServer(["--quiet"], 64);
  try {
    const conns: Deno.Conn[] = [];
    for (let i = 0; i < 100; i++) {
      try {
        conns.push(await connect(server.httpPort, false));
      } catch { /* the backlog may refuse too */ }
    }
    assert(
      await eventually(() => server.lines.some((l) => l.includes("accept on port")), 3000),
      "the server should report the failed accept",
    );
    for (const c of conns) c.close();
    await new Promise((r) => setTimeout(r, 500)); // let the server see them leave
    const r = await request(server.httpsPort, true, get("/"));
    assertEquals(r.status, 200);
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts SIGTERM: a download in flight finishes, then exit 0 with a summary", async () => {
  const root = await makeRoot(8);
  const server = await startServer(["--root", root, "--quiet"]);
  try {
    const idle = await connect(server.httpsPort, true); // an idle keep-alive connection
    await send(idle, get("/index.html"));
    await new ResponseReader(idle).read();
    const conn = await connect(server.httpsPort, true);
    await send(conn, get("/big.bin"));
    const reader = new ResponseReader(conn);
    const body = reader.read(); // reading runs while the server shuts down
    await new Promise((r) => setTimeout(r, 100));
    const stopped = server.stop();
    assertEquals((await body)!.body.length, 8 * 1024 * 1024);
    const status = await stopped;
    assertEquals(status.code, 0);
    assert(server.lines.some((l) => /stopped after \d+ connections and \d+ responses/.test(l)));
    idle.close();
    conn.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts an X.509 v1 certificate is explained, and `deno task certs --from` fixes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tinyhttps-v1-" });
  const sh = (script: string) =>
    new Deno.Command("bash", { args: ["-c", script], cwd: dir, stdout: "null", stderr: "null" })
      .output();
  await sh(
    "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out lab.key && " +
      "openssl req -new -key lab.key -subj /CN=www.cnlab.cn -out lab.csr && " +
      "openssl x509 -req -in lab.csr -signkey lab.key -days 30 -out lab.cert",
  );
  try {
    const v1 = await runServer([
      "--http-port",
      "0",
      "--https-port",
      "0",
      "--cert",
      `${dir}/lab.cert`,
      "--key",
      `${dir}/lab.key`,
    ]);
    assertEquals(v1.code, 1);
    assert(v1.output.includes("X.509 version 1"), v1.output);
    assert(
      v1.output.includes(`deno task certs --key ${dir}/lab.key --from ${dir}/lab.cert`),
      v1.output,
    );
    const made = await sh(
      `bash ${PROJECT}certs/make-cert.sh --key lab.key --from lab.cert --out v3`,
    );
    assertEquals(made.code, 0);
    const server = await startServer([
      "--cert",
      `${dir}/v3/cert.pem`,
      "--key",
      `${dir}/v3/key.pem`,
      "--quiet",
    ]);
    const status = await new Promise<number>((resolve, reject) => {
      Deno.connectTls({
        hostname: "127.0.0.1",
        port: server.httpsPort,
        caCerts: [Deno.readTextFileSync(`${dir}/v3/cert.pem`)],
      })
        .then(async (conn) => {
          await send(conn, get("/"));
          const r = await new ResponseReader(conn).read();
          conn.close();
          resolve(r!.status);
        }, reject);
    });
    await server.stop();
    assertEquals(status, 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts clients that connect and reset at once cost the accept loop nothing", async () => {
  const server = await startServer(["--quiet"]);
  try {
    // 300 connections, each reset (SO_LINGER 0) as soon as it is made, before accept() takes it.
    const script = `import socket, struct
for _ in range(300):
    s = socket.create_connection(("127.0.0.1", ${server.httpPort}))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()`;
    new Deno.Command("python3", { args: ["-c", script] }).outputSync();
    const started = performance.now();
    const r = await request(server.httpPort, false, get("/"));
    // Before: every failed accept() slept 100 ms, so this client waited for all of them.
    assertEquals(r.status, 301);
    assert(performance.now() - started < 2000, `${performance.now() - started} ms`);
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts a CRLF a client sends after a body leaves the connection idle, not half-way through a head", async () => {
  const server = await startServer(["--header-timeout", "1", "--idle-timeout", "10", "--quiet"]);
  try {
    const conn = await connect(server.httpsPort, true);
    const reader = new ResponseReader(conn);
    await send(conn, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\r\n");
    assertEquals((await reader.read())!.status, 405);
    await new Promise((r) => setTimeout(r, 1600)); // longer than --header-timeout
    // Before: the CRLF counted as the start of a head: "no progress on a request head", closed.
    await send(conn, get("/"));
    assertEquals((await reader.read())?.status, 200);
    assert(!server.lines.some((l) => l.includes("no progress")), server.lines.join("\n"));
    conn.close();
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts SIGTERM right after a response: its access log line is written before the exit", async () => {
  const server = await startServer([]);
  await request(server.httpsPort, true, get("/index.html"));
  await server.stop(); // at once: before the 50 ms batch
  // Before: Deno.exit dropped the lines still waiting for their batch.
  assert(
    server.lines.some((l) => l.includes('"GET /index.html HTTP/1.1" 200')),
    server.lines.join("\n"),
  );
});
