// tests/grade.ts — `deno task grade`: checks anyone's HTTP + HTTPS server (the lab's C server,
// tinyhttps, nginx) over real sockets and explains every failure. The checks are in
// tests/grade/checks.ts, their sentences in tests/grade/messages.ts, the report in
// tests/grade/report.ts; a whole class at once is tests/grade/class.ts (`deno task grade:class`).
//
//   deno task grade                                   the lab's h1: http://10.0.0.1, https://10.0.0.1
//   deno task grade --http http://127.0.0.1:8080 --https https://127.0.0.1:8443
//   deno task grade --root ~/lab/www                  also write test files there, compare bytes
//   deno task grade --json                            for scripts; exit 0 only if nothing FAILed
//
// The task runs Deno with --unsafely-ignore-certificate-errors: the lab's certificate is
// self-signed and X.509 v1, which Deno's TLS refuses; the tls.* checks report on it instead.

import { parseArgs } from "@std/cli";
import { join } from "@std/path";
import {
  alive,
  CHECKS,
  type Context,
  type Files,
  type GradeFile,
  type Outcome,
  sha256,
} from "./grade/checks.ts";
import { langFromEnv, MESSAGES, type WireText } from "./grade/messages.ts";
import { exitCode, jsonReport, type Result, type Run, textReport } from "./grade/report.ts";

const USAGE = `usage: deno task grade [--http URL] [--https URL] [--root DIR] [--json] [--lang zh]
  --http URL       port 80 of the server (default http://10.0.0.1, the lab's h1)
  --https URL      port 443 of the server (default https://10.0.0.1)
  --root DIR       the folder the server serves: the grader writes test files there (a text
                   file, a binary file with NUL bytes, a big file, a name with spaces and é),
                   compares bytes exactly, and removes them afterwards
  --big-mb N       the big file's size in MiB (default 64)
  --key-path PATH  the URL of the private key that must not be served (default /keys/cnlab.prikey)
  --only LIST      only these stages or checks (comma-separated: range,robust.split); the
                   two connect checks always run
  --json           results as JSON
  --lang LANG      the language of the report: ${Object.keys(MESSAGES).join(", ")} (default:
                   zh when LC_ALL, LC_MESSAGES or LANG starts with zh, as zh_CN.UTF-8; else en)`;

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, {
    string: ["http", "https", "root", "lang", "key-path", "big-mb", "only"],
    boolean: ["json", "help"],
    default: { http: "http://10.0.0.1", https: "https://10.0.0.1" },
  });
  const text = MESSAGES[args.lang ?? langFromEnv(localeVariable)];
  if (args.help || text === undefined) {
    console.log(USAGE);
    return args.help ? 0 : 2;
  }
  const keyPath = args["key-path"] ?? "/keys/cnlab.prikey";
  const ctx = context(args.http, args.https, keyPath, text.wire);
  const root = args.root;
  const bigMiB = Number(args["big-mb"] ?? 64);
  const started = performance.now();
  let made: string[] = [];
  const cleanup = () => made.forEach((p) => Deno.removeSync(p));
  Deno.addSignalListener("SIGINT", () => {
    cleanup();
    Deno.exit(130);
  });
  try {
    if (root !== undefined) ({ files: ctx.files, made } = await prepareFiles(root, bigMiB));
    const only = (args.only as string | undefined)?.split(",").map((o: string) => o.trim());
    const run = await grade(ctx, args.http, args.https, root, only);
    run.ms = Math.round(performance.now() - started);
    console.log(args.json ? jsonReport(run) : textReport(run, text));
    return exitCode(run);
  } finally {
    cleanup();
  }
}

/** A locale variable, if Deno may read it (`deno task grade` allows these three; without the
 * permission the report is in English, and Deno never asks). */
function localeVariable(name: string): string | undefined {
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  return state === "granted" ? Deno.env.get(name) : undefined;
}

/** The Context of a run, from the two URLs. */
function context(http: string, https: string, keyPath: string, words: WireText): Context {
  const h = new URL(http), s = new URL(https);
  const port = (u: URL, fallback: number) => u.port === "" ? fallback : Number(u.port);
  const httpsPort = port(s, 443);
  const hostname = (u: URL) => u.hostname.replace(/^\[|\]$/g, "");
  return {
    http: { host: hostname(h), port: port(h, 80), tls: false },
    https: { host: hostname(s), port: httpsPort, tls: true },
    httpHost: h.host,
    httpsHost: s.host,
    httpsOrigin: `https://${s.hostname}${httpsPort === 443 ? "" : `:${httpsPort}`}`,
    keyPath,
    words,
  };
}

/** Runs every check in order. After each, a liveness probe: once the server stops answering,
 * the run says after which check, and the checks after it are NOT RUN. */
export async function grade(
  ctx: Context,
  http: string,
  https: string,
  root?: string,
  only?: string[],
) {
  const results: Result[] = [];
  let diedAfter: string | undefined;
  const chosen = (id: string, stage: string) =>
    only === undefined || stage === "connect" || only.some((o) => o === stage || id.startsWith(o));
  for (const check of CHECKS.filter((c) => chosen(c.id, c.stage))) {
    const { id, stage } = check;
    if (diedAfter !== undefined) {
      results.push({ id, stage, verdict: "NOT RUN", note: diedAfter, ms: 0 });
      continue;
    }
    if (check.needsRoot && ctx.files === undefined) {
      results.push({ id, stage, verdict: "SKIP", ms: 0 });
      continue;
    }
    const started = performance.now();
    let outcome = await capped(check.run(ctx), ctx.words);
    if (check.settle) await new Promise((r) => setTimeout(r, check.settle));
    if (id !== "tcp.http" && !(await alive(ctx))) {
      diedAfter = id;
      if (outcome.verdict !== "FAIL") outcome = { ...outcome, verdict: "FAIL" };
    }
    results.push({ id, stage, ...outcome, ms: Math.round(performance.now() - started) });
  }
  for (const r of results) if (r.verdict === "NOT RUN") r.note = undefined;
  return { http, https, root, results, diedAfter, ms: 0 } satisfies Run;
}

/** No check may take longer than this, whatever its own deadlines say: the grader never hangs. */
const CHECK_LIMIT_MS = 60_000;

/** A check's outcome, or a FAIL once CHECK_LIMIT_MS has passed. */
async function capped(work: Promise<Outcome>, words: WireText): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ verdict: "FAIL", got: words.checkTimeLimit(CHECK_LIMIT_MS) }),
      CHECK_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes the grader's own files under `root` and returns them with their sha256, and the paths
 * to remove afterwards. Names start with "grade-" so that they are easy to find and delete. */
async function prepareFiles(root: string, bigMiB: number) {
  const made: string[] = [];
  const write = async (name: string, bytes: Uint8Array): Promise<GradeFile> => {
    const path = join(root, name);
    await Deno.writeFile(path, bytes);
    made.push(path);
    const urlPath = "/" + encodeURIComponent(name);
    return { urlPath, bytes, size: bytes.length, sha256: await sha256(bytes) };
  };
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}: the quick brown fox\n`);
  const text = new TextEncoder().encode(lines.join(""));
  // Every byte value, NUL first, as in the header of a PNG or an MP4: strlen() stops at byte 8.
  const binary = new Uint8Array(300 * 1024);
  binary.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
  for (let i = 10; i < binary.length; i++) binary[i] = (i * 7 + (i >> 8)) & 0xff;
  const big = new Uint8Array(bigMiB * 1024 * 1024);
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
  let index: Uint8Array | undefined;
  try {
    index = await Deno.readFile(join(root, "index.html"));
  } catch { /* no index.html there: compared by Content-Length only */ }
  const files: Files = {
    text: await write("grade-text.txt", text),
    binary: await write("grade-binary.bin", binary),
    big: await write("grade-big.bin", big),
    named: await write("grade file été.txt", new TextEncoder().encode("été, with spaces\n")),
    index,
  };
  return { files, made };
}

if (import.meta.main) Deno.exit(await main());
