// tests/lesson_check.ts — keeps LESSON.md and the code in step (`deno task lesson:check`):
// every exported lib/ function has a lesson of the same name and a test that names it; every
// lesson names a function that exists; the numbered parts of LESSON.md are the section banners
// of server.ts, in the same order. Prints what drifted and exits 1, or prints "ok".

const read = (path: string) => Deno.readTextFileSync(new URL(`../${path}`, import.meta.url));
const lesson = read("LESSON.md");
const problems: string[] = [];

const exported = new Map<string, string>();
for (const entry of Deno.readDirSync(new URL("../lib/", import.meta.url))) {
  if (!entry.name.endsWith(".ts")) continue;
  for (const [, name] of read(`lib/${entry.name}`).matchAll(/^export function (\w+)/gm)) {
    exported.set(name, `lib/${entry.name}`);
  }
}
const tests = [...Deno.readDirSync(new URL("./", import.meta.url))]
  .filter((e) => e.name.endsWith("_test.ts"))
  .map((e) => read(`tests/${e.name}`))
  .join("\n");

const lessons = [...lesson.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
for (const [name, file] of exported) {
  if (!lessons.includes(name)) problems.push(`${file}: ${name} has no "## ${name}" in LESSON.md`);
  if (!new RegExp(`\\b${name}\\(\\)`).test(tests)) {
    problems.push(`${file}: no test is named "${name}() …"`);
  }
}
for (const name of lessons) {
  if (!exported.has(name)) problems.push(`LESSON.md: "## ${name}" names no exported lib/ function`);
}

const banners = [...read("server.ts").matchAll(/^\/\/ ── (\d+\. .+?) ─+$/gm)].map((m) => m[1]);
const parts = [...lesson.matchAll(/^## (\d+\. .+)$/gm)].map((m) => m[1]);
if (JSON.stringify(banners) !== JSON.stringify(parts)) {
  problems.push(
    `LESSON.md parts differ from server.ts banners:\n  server.ts: ${banners.join(" | ")}\n` +
      `  LESSON.md: ${parts.join(" | ")}`,
  );
}
if (/\.ts:\d+|#L\d+/.test(lesson)) problems.push("LESSON.md names code by line number");

// Every `name()`, CONSTANT and file path the prose names must exist in the code.
const code = [read("server.ts"), ...[...exported.values()].map(read)].join("\n");
const prose = lesson.replace(/```[\s\S]*?```/g, ""); // code blocks are checked by deno test --doc
// (Lower-case single words, `accept()` or `write()`, are system calls, not ours.)
for (const [, name] of prose.matchAll(/`(\w*[A-Z]\w*|main)\(\)`/g)) {
  if (!new RegExp(`function ${name}\\b`).test(code)) {
    problems.push(`LESSON.md names \`${name}()\`, which no function is`);
  }
}
// Our constants are named for a limit or a size (TIME_WAIT or PATH_INFO are protocol words).
const OURS = /^(MAX|CACHE|SMALL|CHUNK|LOG|LINGER|WATCHDOG|SHUTDOWN|INDEX|CGI)_|_(MS|BYTES|SIZE)$/;
for (const [, name] of prose.matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)) {
  if (!OURS.test(name)) continue;
  if (!new RegExp(`const ${name}\\b`).test(code)) {
    problems.push(`LESSON.md names \`${name}\`, which no constant is`);
  }
}
for (
  const [, path] of prose.matchAll(
    /`((?:lib|tests|static|certs|bench)\/[\w./-]+\.\w+|server\.ts|topo\.py)`/g,
  )
) {
  try {
    Deno.statSync(new URL(`../${path}`, import.meta.url));
  } catch {
    problems.push(`LESSON.md names the file ${path}, which does not exist`);
  }
}

// server.ts reads top to bottom (STYLE.md practices 1 and 16): main() is a table of contents of
// at most 20 lines, every function comes below its first caller, and functions fit a projector
// screen: 50 lines in server.ts, 30 in lib/.
function functionSpans(text: string): { name: string; start: number; lines: number }[] {
  const lines = text.split("\n");
  const spans = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(?:export )?(?:async )?function (\w+)/.exec(lines[i]);
    if (m === null) continue;
    let end = i;
    while (lines[end] !== "}") end++;
    spans.push({ name: m[1], start: text.indexOf(lines[i]), lines: end - i + 1 });
  }
  return spans;
}
const server = read("server.ts");
for (const { name, start, lines } of functionSpans(server)) {
  if (name === "main" && lines > 20) {
    problems.push(`server.ts: main() has ${lines} lines (at most 20)`);
  }
  if (lines > 50) problems.push(`server.ts: ${name}() has ${lines} lines (at most 50)`);
  const calls = [...server.matchAll(new RegExp(`(?<!function )\\b${name}\\(`, "g"))].map((m) =>
    m.index!
  );
  if (name !== "main" && calls.length > 0 && Math.min(...calls) > start) {
    problems.push(`server.ts: ${name}() is defined above its first caller`);
  }
}
for (const file of new Set(exported.values())) {
  for (const { name, lines } of functionSpans(read(file))) {
    if (lines > 30) problems.push(`${file}: ${name}() has ${lines} lines (at most 30)`);
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  Deno.exit(1);
}
console.log(`lesson:check ok: ${exported.size} functions, ${parts.length} parts`);
