// tests/e2e/clients_test.ts — the programs students use, against the real server.ts: curl, wget,
// Python requests (the lab's checks), ffprobe/ffmpeg, VLC (headless, as a normal user) and
// headless Chromium. Each test needs its program; where one is missing it is skipped, unless
// REQUIRE_CLIENTS=1 (CI sets it), when a missing program is a failure. The server runs with
// --trace, and each test prints the Range requests its client really sent.

import { assert, assertEquals, assertGreater, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { have, PROJECT, type Server, startServer } from "./helpers.ts";

const REQUIRED = Deno.env.get("REQUIRE_CLIENTS") === "1";
const ARTIFACTS = join(PROJECT, "tests/e2e/artifacts");
const decoder = new TextDecoder();
/** Root? (`id -u`, since Deno.uid() would need --allow-sys.) */
const IS_ROOT =
  decoder.decode(new Deno.Command("id", { args: ["-u"] }).outputSync().stdout).trim() === "0";

/** Runs a command; returns its exit code and its stdout + stderr as text. */
async function run(program: string, args: string[], cwd = PROJECT) {
  const out = await new Deno.Command(program, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return { code: out.code, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

/** A web root with the lab's files, and a 720p video big enough that a seek to 20 s lies beyond
 * what a player reads ahead, so the seek must travel as its own Range request. */
let rootReady: Promise<string> | undefined;
function root(): Promise<string> {
  return rootReady ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "tinyhttps-clients-" });
    await Deno.mkdir(join(dir, "dir"));
    for (const name of ["index.html", "dir/index.html", "video.mp4"]) {
      await Deno.copyFile(join(PROJECT, "static", name), join(dir, name));
    }
    if (!have("ffmpeg")) return dir; // only the tests that need ffmpeg use big.mp4
    const made = await run("ffmpeg", [
      ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i"],
      "testsrc2=size=1280x720:rate=25:duration=30",
      ...["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "6M", "-movflags", "+faststart"],
      join(dir, "big.mp4"),
    ]);
    assertEquals(made.code, 0, made.text);
    return dir;
  })();
}

/** Registers a test that needs `programs`, with a fresh server on the shared root. */
function clientTest(name: string, programs: string[], fn: (s: Server) => Promise<void>) {
  const missing = programs.filter((p) => !have(p));
  Deno.test({
    name,
    ignore: missing.length > 0 && !REQUIRED,
    async fn() {
      assertEquals(missing, [], `missing programs (CI installs them in .ci/run): ${missing}`);
      const server = await startServer(["--root", await root(), "--trace"]);
      try {
        await fn(server);
      } finally {
        await server.stop();
      }
    },
  });
}

/** The requests the server saw, as "GET /x | Range: ... | If-Match: ..." lines, from --trace. */
function requestsSeen(server: Server): string[] {
  const seen: string[] = [];
  for (const line of server.lines) {
    const m = /^\S+ ▶ (.*)$/.exec(line);
    if (m === null || m[1] === "␍␊") continue;
    if (/^[A-Z]+ \S+ HTTP\//.test(m[1])) seen.push(m[1].replace(/ HTTP\/1\.\d$/, ""));
    else if (/^(Range|If-Match|If-Range|User-Agent):/i.test(m[1])) {
      seen[seen.length - 1] += ` | ${m[1]}`;
    }
  }
  return seen;
}

/** Range requests that start past byte 0: a seek, or a resume. */
const seeks = (server: Server) =>
  requestsSeen(server).filter((r) => /Range: bytes=([1-9]\d*)-/.test(r));

clientTest("curl: 301, 200, 206 for -r 100-200 and -r -100, 416, HEAD", ["curl"], async (s) => {
  const http = `http://127.0.0.1:${s.httpPort}`, https = `https://127.0.0.1:${s.httpsPort}`;
  const index = await Deno.readFile(join(await root(), "index.html"));
  const curl = (...args: string[]) =>
    run("curl", [
      "-sk",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} %{size_download} %{redirect_url}",
      ...args,
    ]);
  assertMatch(
    (await curl(`${http}/index.html`)).text,
    new RegExp(`^301 \\d+ ${https}/index.html$`),
  );
  assertEquals((await curl("-L", `${http}/index.html`)).text, `200 ${index.length} `);
  assertEquals((await curl("-r", "100-200", `${https}/index.html`)).text, "206 101 ");
  assertEquals((await curl("-r", "-100", `${https}/index.html`)).text, "206 100 ");
  assertMatch((await curl("-r", "999999999-", `${https}/index.html`)).text, /^416 /);
  const head = await run("curl", ["-skI", `${https}/index.html`]);
  assertMatch(head.text, /^HTTP\/1\.1 200 OK\r\n/);
  assert(head.text.includes(`Content-Length: ${index.length}`));
});

clientTest("wget -c resumes a partial download with a Range request", ["wget"], async (s) => {
  const dir = await Deno.makeTempDir();
  try {
    const video = await Deno.readFile(join(await root(), "video.mp4"));
    await Deno.writeFile(join(dir, "video.mp4"), video.subarray(0, 500_000)); // an interrupted download
    const got = await run("wget", [
      "-q",
      "-c",
      "--no-check-certificate",
      `https://127.0.0.1:${s.httpsPort}/video.mp4`,
    ], dir);
    assertEquals(got.code, 0, got.text);
    assertEquals(await Deno.readFile(join(dir, "video.mp4")), video);
    const resumed = seeks(s);
    console.log("wget sent:", resumed);
    assert(resumed.some((r) => r.includes("Range: bytes=500000-")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

clientTest("Python requests: the lab's seven checks", ["python3"], async (s) => {
  const py = have("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const out = await run(py, [
    "tests/lab_test.py",
    "127.0.0.1",
    await root(),
    String(s.httpPort),
    String(s.httpsPort),
  ]);
  assertEquals(out.code, 0, out.text);
  assert(out.text.includes("lab: 7 passed, 0 failed"), out.text);
});

clientTest("ffprobe reads the stream; ffmpeg -ss 20 seeks with a Range request", [
  "ffprobe",
  "ffmpeg",
], async (s) => {
  const url = `https://127.0.0.1:${s.httpsPort}/big.mp4`;
  const probe = await run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration:stream=codec_name",
    "-of",
    "csv=p=0",
    url,
  ]);
  assertEquals(probe.code, 0, probe.text);
  assert(probe.text.includes("h264") && probe.text.includes("30.0"), probe.text);
  const seek = await run("ffmpeg", [
    "-hide_banner",
    "-loglevel",
    "error",
    "-ss",
    "20",
    "-i",
    url,
    "-t",
    "1",
    "-f",
    "null",
    "-",
  ]);
  assertEquals(seek.code, 0, seek.text);
  console.log("ffprobe + ffmpeg sent:", requestsSeen(s));
  assertGreater(seeks(s).length, 0, "ffmpeg -ss 20 should seek with Range: bytes=N- (N > 0)");
});

/** VLC refuses to run as root, as students are told in the lab: run it as a normal user. */
async function vlc(args: string[]) {
  const trust = await Deno.makeTempDir({ prefix: "tinyhttps-vlc-trust-" });
  await Deno.copyFile(join(PROJECT, "certs/cert.pem"), join(trust, "cert.pem"));
  await Deno.chmod(trust, 0o755);
  await Deno.chmod(join(trust, "cert.pem"), 0o644);
  const cvlc = [
    "cvlc",
    "-vv",
    "--intf",
    "dummy",
    "--vout",
    "dummy",
    "--aout",
    "dummy",
    "--play-and-exit",
    `--gnutls-dir-trust=${trust}`,
    ...args,
  ];
  try {
    const out = IS_ROOT
      ? await run("runuser", ["-u", "tinyhttps-vlc", "--", ...cvlc], "/tmp")
      : await run(cvlc[0], cvlc.slice(1), "/tmp");
    return out.text;
  } finally {
    await Deno.remove(trust, { recursive: true });
  }
}

clientTest("VLC plays over HTTPS, seeks to 20 s with Range and If-Match, and follows the 301", [
  "cvlc",
  "ffmpeg", // makes the big video VLC seeks in
], async (s) => {
  if (IS_ROOT) {
    const user = await run("id", ["tinyhttps-vlc"]);
    assertEquals(
      user.code,
      0,
      "as root, VLC runs as the user tinyhttps-vlc: useradd -m tinyhttps-vlc (.ci/run does)",
    );
  }
  // VLC's exit code is always 0: judge by its log and by what the server saw.
  const played = await vlc([
    "--start-time=20",
    "--stop-time=22",
    `https://127.0.0.1:${s.httpsPort}/big.mp4`,
  ]);
  assert(played.includes("successfully opened"), played.slice(-3000));
  assert(!/(gnutls|tls|http) (client )?error/i.test(played), played.slice(-3000));
  const sent = requestsSeen(s);
  console.log("VLC sent:", sent);
  assert(sent.some((r) => r.includes("Range: bytes=0-")), "VLC opens with Range: bytes=0-");
  assert(sent.some((r) => r.includes("If-Match:")), "VLC revalidates seeks with If-Match");
  assertGreater(seeks(s).length, 0, "the seek to 20 s is a Range request past byte 0");
  assert(
    !s.lines.some((l) => l.includes("◀ HTTP/1.1 412")),
    "our strong ETag must satisfy VLC's If-Match",
  );
  const redirected = await vlc(["--stop-time=2", `http://127.0.0.1:${s.httpPort}/video.mp4`]);
  assert(redirected.includes("successfully opened"), redirected.slice(-3000));
  assert(
    s.lines.some((l) => /"GET \/video\.mp4 HTTP\/1\.1" 301 /.test(l)),
    "VLC went through port 80",
  );
});

clientTest("Chromium plays the page's video, seeks to 20 s, and a screenshot is saved", [
  "chromium",
  "node",
], async (s) => {
  const modules = join(PROJECT, "tests/e2e/browser/node_modules/playwright-core");
  assert(
    await Deno.stat(modules).then(() => true, () => false),
    "run: npm ci --prefix tests/e2e/browser",
  );
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, "chromium.png");
  const out = await run("node", [
    "tests/e2e/browser/play_video.mjs",
    `https://127.0.0.1:${s.httpsPort}/`,
    shot,
  ]);
  assertEquals(out.code, 0, out.text);
  const result = JSON.parse(out.text.trim().split("\n").pop()!);
  assert(result.playedTo > 1.5 && result.afterSeek > 20.5, out.text);
  assertGreater((await Deno.stat(shot)).size, 10_000);
  console.log("Chromium sent:", requestsSeen(s), "saw:", result);
});
