// tests/grade/class.ts — `deno task grade:class DIR`: a whole class at once. DIR holds one folder
// per student (a Makefile, or *.c files). Each is built as the handout says (`make`, or
// `gcc *.c -o http-server -lssl -lcrypto -lpthread`), started in a network namespace of its own
// as the lab's h1 (10.0.0.1, ports 80 and 443, the lab's files and keys from tests/grade/lab/),
// graded from a second namespace as h2 by tests/grade.ts, and stopped. The result is one table,
// student × stage, with the failing checks named: DIR/grades.md and DIR/grades.csv (or --out).
// Needs root and iproute2, as tests/lab_netns.sh does. Every step is bounded: a submission that
// does not build, does not listen within 5 s, or hangs the grader is a row that says so.
//
//   deno task grade:class tests/grade/gallery            the gallery of tests/grade/gallery/
//   deno task grade:class ~/submissions --jobs 4 --out ~/grades

import { parseArgs } from "@std/cli";
import { join } from "@std/path";

const PROJECT = new URL("../../", import.meta.url).pathname;
const LAB = join(PROJECT, "tests/grade/lab");
const decoder = new TextDecoder();

/** One student's row of the table. */
export interface Row {
  student: string;
  /** "graded", or what stopped the run: the build, the listen, a hang. */
  outcome: "graded" | "no build" | "no listen" | "hung" | "error";
  /** Per stage: "PASS", or the non-passing checks ("FAIL range.suffix, WARN …"). */
  stages: Record<string, string>;
  total: string;
  diedAfter?: string;
  /** The last lines of the build or the server, when they explain the row. */
  detail?: string;
  seconds: number;
}

/** Runs a program with a deadline (SIGKILL at `ms`); its exit code and output. */
export async function run(
  program: string,
  args: string[],
  options: { cwd?: string; ms?: number } = {},
): Promise<{ code: number; out: string; stdout: string; timedOut: boolean }> {
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* exited meanwhile */ }
  }, options.ms ?? 60_000);
  const output = await child.output();
  clearTimeout(timer);
  const stdout = decoder.decode(output.stdout);
  return { code: output.code, out: stdout + decoder.decode(output.stderr), stdout, timedOut };
}

/** Builds one submission in its folder; the path of its http-server, or the build's output. */
export async function build(folder: string): Promise<{ binary?: string; log: string }> {
  const names = [...Deno.readDirSync(folder)].map((e) => e.name);
  const make = names.includes("Makefile") || names.includes("makefile");
  const sources = names.filter((n) => n.endsWith(".c"));
  if (!make && sources.length === 0) return { log: "no Makefile and no .c file" };
  const result = make
    ? await run("make", ["-C", folder], { ms: 60_000 })
    : await run("gcc", [...sources, "-o", "http-server", "-lssl", "-lcrypto", "-lpthread"], {
      cwd: folder,
      ms: 60_000,
    });
  const binary = join(folder, "http-server");
  try {
    if (result.code === 0 && (Deno.statSync(binary).mode! & 0o111) !== 0) {
      return { binary, log: result.out };
    }
  } catch { /* no http-server was made */ }
  return { log: result.timedOut ? "the build took over 60 s" : result.out };
}

/** A fresh web root with the lab's files: index.html, dir/index.html, keys/ (the handout's v1
 * certificate, also as cnlab.crt, the name some write-ups use). `cert` and `key` replace them. */
export async function labRoot(cert?: string, key?: string): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "tinyhttps-grade-root-" });
  await Deno.mkdir(join(root, "dir"));
  await Deno.mkdir(join(root, "keys"));
  await Deno.copyFile(join(LAB, "index.html"), join(root, "index.html"));
  await Deno.copyFile(join(LAB, "dir/index.html"), join(root, "dir/index.html"));
  const certPem = cert ?? Deno.readTextFileSync(join(LAB, "keys/cnlab.cert"));
  await Deno.writeTextFile(join(root, "keys/cnlab.cert"), certPem);
  await Deno.writeTextFile(join(root, "keys/cnlab.crt"), certPem);
  await Deno.writeTextFile(
    join(root, "keys/cnlab.prikey"),
    key ?? Deno.readTextFileSync(join(LAB, "keys/cnlab.prikey")),
  );
  await Deno.chmod(root, 0o755); // a server that drops privileges can still read it
  return root;
}

/** The grader as a command line (the same permissions as `deno task grade`). */
export function graderArgs(args: string[]): string[] {
  return [
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-run=openssl",
    "--unsafely-ignore-certificate-errors",
    join(PROJECT, "tests/grade.ts"),
    "--json",
    ...args,
  ];
}

/** Turns the grader's JSON into a row. */
export function rowOf(student: string, json: string, seconds: number): Row {
  const run = JSON.parse(json) as {
    results: { id: string; stage: string; verdict: string }[];
    total: Record<string, number>;
    diedAfter?: string;
  };
  const stages: Record<string, string> = {};
  for (const stage of new Set(run.results.map((r) => r.stage))) {
    const results = run.results.filter((r) => r.stage === stage);
    const bad = results.filter((r) => r.verdict === "FAIL" || r.verdict === "WARN");
    const notRun = results.filter((r) => r.verdict === "NOT RUN").length;
    const named = bad.map((r) => `${r.verdict} ${r.id}`);
    if (notRun > 0) named.push(notRun === results.length ? "not run" : `${notRun} not run`);
    stages[stage] = named.length === 0 ? "PASS" : named.join(", ");
  }
  const total = Object.entries(run.total).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`)
    .join(", ");
  return { student, outcome: "graded", stages, total, diedAfter: run.diedAfter, seconds };
}

/** The network of the lab for one student: namespaces h1 and h2 with unique names, a veth pair,
 * 10.0.0.1 and 10.0.0.2 (tests/lab_netns.sh does the same in bash). */
async function makeNetwork(tag: string): Promise<{ h1: string; h2: string }> {
  const h1 = `tinyhttps-g1-${tag}`, h2 = `tinyhttps-g2-${tag}`;
  const ip = async (...args: string[]) => {
    const r = await run("ip", args, { ms: 10_000 });
    if (r.code !== 0) throw new Error(`ip ${args.join(" ")}: ${r.out}`);
  };
  await ip("netns", "add", h1);
  await ip("netns", "add", h2);
  await ip(
    "link",
    "add",
    `vg${tag}a`,
    "netns",
    h1,
    "type",
    "veth",
    "peer",
    "name",
    `vg${tag}b`,
    "netns",
    h2,
  );
  await ip("-n", h1, "addr", "add", "10.0.0.1/24", "dev", `vg${tag}a`);
  await ip("-n", h2, "addr", "add", "10.0.0.2/24", "dev", `vg${tag}b`);
  for (const [ns, dev] of [[h1, `vg${tag}a`], [h2, `vg${tag}b`]]) {
    await ip("-n", ns, "link", "set", dev, "up");
    await ip("-n", ns, "link", "set", "lo", "up");
  }
  return { h1, h2 };
}

/** makeNetwork, remembered until removeNetwork (a half-made network is removed at once). */
async function network(tag: string): Promise<{ h1: string; h2: string }> {
  const names = { h1: `tinyhttps-g1-${tag}`, h2: `tinyhttps-g2-${tag}` };
  networks.add(names);
  try {
    await makeNetwork(tag);
  } catch (error) {
    await removeNetwork(names);
    throw error;
  }
  return names;
}

/** The networks and web roots in use, so that Ctrl-C removes them too. */
const networks = new Set<{ h1: string; h2: string }>();
const roots = new Set<string>();

/** Ends every process still in the namespace (all ours: we started them), then deletes both. */
async function removeNetwork(net: { h1: string; h2: string }): Promise<void> {
  for (const ns of [net.h1, net.h2]) {
    const pids = await run("ip", ["netns", "pids", ns], { ms: 5000 });
    for (const pid of pids.out.split("\n").filter((p) => /^\d+$/.test(p))) {
      try {
        Deno.kill(Number(pid), "SIGKILL");
      } catch { /* gone already */ }
    }
    await run("ip", ["netns", "del", ns], { ms: 5000 });
  }
  networks.delete(net);
}

/** True once something listens on both ports inside `ns` (ss -ltn), within `ms`. */
async function listening(ns: string, ports: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ss = await run("ip", ["netns", "exec", ns, "ss", "-Hltn"], { ms: 5000 });
    if (ports.every((p) => new RegExp(`:${p}\\s`).test(ss.out))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** One student, start to end: build, network, start, grade, stop, clean up. */
export async function gradeStudent(where: string, tag: string, bigMiB = 64): Promise<Row> {
  const folder = Deno.realPathSync(where); // the server starts in its web root, not here
  const student = folder.split("/").filter((p) => p).at(-1)!;
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const built = await build(folder);
  const empty = { student, stages: {}, total: "" };
  if (built.binary === undefined) {
    return { ...empty, outcome: "no build", detail: lastLines(built.log), seconds: seconds() };
  }
  const root = await labRoot();
  roots.add(root);
  let server: Deno.ChildProcess | undefined;
  let net: { h1: string; h2: string } | undefined;
  try {
    net = await network(tag);
    server = new Deno.Command("ip", {
      args: ["netns", "exec", net.h1, built.binary],
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const said = tail(server.stdout, server.stderr); // what the server prints, for the table
    if (!(await listening(net.h1, [80, 443], 5000))) {
      const detail = `nothing on ports 80 and 443 within 5 s; it said: ${lastLines(said.text)}`;
      return { ...empty, outcome: "no listen", detail, seconds: seconds() };
    }
    const args = graderArgs(["--root", root, "--big-mb", `${bigMiB}`]);
    const graded = await run("ip", ["netns", "exec", net.h2, Deno.execPath(), ...args], {
      ms: 150_000,
    });
    if (graded.timedOut || !graded.stdout.includes('"results"')) {
      return { ...empty, outcome: "hung", detail: lastLines(graded.out), seconds: seconds() };
    }
    return rowOf(student, graded.stdout, seconds());
  } finally {
    if (net) await removeNetwork(net); // ends the server too, and anything it started
    await server?.status;
    await Deno.remove(root, { recursive: true });
    roots.delete(root);
  }
}

/** Keeps reading a child's output (so that a chatty server never blocks on a full pipe), and
 * keeps the last 2 KB of it. */
function tail(...streams: ReadableStream<Uint8Array>[]): { text: string } {
  const kept = { text: "" };
  for (const stream of streams) {
    (async () => {
      for await (const chunk of stream) {
        kept.text = (kept.text + decoder.decode(chunk)).slice(-2048);
      }
    })().catch(() => {});
  }
  return kept;
}

const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" / ").slice(0, 300);

/** The table as Markdown: one row per student, one column per stage. */
export function markdown(rows: Row[]): string {
  const stages = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
  const head = ["student", "outcome", ...stages, "total", "s"];
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const outcome = r.outcome === "graded"
      ? (r.diedAfter ? `died after ${r.diedAfter}` : "graded")
      : `${r.outcome}: ${r.detail ?? ""}`;
    const values = [
      r.student,
      outcome,
      ...stages.map((s) => r.stages[s] ?? "—"),
      r.total,
      `${r.seconds}`,
    ];
    lines.push(`| ${values.map(cell).join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/** The same table as CSV (RFC 4180: fields quoted, quotes doubled). */
export function csv(rows: Row[]): string {
  const stages = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
  const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
  const head = ["student", "outcome", "died_after", ...stages, "total", "seconds", "detail"];
  const lines = [head.join(",")];
  for (const r of rows) {
    const values = [
      r.student,
      r.outcome,
      r.diedAfter ?? "",
      ...stages.map((s) => r.stages[s] ?? ""),
      r.total,
      `${r.seconds}`,
      r.detail ?? "",
    ];
    lines.push(values.map(quote).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

/** The student folders of DIR: every subfolder with a Makefile or a .c file, by name. */
export function students(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isDirectory)
    .map((e) => join(dir, e.name))
    .filter((f) =>
      [...Deno.readDirSync(f)].some((e) => e.name === "Makefile" || e.name.endsWith(".c"))
    )
    .sort();
}

/** Grades `folders`, `jobs` at a time; each student has namespaces of its own. */
export async function gradeClass(folders: string[], jobs: number, bigMiB = 64): Promise<Row[]> {
  const rows: Row[] = new Array(folders.length);
  let next = 0;
  const worker = async () => {
    while (next < folders.length) {
      const i = next++;
      const tag = `${Deno.pid}x${i}`;
      rows[i] = await gradeStudent(folders[i], tag, bigMiB).catch((error) => ({
        student: folders[i].split("/").at(-1)!,
        outcome: "error" as const,
        stages: {},
        total: "",
        detail: String(error).slice(0, 300),
        seconds: 0,
      }));
      console.error(
        `grade:class: ${rows[i].student}: ${rows[i].outcome}, ${rows[i].total} (${
          rows[i].seconds
        } s)`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, folders.length) }, worker));
  return rows;
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args, { string: ["out", "jobs", "big-mb"] });
  const dir = args._[0] as string | undefined;
  if (dir === undefined) {
    console.error("usage: deno task grade:class DIR [--out DIR] [--jobs N] [--big-mb N]");
    return 2;
  }
  const id = await run("id", ["-u"]);
  if (id.out.trim() !== "0") {
    console.error("grade:class: needs root, for the network namespaces of h1 and h2 (ip netns)");
    return 77;
  }
  Deno.addSignalListener("SIGINT", async () => {
    for (const net of [...networks]) await removeNetwork(net);
    for (const root of roots) Deno.removeSync(root, { recursive: true });
    Deno.exit(130);
  });
  const rows = await gradeClass(
    students(dir),
    Number(args.jobs ?? 2),
    Number(args["big-mb"] ?? 64),
  );
  const out = args.out ?? dir;
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "grades.md"), markdown(rows));
  await Deno.writeTextFile(join(out, "grades.csv"), csv(rows));
  console.log(markdown(rows));
  console.log(`grade:class: wrote ${join(out, "grades.md")} and ${join(out, "grades.csv")}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
