// tests/e2e/seeds_test.ts — what the seeds ask beyond the lab's seven checks, against the real
// server.ts: a config file (seed 001), CGI (seed 001 §5.2), a directory listing, a 500.

import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
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
  type Server,
  startServer,
} from "./helpers.ts";

/** A root with a CGI folder: the sample program, one that hangs, one that fails, one that is
 * not executable, a folder to list, and a symlink loop. */
async function makeRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "tinyhttps-seeds-" });
  await Deno.mkdir(join(root, "cgi-bin"));
  await Deno.mkdir(join(root, "files/sub"), { recursive: true });
  await Deno.copyFile(join(PROJECT, "static/cgi-bin/hello.sh"), join(root, "cgi-bin/hello.sh"));
  const script = async (name: string, body: string, mode = 0o755) => {
    await Deno.writeTextFile(join(root, "cgi-bin", name), `#!/bin/sh\n${body}\n`);
    await Deno.chmod(join(root, "cgi-bin", name), mode);
  };
  await Deno.chmod(join(root, "cgi-bin/hello.sh"), 0o755);
  await script("hang.sh", "sleep 60");
  await script("fail.sh", "echo 'secret detail: /etc/shadow is unreadable' >&2; exit 3");
  await script("noheader.sh", "echo 'just text'");
  await script(
    "status.sh",
    "printf 'Status: 404 Not Found\\r\\nContent-Type: text/plain\\r\\n\\r\\nnope'",
  );
  await script("plain.txt", "echo not a program", 0o644);
  // Its helper leaves the program's process group, so the group is gone at the timeout.
  await script("escape.sh", "setsid sleep 3 & printf 'Content-Type: text/plain\\n\\nhi'");
  await script(
    "big.sh",
    "printf 'Content-Type: text/plain\\n\\n'; head -c 300000 /dev/zero | tr '\\0' a",
  );
  const forged = "HTTP/1.1 200 OK\\r\\nX-Injected: yes\\r\\nContent-Length: 0\\r\\n\\r\\n";
  await script(
    "notmodified.sh",
    `printf 'Status: 304 Not Modified\\nContent-Type: text/plain\\n\\n${forged}'`,
  );
  await script(
    "nocontent.sh",
    `printf 'Status: 204 No Content\\nContent-Type: text/plain\\n\\n${forged}'`,
  );
  await script("utf8.sh", "printf 'Content-Type: text/plain\\nX-Name: caf\\303\\251\\n\\nbody'");
  await script("echo.sh", 'echo "path: $PATH_INFO" >&2; printf "Content-Type: text/plain\\n\\nok"');
  await script("background.sh", "sleep 20 & printf 'Content-Type: text/plain\\n\\ndone'");
  await script("cat.sh", "printf 'Content-Type: text/plain\\n\\n'; cat");
  await script(
    "early.sh",
    "printf 'Content-Type: text/plain\\n\\n'; head -c 200000 /dev/zero | tr '\\0' b",
  );
  await script("flood.sh", "printf 'Content-Type: text/plain\\n\\n'; head -c 300000000 /dev/zero");
  await script(
    "noisy.sh",
    "yes 'stderr line' | head -c 5000000 >&2; printf 'Content-Type: text/plain\\n\\nok'",
  );
  await script(
    "slow.sh",
    "sleep 2; cat >/dev/null; printf 'Content-Type: text/plain\\n\\nslow done'",
  );
  await script(
    "daemon.sh",
    "exec 3<&0; setsid sleep 30 <&3 >/dev/null 2>&1 & printf 'Content-Type: text/plain\\n\\nok'",
  );
  await script("spin.sh", "sleep 61");
  await script("interim.sh", "printf 'Status: 103 Early Hints\\nContent-Type: text/plain\\n\\nx'");
  await Deno.writeTextFile(join(root, "files/<script>.html"), "x");
  await Deno.writeTextFile(join(root, "files/<img src=x onerror=alert(1)>.txt"), "x");
  await Deno.writeTextFile(join(root, "files/b.txt"), "bb");
  await Deno.writeTextFile(join(root, "files/.secret"), "s");
  await Deno.symlink("loop", join(root, "loop"));
  return root;
}

async function withServer(args: string[], fn: (s: Server, root: string) => Promise<void>) {
  const root = await makeRoot();
  const server = await startServer(["--root", root, ...args]);
  try {
    await fn(server, root);
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
}

const cgi = (s: Server, text: string) => request(s.httpsPort, true, text);

Deno.test("server.ts --config FILE reads Port= and Directory=, and flags win over it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tinyhttps-conf-" });
  await Deno.writeTextFile(join(dir, "index.html"), "from the config's Directory");
  await Deno.writeTextFile(
    join(dir, "myhttpd.conf"),
    `# seed 001\nPort=0\nDirectory=${dir}\nHttpsPort=1\n`,
  );
  try {
    // HttpsPort=1 in the file would fail to bind: the command line's --https-port 0 must win.
    const server = await startServer(["--config", join(dir, "myhttpd.conf"), "--quiet"]);
    try {
      const r = await request(server.httpsPort, true, get("/"));
      assertEquals(r.text, "from the config's Directory");
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts --config with an unknown key: exit 1 naming the file and the line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tinyhttps-conf-" });
  await Deno.writeTextFile(join(dir, "bad.conf"), "Port=8080\nProt=80\n");
  try {
    const { code, output: text } = await runServer(["--config", join(dir, "bad.conf")]);
    assertEquals(code, 1);
    assertStringIncludes(
      text,
      `In the config file ${join(dir, "bad.conf")}, line 2: Prot=80: unknown key`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts --list shows a folder's files, escaped, without dotfiles", async () => {
  await withServer(["--list", "--quiet"], async (s) => {
    const r = await request(s.httpsPort, true, get("/files/"));
    assertEquals([r.status, r.headers.get("content-type")?.toLowerCase()], [
      200,
      "text/html; charset=utf-8",
    ]);
    assert(!r.text.includes("<script>") && !r.text.includes("<img"), r.text);
    assertStringIncludes(r.text, '<a href="%3Cscript%3E.html">&#60;script&#62;.html</a>');
    assertStringIncludes(r.text, "&#60;img src=x onerror=alert(1)&#62;.txt");
    assertStringIncludes(r.text, '<a href="sub/">sub/</a>');
    assertStringIncludes(r.text, '<a href="b.txt">b.txt</a>');
    assert(!r.text.includes(".secret"));
  });
});

Deno.test("server.ts without --list a folder without index.html is 404", async () => {
  await withServer(["--quiet"], async (s) => {
    assertEquals((await request(s.httpsPort, true, get("/files/"))).status, 404);
  });
});

Deno.test("server.ts --cgi: GET with a query runs the program with the CGI/1.1 environment", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const r = await cgi(s, get("/cgi-bin/hello.sh/extra/path?name=lab&x=1"));
    assertEquals([r.status, r.headers.get("content-type")], [200, "text/plain; charset=utf-8"]);
    assertStringIncludes(r.text, "REQUEST_METHOD=GET");
    assertStringIncludes(r.text, "QUERY_STRING=name=lab&x=1");
    assertStringIncludes(r.text, "PATH_INFO=/extra/path");
    assertStringIncludes(r.text, "REMOTE_ADDR=127.0.0.1");
    assertEquals(Number(r.headers.get("content-length")), r.body.length);
  });
});

Deno.test("server.ts --cgi: POST sends the body to the program's stdin", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const body = "greeting=hello+world";
    const r = await cgi(
      s,
      `POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    assertStringIncludes(r.text, "REQUEST_METHOD=POST");
    assertStringIncludes(r.text, `body (${body.length} bytes): ${body}`);
  });
});

Deno.test("server.ts --cgi: Status from the program sets the status", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const r = await cgi(s, get("/cgi-bin/status.sh"));
    assertEquals([r.status, r.text], [404, "nope"]);
  });
});

Deno.test("server.ts --cgi: a program that hangs is killed after --cgi-timeout, 500", async () => {
  await withServer(["--cgi", "--cgi-timeout", "1", "--quiet"], async (s) => {
    const started = performance.now();
    const r = await cgi(s, get("/cgi-bin/hang.sh"));
    assertEquals(r.status, 500);
    assert(performance.now() - started < 5000);
    assert(
      await eventually(
        () => s.lines.some((l) => l.includes("cgi hang.sh: killed after 1 s")),
        2000,
      ),
    );
  });
});

Deno.test("server.ts --cgi: a failing program is a 500; its stderr goes to the log, not the client", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const r = await cgi(s, get("/cgi-bin/fail.sh"));
    assertEquals(r.status, 500);
    assert(!r.text.includes("secret detail"), r.text);
    assert(
      await eventually(() => s.lines.some((l) => l.includes("cgi fail.sh: secret detail")), 2000),
    );
    assert(s.lines.some((l) => l.includes("cgi fail.sh: exited with status 3")));
    const bad = await cgi(s, get("/cgi-bin/noheader.sh"));
    assertEquals(bad.status, 500);
  });
});

Deno.test("server.ts --cgi: a file that is not executable is 403, a missing one 404, PUT 405", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    assertEquals((await cgi(s, get("/cgi-bin/plain.txt"))).status, 403);
    assertEquals((await cgi(s, get("/cgi-bin/nothing.sh"))).status, 404);
    const put = await cgi(
      s,
      "PUT /cgi-bin/hello.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
    );
    assertEquals([put.status, put.headers.get("allow")], [405, "GET, HEAD, POST"]);
  });
});

Deno.test("server.ts without --cgi, cgi-bin/ is just files: the script is sent, not run", async () => {
  await withServer(["--quiet"], async (s) => {
    const r = await cgi(s, get("/cgi-bin/hello.sh"));
    assertEquals(r.status, 200);
    assertStringIncludes(r.text, "#!/bin/sh");
  });
});

Deno.test("server.ts --cgi without --allow-run: exit 1 saying which task allows it", async () => {
  const { code, output } = await runServer(["--cgi", "--http-port", "0", "--https-port", "0"]);
  assertEquals(code, 1);
  assertStringIncludes(output, "deno task start:cgi");
});

Deno.test("server.ts --cgi: running programs leaves no file open in the server", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    await cgi(s, get("/cgi-bin/hello.sh"));
    const before = openFds(s.pid);
    for (let i = 0; i < 20; i++) assertEquals((await cgi(s, get("/cgi-bin/hello.sh"))).status, 200);
    for (let i = 0; i < 5; i++) await cgi(s, get("/cgi-bin/plain.txt")); // 403: not executable
    // Before: each run left the program's file open (lookUp's handle): 25 more descriptors.
    assert(await eventually(() => openFds(s.pid) <= before + 1, 2000), `${openFds(s.pid)}`);
  });
});

Deno.test("server.ts a symlink loop is a 404, like any name that leads to no file", async () => {
  await withServer([], async (s) => {
    // Before: realPath's "too many symbolic links" (ELOOP) was a 500, printed with the request.
    const r = await request(s.httpsPort, true, get("/loop"));
    assertEquals(r.status, 404);
    assert(!s.lines.some((l) => l.includes("/loop")), s.lines.join("\n"));
  });
});

Deno.test("server.ts an unexpected failure is a 500: detail in the log, a plain page, the connection closed", async () => {
  const root = await makeRoot();
  await Deno.mkdir(join(root, "denied"));
  await Deno.writeTextFile(join(root, "denied/x.txt"), "x");
  // Deno refusing to read a folder (--deny-read) is a failure no request should meet.
  const permissions = ["--allow-net", "--allow-read", `--deny-read=${root}/denied`];
  const s = await startServer(["--root", root], undefined, permissions);
  try {
    const r = await request(s.httpsPort, true, get("/denied/x.txt"));
    assertEquals([r.status, r.headers.get("connection")], [500, "close"]);
    assert(!r.text.includes("denied") && !r.text.includes("NotCapable"), r.text);
    const reported = s.lines.filter((l) => l.includes("/denied/x.txt"));
    assertEquals(reported.length, 1, s.lines.join("\n")); // said once, with the reason
    assertMatch(reported[0], /500 for "GET \/denied\/x\.txt HTTP\/1\.1": NotCapable/);
    assertMatch((await request(s.httpsPort, true, get("/files/b.txt"))).text, /^bb$/); // and the server is fine
  } finally {
    await s.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("server.ts --cgi: a program that leaves a process outside its group is answered at its exit, and the server lives", async () => {
  await withServer(["--cgi", "--cgi-timeout", "1", "--quiet"], async (s) => {
    // Before: the answer waited for the pipe's end (the escaped sleep holds it), then at
    // --cgi-timeout Deno.kill(-pid) threw ESRCH inside the timer, and the whole server exited.
    const started = performance.now();
    const r = await cgi(s, get("/cgi-bin/escape.sh"));
    assertEquals([r.status, r.text], [200, "hi"]);
    assert(performance.now() - started < 900, "answered at the program's exit");
    assertEquals((await cgi(s, get("/cgi-bin/hello.sh"))).status, 200);
  });
});

Deno.test("server.ts --cgi: a program that starts `sleep 20 &` and exits is answered at once", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const started = performance.now();
    const r = await cgi(s, get("/cgi-bin/background.sh")); // before: 500 after --cgi-timeout (10 s)
    assertEquals([r.status, r.text], [200, "done"]);
    assert(performance.now() - started < 2000);
  });
});

Deno.test("server.ts --cgi: input and output flow at once: `cat` echoes a 1 MB body; a program may print before it reads", async () => {
  await withServer(["--cgi", "--cgi-timeout", "5", "--quiet"], async (s) => {
    const body = "x".repeat(1_000_000);
    const post = (script: string) =>
      `POST /cgi-bin/${script} HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    // Before: the whole body was written before any output was read: both deadlocked, 500.
    const echoed = await cgi(s, post("cat.sh"));
    assertEquals([echoed.status, echoed.body.length], [200, 1_000_000]);
    const early = await cgi(s, post("early.sh"));
    assertEquals([early.status, early.body.length], [200, 200_000]);
  });
});

Deno.test("server.ts --cgi: output past the limit (16 MiB) stops the program at once, in bounded memory", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const started = performance.now();
    assertEquals((await cgi(s, get("/cgi-bin/flood.sh"))).status, 500);
    assert(performance.now() - started < 5000);
    const peakMiB = memoryMiB(s.pid, "VmHWM");
    // Before: all 300 MB were read into memory first (a peak above 300 MiB), then refused.
    assert(peakMiB < 200, `peak resident memory ${peakMiB.toFixed(0)} MiB`);
    assert(
      await eventually(() => s.lines.some((l) => l.includes("cgi flood.sh: more than")), 2000),
    );
  });
});

Deno.test("server.ts --cgi: an answer larger than the send buffer (300,000 bytes) arrives whole", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const r = await cgi(s, get("/cgi-bin/big.sh"));
    // Before: the head went out, then a RangeError, and not one byte of the body.
    assertEquals([r.status, r.body.length, r.text.slice(0, 3)], [200, 300_000, "aaa"]);
  });
});

for (const [script, status] of [["notmodified.sh", 304], ["nocontent.sh", 204]] as const) {
  Deno.test(`server.ts --cgi: a ${status} from a program sends no body, so none can pose as the next response`, async () => {
    await withServer(["--cgi", "--quiet"], async (s) => {
      const conn = await connect(s.httpsPort, true);
      try {
        await send(conn, get(`/cgi-bin/${script}`) + get("/cgi-bin/hello.sh"));
        const reader = new ResponseReader(conn);
        const first = await reader.read(true);
        assertEquals([first?.status, first?.headers.get("content-length")], [status, undefined]);
        const second = await reader.read();
        // Before: the program's body was sent after the head, and read as this response.
        assertEquals([second?.status, second?.headers.get("x-injected")], [200, undefined]);
      } finally {
        conn.close();
      }
    });
  });
}

Deno.test("server.ts --cgi: a program that ends on an interim 1xx status is a 502 (RFC 9110 §15.2)", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    assertEquals((await cgi(s, get("/cgi-bin/interim.sh"))).status, 502);
  });
});

Deno.test("server.ts --cgi: a body over 1 MiB is 413 Content Too Large, a chunked one 411", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const big = "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\nxyz";
    // Before: 411 Length Required, although the request has a length.
    assertEquals((await cgi(s, big)).status, 413);
    const chunked =
      "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertEquals((await cgi(s, chunked + "3\r\nabc\r\n0\r\n\r\n")).status, 411);
  });
});

Deno.test("server.ts --cgi: a header value beyond ASCII is sent as its bytes, and the next response is intact", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const conn = await connect(s.httpsPort, true);
    try {
      await send(conn, get("/cgi-bin/utf8.sh") + get("/cgi-bin/hello.sh"));
      const reader = new ResponseReader(conn);
      const first = await reader.read();
      assertEquals([first?.headers.get("x-name"), first?.text], ["café", "body"]);
      // Before: the head was measured in UTF-16 units and written as UTF-8, so the body
      // overwrote its last byte and this second response was lost.
      assertEquals((await reader.read())?.status, 200);
    } finally {
      conn.close();
    }
  });
});

Deno.test("server.ts --cgi: what a program writes to stderr reaches the console escaped", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    // PATH_INFO is percent-decoded: ESC ] 0 ; title BEL, ESC [ 2 J, CR and a forged line.
    const target = "/cgi-bin/echo.sh/%1B%5D0%3BPWNED%07%1B%5B2J%0Dtinyhttps:%20fake";
    assertEquals((await cgi(s, get(target))).status, 200);
    const line = "tinyhttps: cgi echo.sh: path: /\\x1B]0;PWNED\\x07\\x1B[2J\\x0Dtinyhttps: fake";
    assert(await eventually(() => s.lines.includes(line), 2000), s.lines.join("\n")); // before: raw
  });
});

Deno.test("server.ts --cgi: a program flooding stderr reaches the log in part, and others are served meanwhile", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const started = performance.now();
    assertEquals((await cgi(s, get("/cgi-bin/noisy.sh"))).status, 200);
    // Before: 5 MB printed line by line, synchronously: every client waited for it.
    assert(performance.now() - started < 3000, `${performance.now() - started} ms`);
    assert(s.lines.filter((l) => l.includes("cgi noisy.sh: stderr line")).length <= 100);
    assert(await eventually(() => s.lines.some((l) => l.includes("on stderr, not shown")), 2000));
  });
});

Deno.test("server.ts --cgi: a POST to a program that runs longer than --header-timeout gets its answer", async () => {
  await withServer(["--cgi", "--header-timeout", "1", "--quiet"], async (s) => {
    // Before: the body's deadline kept running through the program's run: closed after 1 s.
    const post = "POST /cgi-bin/slow.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
    const r = await cgi(s, post);
    assertEquals([r.status, r.text], [200, "slow done"]);
    assert(!s.lines.some((l) => l.includes("no progress")), s.lines.join("\n"));
  });
});

Deno.test("server.ts --cgi: a program that leaves a daemon holding its stdin still gets answered", async () => {
  await withServer(["--cgi", "--quiet"], async (s) => {
    const body = "x".repeat(300_000); // more than a pipe holds: the write waits for a reader
    const post =
      `POST /cgi-bin/daemon.sh HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const started = performance.now();
    assertEquals((await cgi(s, post)).status, 200); // before: stuck until the daemon ended
    assert(performance.now() - started < 3000);
  });
});

Deno.test("server.ts --cgi: programs still running at shutdown end with the server", async () => {
  const root = await makeRoot();
  const server = await startServer(["--root", root, "--cgi", "--cgi-timeout", "120", "--quiet"]);
  try {
    const conn = await connect(server.httpsPort, true);
    await send(conn, get("/cgi-bin/spin.sh"));
    const running = () =>
      new Deno.Command("pgrep", { args: ["-f", "sleep 61"] }).outputSync().success;
    assert(await eventually(running, 2000));
    conn.close();
    await server.stop();
    assert(await eventually(() => !running(), 2000), "sleep 61 outlived the server"); // before: it did
  } finally {
    await server.stop();
    new Deno.Command("pkill", { args: ["-f", "sleep 61"] }).outputSync();
    await Deno.remove(root, { recursive: true });
  }
});
