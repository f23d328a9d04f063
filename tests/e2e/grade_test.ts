// tests/e2e/grade_test.ts — the grader (tests/grade.ts) can fail, and it is fair. Each server of
// tests/grade/gallery/ has exactly one classic mistake, and the grader must report exactly that
// one (the expected checks fail, with the expected words; all others pass or, after a crash,
// are not run); the checks that no single C mistake isolates are made to fail by other servers
// (nothing listening, plain HTTP on 443, openssl s_server with TLS 1.1 or h2); the correct one,
// tinyhttps itself and nginx as the lab asks pass every check; and grade:class grades a class
// from h2 against h1 in network namespaces. The C servers need
// gcc and libssl-dev, nginx needs nginx-light, the namespaces need root: each is skipped where
// it is missing, unless LAB_REQUIRED=1 or REQUIRE_CLIENTS=1 (CI sets both, and installs them).

import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { CHECKS } from "../grade/checks.ts";
import { build, gradeClass, graderArgs, labRoot } from "../grade/class.ts";
import { MESSAGES } from "../grade/messages.ts";
import { explain, type Result } from "../grade/report.ts";
import { Wire } from "../grade/wire.ts";
import { have, PROJECT, REQUIRED, startServer } from "./helpers.ts";

const GALLERY = join(PROJECT, "tests/grade/gallery");
const CERT = Deno.readTextFileSync(join(PROJECT, "certs/cert.pem"));
const KEY = Deno.readTextFileSync(join(PROJECT, "certs/key.pem"));
/** The big file's size in the tests: past the 8 MB of a thread's stack (the stack-buffer
 * mistake), small enough for a shared machine; the grader's default is 64 MiB. */
const BIG_MIB = "24";
const decoder = new TextDecoder();

const IS_ROOT =
  decoder.decode(new Deno.Command("id", { args: ["-u"] }).outputSync().stdout).trim() === "0";
const HAVE_SSL_HEADERS = (() => {
  try {
    return Deno.statSync("/usr/include/openssl/ssl.h").isFile;
  } catch {
    return false;
  }
})();

/** The mistake of each gallery server: the checks that must come out FAIL (or WARN), the words
 * the explanation must hold, and the check after which the server must be found dead. */
// deno-fmt-ignore
const GALLERY_EXPECTED: Record<string, { bad: Record<string, "FAIL" | "WARN">; says: string; died?: string }> = {
  "correct":           { bad: {},                                                                 says: "" },
  "strlen":            { bad: { "files.binary": "FAIL", "files.big": "FAIL", "range.vlc": "FAIL" }, says: "not strlen" },
  "stack-buffer":      { bad: { "files.big": "FAIL" },                                            says: "not char buf[size]", died: "files.big" },
  "one-recv":          { bad: { "keepalive.pipelining": "FAIL", "robust.split": "FAIL" },         says: "one recv() is not one request" },
  "one-thread":        { bad: { "robust.silent": "FAIL", "robust.many": "FAIL" },                 says: "a thread per connection" },
  "ten-clients":       { bad: { "robust.many": "FAIL" },                                          says: "no fixed table of 10 clients" },
  "exit-on-handshake": { bad: { "robust.garbage": "FAIL" },                                       says: "never exit(1)", died: "robust.garbage" },
  "sigpipe":           { bad: { "range.vlc": "FAIL" },                                            says: "ignore SIGPIPE", died: "range.vlc" },
  "no-content-range":  { bad: { "range.content-range": "FAIL" },                                  says: "Content-Range: bytes" },
  "off-by-one":        { bad: { "range.first-last": "FAIL" },                                     says: "last - first + 1" },
  "no-suffix":         { bad: { "range.suffix": "FAIL" },                                         says: "sscanf" },
  "traversal":         { bad: { "robust.traversal": "FAIL" },                                     says: "realpath()" },
  "serves-key":        { bad: { "robust.private-key": "FAIL" },                                   says: "keep keys outside the root" },
  "redirect-query":    { bad: { "redirect.query": "FAIL" },                                       says: "?query included" },
  "redirect-port":     { bad: { "redirect.host-port": "FAIL" },                                   says: "cut Host at ':'" },
  "http10":            { bad: { "version.status-line": "WARN" },                                  says: "\"HTTP/1.1 200 OK\\r\\n\"" },
  "unframed-404":      { bad: { "notfound.framing": "FAIL" },                                     says: "Content-Length with every answer" },
  "unframed-301":      { bad: { "redirect.framing": "FAIL" },                                     says: "Content-Length: 0" },
  "no-redirect":       { bad: { "redirect.status": "FAIL", "redirect.location": "FAIL", "redirect.query": "FAIL", "redirect.host-port": "FAIL", "redirect.absolute-form": "FAIL" }, says: "answers every request so" },
  "no-absolute-form":  { bad: { "redirect.absolute-form": "FAIL" },                               says: "skip \"http://host\"" },
  "no-decode":         { bad: { "files.name": "WARN" },                                           says: "decode %XX" },
  "one-type":          { bad: { "files.content-type": "WARN" },                                   says: "from the file extension" },
  "404-as-200":        { bad: { "notfound.status": "FAIL" },                                      says: "fopen() == NULL → 404" },
  "no-open-range":     { bad: { "range.open": "FAIL", "range.unsatisfiable": "WARN", "range.vlc": "FAIL" }, says: "no last-pos → size - 1" },
  "no-clamp":          { bad: { "range.clamped": "FAIL" },                                        says: "if (last >= size) last = size - 1" },
  "no-416":            { bad: { "range.unsatisfiable": "FAIL" },                                  says: "first >= size → 416" },
  "head-body":         { bad: { "head.no-body": "FAIL" },                                         says: "send the head only" },
  "http10-open":       { bad: { "version.http10": "WARN" },                                       says: "close() after the answer" },
  "one-request":       { bad: { "keepalive.sequential": "WARN", "keepalive.pipelining": "WARN" }, says: "loop read request" },
  "small-head":        { bad: { "robust.long-url": "FAIL", "robust.long-header": "FAIL" },        says: "bound every copy" },
};

interface Graded {
  code: number;
  results: Result[];
  diedAfter?: string;
  ms: number;
}

/** Runs the grader as `deno task grade` does, with --json, and reads its answer. */
async function grade(
  http: number,
  https: number,
  root?: string,
  extra: string[] = [],
): Promise<Graded> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: graderArgs([
      ...["--http", `http://127.0.0.1:${http}`, "--https", `https://127.0.0.1:${https}`],
      ...(root ? ["--root", root, "--big-mb", BIG_MIB] : []),
      ...extra,
    ]),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = decoder.decode(out.stdout);
  assert(text.startsWith("{"), `the grader printed: ${text}${decoder.decode(out.stderr)}`);
  return { code: out.code, ...JSON.parse(text) };
}

/** Two free ports on 127.0.0.1 (the kernel picks them; a C server cannot take port 0). */
function freePorts(): [number, number] {
  const a = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const b = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const ports: [number, number] = [a.addr.port, b.addr.port];
  a.close();
  b.close();
  return ports;
}

/** The checks that did not PASS, as "id=VERDICT", for a readable assertion. */
const notPassed = (g: Graded) =>
  g.results.filter((r) => r.verdict !== "PASS").map((r) => `${r.id}=${r.verdict}`);

Deno.test("grade: every check has its sentences in messages.ts, and every sentence a check", () => {
  const ids = CHECKS.map((c) => c.id);
  assertEquals(Object.keys(MESSAGES.en.checks).sort(), [...ids].sort());
  assertEquals(new Set(ids).size, ids.length, "check ids are unique");
  for (const c of CHECKS) assert(MESSAGES.en.report.stages[c.stage], `stage ${c.stage} is named`);
  for (const [lang, table] of Object.entries(MESSAGES)) { // a translation has every key of en
    assertEquals(Object.keys(table.checks).sort(), [...ids].sort(), lang);
    for (const id of ids) {
      const notes = (t: typeof table) => Object.keys(t.checks[id].notes ?? {}).sort();
      assertEquals(notes(table), notes(MESSAGES.en), `${lang}: the notes of ${id}`);
    }
  }
});

Deno.test("grade: a FAIL is explained in at most six lines: sent, got, want, rule, learn", () => {
  const result: Result = {
    id: "range.suffix",
    stage: "range",
    verdict: "FAIL",
    sent: "GET /a HTTP/1.1\r\n",
    got: "HTTP/1.1 206 Partial Content",
    want: "206, bytes 900-999",
    ms: 1,
  };
  const lines = explain(result, MESSAGES.en);
  assert(lines.length <= 6, lines.join("\n"));
  assert(lines[1].includes("GET /a HTTP/1.1\\r\\n"), "CR LF shown escaped");
  assert(lines.some((l) => l.includes("RFC 9110 §14.1.2")) && lines.at(-1)!.includes("sscanf"));
});

Deno.test("grade: tinyhttps passes every check, its key in the root as in the handout", async () => {
  const root = await labRoot(CERT, KEY);
  const server = await startServer([
    ...["--root", root, "--cert", join(root, "keys/cnlab.cert")],
    ...["--key", join(root, "keys/cnlab.prikey")],
  ]);
  try {
    const graded = await grade(server.httpPort, server.httpsPort, root);
    assertEquals(notPassed(graded), []);
    assertEquals(graded.code, 0);
    console.log(`tinyhttps graded in ${graded.ms} ms`);
  } finally {
    await server.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "grade: nginx as the lab asks (return 301 https://$host$request_uri; files on 443) passes",
  ignore: !have("nginx") && !have("/usr/sbin/nginx") && !REQUIRED,
  async fn() {
    const nginx = have("nginx") ? "nginx" : "/usr/sbin/nginx";
    const root = await labRoot(CERT, KEY);
    // A sane administrator keeps the key outside the folder nginx serves (nginx would serve
    // keys/cnlab.prikey like any file: the grader says so, see robust.private-key).
    await Deno.remove(join(root, "keys"), { recursive: true });
    const dir = await Deno.makeTempDir({ prefix: "tinyhttps-nginx-" });
    const [http, https] = freePorts();
    await Deno.writeTextFile(join(dir, "nginx.conf"), nginxConfig(dir, root, http, https));
    const child = new Deno.Command(nginx, {
      args: ["-c", join(dir, "nginx.conf"), "-p", dir],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      await waitForPort(https);
      const graded = await grade(http, https, root);
      assertEquals(notPassed(graded), []);
      assertEquals(graded.code, 0);
      console.log(`nginx graded in ${graded.ms} ms`);
    } finally {
      child.kill("SIGKILL");
      await child.output();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(root, { recursive: true });
    }
  },
});

/** nginx-light as the lab asks, in the foreground on high ports. On port 80 the lab's line is
 * `return 301 https://$host$request_uri;`; on a high port the https port must be named too. */
function nginxConfig(dir: string, root: string, http: number, https: number): string {
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n");
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log stderr error;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
${temp}
  server { listen 127.0.0.1:${http}; return 301 https://$host:${https}$request_uri; }
  server {
    listen 127.0.0.1:${https} ssl;
    ssl_certificate ${PROJECT}certs/cert.pem;
    ssl_certificate_key ${PROJECT}certs/key.pem;
    root ${root};
  }
}
`;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

// The checks that no single C mistake of the gallery isolates are shown to fail here.

Deno.test("grade: with nothing listening, tcp.http and tcp.https FAIL and the rest is not run", async () => {
  const [http, https] = freePorts();
  const graded = await grade(http, https);
  const verdicts = new Set(graded.results.slice(2).map((r) => r.verdict));
  assertEquals(graded.results.slice(0, 2).map((r) => r.verdict), ["FAIL", "FAIL"]);
  assertEquals([...verdicts], ["NOT RUN"]);
  assertEquals(graded.code, 1);
});

Deno.test("grade: a server streaming a head that never ends is 'not a response' after 64 KB", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    const garbage = new TextEncoder().encode("a".repeat(16 * 1024));
    try {
      await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\nX-Endless: "));
      for (;;) await conn.write(garbage); // until the grader hangs up
    } catch { /* it did */ }
    conn.close();
  })();
  const wire = await Wire.open({ host: "127.0.0.1", port: listener.addr.port, tls: false });
  await wire.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const got = await wire.response("GET", 5000);
  wire.close();
  await serving;
  listener.close();
  assertEquals(got.kind === "invalid" && got.why, "no end of head in 64 KB");
});

/** The verdict (and what came back) of one check of a run. */
const verdict = (g: Graded, id: string) => {
  const r = g.results.find((r) => r.id === id);
  return `${r?.verdict}: ${r?.got}`;
};

Deno.test("grade: tls.handshake FAILs where port 443 speaks plain HTTP, files.* where bytes differ", async () => {
  const served = await labRoot(CERT, KEY);
  const other = await labRoot(CERT, KEY); // the grader's --root: not what the server serves
  await Deno.writeTextFile(join(other, "index.html"), "another page");
  const server = await startServer(["--root", served]);
  try {
    const plain = await grade(server.httpPort, server.httpPort, undefined, ["--only", "tls"]);
    assert(verdict(plain, "tls.handshake").startsWith("FAIL"), verdict(plain, "tls.handshake"));
    const files = await grade(server.httpPort, server.httpsPort, other, ["--only", "files"]);
    for (const id of ["files.index", "files.dir", "files.text", "files.binary", "files.big"]) {
      assert(verdict(files, id).startsWith("FAIL"), `${id}: ${verdict(files, id)}`);
    }
  } finally {
    await server.stop();
    await Deno.remove(served, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});

/** openssl s_server on a free port (with -www it answers any GET with a page of its own). */
async function opensslServer(args: string[], check: (port: number) => Promise<void>) {
  const [port] = freePorts();
  const child = new Deno.Command("openssl", {
    args: ["s_server", "-accept", `${port}`, "-cert", join(PROJECT, "certs/cert.pem")]
      .concat(["-key", join(PROJECT, "certs/key.pem"), "-www", "-quiet", ...args]),
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitForPort(port);
    await check(port);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

Deno.test({
  name: "grade: tls.version FAILs on TLS 1.1, tls.alpn WARNs when the server picks h2",
  ignore: !have("openssl") && !REQUIRED,
  fn: tlsByOpenssl,
});

async function tlsByOpenssl() {
  await opensslServer(["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"], async (port) => {
    const graded = await grade(port, port, undefined, ["--only", "tls"]);
    assertEquals(verdict(graded, "tls.version"), "FAIL: TLSv1.1");
  });
  await opensslServer(["-alpn", "h2"], async (port) => {
    const graded = await grade(port, port, undefined, ["--only", "tls.alpn"]);
    assertEquals(verdict(graded, "tls.alpn"), "WARN: ALPN: h2");
  });
}

Deno.test({
  name:
    "grade: robust.vanish finds the SIGPIPE that kills a server when no --root gives a big file",
  ignore: (!have("gcc") || !HAVE_SSL_HEADERS) && !REQUIRED,
  async fn() {
    const graded = await gradeGallery("sigpipe", false);
    assertEquals(graded.diedAfter, "robust.vanish");
    assertEquals(verdict(graded, "robust.vanish").split(":")[0], "FAIL");
  },
});

/** Builds one gallery server, runs it in a lab root on free ports, grades it, stops it. */
async function gradeGallery(name: string, withRoot = true): Promise<Graded> {
  const { binary, log } = await build(join(GALLERY, name));
  if (binary === undefined) throw new Error(`${name} does not build: ${log}`);
  const root = await labRoot(CERT, KEY);
  const [http, https] = freePorts();
  const child = new Deno.Command(binary, {
    args: [`${http}`, `${https}`],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    // Port 80, never 443: a bare connect-and-close on 443 is a failed TLS handshake, which
    // one of the mistakes (exit-on-handshake) must first meet in robust.garbage.
    await waitForPort(http);
    await new Promise((r) => setTimeout(r, 100)); // both sockets listen before accept begins
    return await grade(http, https, withRoot ? root : undefined);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* it died of its mistake */ }
    await child.status;
    await Deno.remove(root, { recursive: true });
  }
}

/** What the grader must have said about one gallery server; the problems, or none. */
function judge(name: string, graded: Graded): string[] {
  const want = GALLERY_EXPECTED[name];
  const problems: string[] = [];
  const bad = Object.fromEntries(
    graded.results.filter((r) => r.verdict === "FAIL" || r.verdict === "WARN")
      .map((r) => [r.id, r.verdict]),
  );
  if (JSON.stringify(bad) !== JSON.stringify(want.bad)) {
    problems.push(`${name}: reported ${JSON.stringify(bad)}, want ${JSON.stringify(want.bad)}`);
  }
  if (graded.diedAfter !== want.died) {
    problems.push(`${name}: died after ${graded.diedAfter}, want ${want.died}`);
  }
  const after = graded.results.findIndex((r) => r.id === want.died);
  for (const [i, r] of graded.results.entries()) {
    const expected = want.died !== undefined && i > after ? "NOT RUN" : undefined;
    if (expected && r.verdict !== expected) problems.push(`${name}: ${r.id} ran after the crash`);
    if (!expected && r.verdict === "NOT RUN") problems.push(`${name}: ${r.id} was not run`);
    if (r.verdict === "SKIP") problems.push(`${name}: ${r.id} skipped`);
  }
  const words = graded.results.filter((r) => want.bad[r.id])
    .map((r) => explain(r, MESSAGES.en).join("\n")).join("\n");
  if (!words.includes(want.says)) problems.push(`${name}: the report never says "${want.says}"`);
  if ((graded.code === 0) !== (Object.values(want.bad).every((v) => v === "WARN"))) {
    problems.push(`${name}: exit code ${graded.code}`);
  }
  return problems;
}

Deno.test({
  name:
    "grade: each gallery server is reported with exactly its one mistake, the correct one with none",
  ignore: (!have("gcc") || !HAVE_SSL_HEADERS) && !REQUIRED,
  async fn() {
    const names = Object.keys(GALLERY_EXPECTED);
    const problems: string[] = [];
    let next = 0;
    const worker = async () => { // two at a time: the grader mostly waits
      while (next < names.length) {
        const name = names[next++];
        const graded = await gradeGallery(name);
        const notRun = graded.results.filter((r) => r.verdict === "NOT RUN").length;
        const bad = notPassed(graded).filter((r) => !r.endsWith("NOT RUN")).join(" ");
        console.log(
          `${name}: ${bad || "all PASS"}${notRun ? `, ${notRun} not run` : ""} (${graded.ms} ms)`,
        );
        problems.push(...judge(name, graded));
      }
    };
    await Promise.all([worker(), worker()]);
    assertEquals(problems, []);
  },
});

Deno.test({
  name: "grade:class grades students from h2 against h1 in network namespaces",
  ignore: (!IS_ROOT || !have("ip") || !have("gcc")) && !REQUIRED,
  async fn() {
    // Two students of the gallery, and two that a class always has: one whose code does not
    // compile, and one whose server never listens (it must cost 5 s, not a stuck run).
    const others = await Deno.makeTempDir({ prefix: "tinyhttps-class-" });
    await Deno.mkdir(join(others, "broken"));
    await Deno.writeTextFile(join(others, "broken/server.c"), "int main( { return 0; }\n");
    await Deno.mkdir(join(others, "sleepy"));
    await Deno.writeTextFile(
      join(others, "sleepy/server.c"),
      "#include <unistd.h>\nint main(void) { sleep(60); return 0; }\n",
    );
    try {
      const folders = [join(GALLERY, "correct"), join(GALLERY, "one-recv")];
      folders.push(join(others, "broken"), join(others, "sleepy"));
      const rows = await gradeClass(folders, 2, 16);
      console.log(rows.map((r) => `${r.student}: ${r.outcome} ${r.total}`).join("\n"));
      assertEquals(rows.map((r) => r.outcome), ["graded", "graded", "no build", "no listen"]);
      // The lab's own certificate is X.509 v1 without subjectAltName: two WARNs, nothing else.
      assertEquals(rows[0].stages.tls, "WARN tls.certificate, WARN tls.san");
      assert(Object.entries(rows[0].stages).every(([s, v]) => s === "tls" || v === "PASS"));
      assertEquals(rows[1].stages.keepalive, "FAIL keepalive.pipelining");
      assertEquals(rows[1].stages.robust, "FAIL robust.split");
      const left = decoder.decode(
        new Deno.Command("ip", { args: ["netns", "list"] }).outputSync().stdout,
      );
      assert(!left.includes(`tinyhttps-g1-${Deno.pid}x`), `namespaces left behind: ${left}`);
    } finally {
      await Deno.remove(others, { recursive: true });
    }
  },
});
