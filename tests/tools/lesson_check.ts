// tests/tools/lesson_check.ts — keeps LESSON.md and the code in step (`deno task lesson:check`):
// every exported lib/ function has a lesson of the same name and a test that names it; every
// lesson names a function that exists; the numbered parts of LESSON.md are the section banners
// of server.ts, in the same order; every `name()` that prose or a code comment mentions exists;
// LESSON.zh.md, the Chinese translation, has the same chapters, parts, lessons and code blocks
// in the same order, and README.zh.md the code blocks of README.md; and server.ts keeps the
// shape of a story (Part I first and short, callers above callees, functions that fit a screen).
// Prints what drifted and exits 1, or prints "ok".

const read = (path: string) => Deno.readTextFileSync(new URL(`../../${path}`, import.meta.url));
const lesson = read("LESSON.md");
const LESSON_ZH = Deno.args[0] ?? "LESSON.zh.md"; // another path: to try the check on a copy
const lessonZh = Deno.readTextFileSync(new URL(LESSON_ZH, new URL("../../", import.meta.url)));
const server = read("server.ts");
const problems: string[] = [];

const exported = new Map<string, string>();
for (const entry of Deno.readDirSync(new URL("../../lib/", import.meta.url))) {
  if (!entry.name.endsWith(".ts")) continue;
  for (const [, name] of read(`lib/${entry.name}`).matchAll(/^export function (\w+)/gm)) {
    exported.set(name, `lib/${entry.name}`);
  }
}
const libFiles = [...new Set(exported.values())].sort();
const tests = [...Deno.readDirSync(new URL("../", import.meta.url))]
  .filter((e) => e.name.endsWith("_test.ts"))
  .map((e) => read(`tests/${e.name}`))
  .join("\n");

// ── Lessons ↔ functions ↔ tests ─────────────────────────────────────────────────────────────
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

// Each lesson's exercise says how many cases its tests hold ("Its tests: N cases"), which
// `deno task exercise --check` (CI) holds to the tests; the lab path names lessons that exist.
for (const section of lesson.split(/^## /m).slice(1)) {
  const name = /^(\w+)$/m.exec(section.split("\n")[0])?.[1];
  if (name !== undefined && !/\bIts\s+tests:\s+\d+\s+cases?\b/.test(section)) {
    problems.push(`LESSON.md: "## ${name}" has no "Its tests: N cases" line in its exercise`);
  }
}
const labPath = /\*\*The lab path\.\*\*([\s\S]*?)\n\n/.exec(lesson)?.[1];
if (labPath === undefined) problems.push('LESSON.md has no "**The lab path.**" paragraph');
for (const [, name] of (labPath ?? "").matchAll(/`(\w+)`/g)) {
  if (!lessons.includes(name)) problems.push(`LESSON.md: the lab path names ${name}, no lesson`);
}

// ── The parts of LESSON.md are the banners of server.ts ──────────────────────────────────────
const banners = [...server.matchAll(/^\/\/ ── (\d+\. .+?) ─+$/gm)].map((m) => m[1]);
const parts = [...lesson.matchAll(/^## (\d+\. .+)$/gm)].map((m) => m[1]);
if (JSON.stringify(banners) !== JSON.stringify(parts)) {
  problems.push(
    `LESSON.md parts differ from server.ts banners:\n  server.ts: ${banners.join(" | ")}\n` +
      `  LESSON.md: ${parts.join(" | ")}`,
  );
}

// ── Every name the prose and the comments mention exists ─────────────────────────────────────
const code = [server, ...libFiles.map(read)].join("\n");
/** Calls that are not ours: the C library and the kernel (what the lab's C server calls), and
 * the JavaScript and Deno methods a comment names without their object. */
const NOT_OURS = new Set([
  "accept",
  "bind",
  "close",
  "connect",
  "epoll",
  "exit",
  "fork",
  "fstat",
  "getsockname",
  "getsockopt",
  "htons",
  "listen",
  "malloc",
  "ntohs",
  "open",
  "poll",
  "pthread_create",
  "read",
  "realpath",
  "recv",
  "select",
  "send",
  "setsid",
  "setsockopt",
  "socket",
  "stat",
  "strlen",
  "write",
  "asctime",
  "fromCharCode",
  "join",
  "setNoDelay",
  "toUTCString",
  "trim",
]);
/** OpenSSL's calls (SSL_read, TLS_server_method, OpenSSL_add_all_algorithms), and the functions
 * of the handout's C server, which the part "From tinyhttps to your C server" names. */
const OPENSSL = /^(SSL|SSLv23|TLS|OpenSSL|ERR)_\w+$/;
const HANDOUT = new Set(["response", "https_response", "http_server", "https_server"]);
const ours = (name: string) =>
  OPENSSL.test(name) || HANDOUT.has(name) || new RegExp(`function ${name}\\b`).test(code);
function checkCalls(where: string, text: string, pattern: RegExp): void {
  for (const [, name] of text.matchAll(pattern)) {
    if (!NOT_OURS.has(name) && !ours(name)) {
      problems.push(`${where} names \`${name}()\`, which no function is`);
    }
  }
}
for (const file of ["server.ts", ...libFiles]) {
  const comments = [...read(file).matchAll(/\/\/.*$|\/\*[\s\S]*?\*\//gm)].map((m) => m[0]).join(
    "\n",
  );
  checkCalls(`${file} (a comment)`, comments, /(?<![.\w])(\w+)\(\)/g);
}
// "part N" in a comment of server.ts sends the reader to a part that exists.
for (const [, n] of server.matchAll(/\bpart (\d+)/g)) {
  if (Number(n) < 1 || Number(n) > parts.length) problems.push(`server.ts names part ${n}`);
}
// Our constants are named for a limit or a size (TIME_WAIT or PATH_INFO are protocol words).
const OURS = /^(MAX|CACHE|SMALL|CHUNK|LOG|LINGER|WATCHDOG|SHUTDOWN|INDEX|CGI)_|_(MS|BYTES|SIZE)$/;
/** The prose of a lesson file (both languages) names only functions, constants and files that
 * exist, and code only by name, never by line number. */
function checkProse(where: string, text: string): void {
  if (/\.ts:\d+|#L\d+/.test(text)) problems.push(`${where} names code by line number`);
  const prose = text.replace(/```[\s\S]*?```/g, ""); // code blocks are checked by deno test --doc
  checkCalls(where, prose, /`(?<![.\w])(\w+)\(\)`/g);
  for (const [, name] of prose.matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)) {
    if (!OURS.test(name)) continue;
    if (!new RegExp(`const ${name}\\b`).test(code)) {
      problems.push(`${where} names \`${name}\`, which no constant is`);
    }
  }
  for (
    const [, path] of prose.matchAll(
      /`((?:lib|tests|static|certs|bench)\/[\w./-]+\.\w+|server\.ts|topo\.py)`/g,
    )
  ) {
    try {
      Deno.statSync(new URL(`../../${path}`, import.meta.url));
    } catch {
      problems.push(`${where} names the file ${path}, which does not exist`);
    }
  }
}
checkProse("LESSON.md", lesson);
checkProse(LESSON_ZH, lessonZh);

// ── LESSON.zh.md has the structure of LESSON.md ──────────────────────────────────────────────
// The translation keeps, in the same order, each landmark of the English: a chapter heading
// ("# …", translated, so matched by place), a part ("## 4. …", matched by its number), a
// function's lesson ("## parseRange", never translated), any other "## …" heading (by place),
// and every code block: one that runs (```ts, or the commands of ```sh) byte for byte, a diagram
// or a picture of bytes (```mermaid, a bare ```) by its kind only, since its labels are
// translated. So a section deleted, moved or added, or a code block changed, shows here.
const RUNS = new Set(["ts", "typescript", "js", "javascript", "tsx", "jsx", "sh", "bash"]);
type Landmark = { key: string; line: number; says: string };
function landmarks(text: string): Landmark[] {
  const all = text.split("\n");
  const found: Landmark[] = [];
  for (let i = 0; i < all.length; i++) {
    const fence = /^```(\w*)/.exec(all[i]);
    if (fence !== null) {
      let end = i + 1;
      while (end < all.length && !all[end].startsWith("```")) end++;
      const block = all.slice(i, end + 1).join("\n");
      const kind = fence[1] === "" ? "a ``` block" : `a \`\`\`${fence[1]} block`;
      const runs = RUNS.has(fence[1]);
      found.push({
        key: runs ? block : kind,
        line: i + 1,
        says: runs ? `${kind} that runs` : kind,
      });
      i = end;
      continue;
    }
    const part = /^## (\d+)\. /.exec(all[i]);
    const name = /^## (\w+)$/.exec(all[i]);
    let key = "", says = "";
    if (part !== null) [key, says] = [`part ${part[1]}`, `part ${part[1]}, "${all[i]}"`];
    else if (name !== null) key = says = `the lesson "## ${name[1]}"`;
    else if (all[i].startsWith("## ")) [key, says] = ["## …", `a section heading, "${all[i]}"`];
    else if (all[i].startsWith("# ")) [key, says] = ["# …", `a chapter heading, "${all[i]}"`];
    if (key !== "") found.push({ key, line: i + 1, says });
  }
  return found;
}
function firstDifference(a: string, b: string): string {
  const [x, y] = [a.split("\n"), b.split("\n")];
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  const show = (line: string | undefined) => JSON.stringify(line ?? "(the block has ended)");
  return `its line ${i + 1}:\n    LESSON.md: ${show(x[i])}\n    ${LESSON_ZH}: ${show(y[i])}`;
}
/** "a, b, c", or the first eight and how many more. */
const list = (names: string[]) =>
  names.slice(0, 8).join(", ") + (names.length > 8 ? ` and ${names.length - 8} more` : "");
function compareStructure(): void {
  const [en, zh] = [landmarks(lesson), landmarks(lessonZh)];
  const headings = (list: Landmark[]) =>
    new Set(list.filter((l) => /^(part|the lesson)/.test(l.key)).map((l) => l.key));
  const [enHeadings, zhHeadings] = [headings(en), headings(zh)];
  const missing = [...enHeadings].filter((k) => !zhHeadings.has(k));
  const extra = [...zhHeadings].filter((k) => !enHeadings.has(k));
  if (missing.length > 0) problems.push(`${LESSON_ZH} lacks ${list(missing)}`);
  if (extra.length > 0) {
    problems.push(`${LESSON_ZH} has ${list(extra)}, which LESSON.md lacks`);
  }
  const at = en.findIndex((l, i) => zh[i] === undefined || zh[i].key !== l.key);
  if (at === -1 && zh.length === en.length) return;
  const here = at === -1 ? en.length : at;
  const [e, z] = [en[here], zh[here]];
  const where = (file: string, l?: Landmark) =>
    l ? `${file} line ${l.line}: ${l.says}` : `${file}: (ends here)`;
  let why = `${where("LESSON.md", e)}\n  ${where(LESSON_ZH, z)}`;
  const runs = (l: Landmark) => l.key.startsWith("```");
  if (e && z && runs(e) && runs(z)) {
    const diff = firstDifference(e.key, z.key);
    why = `the code block at LESSON.md line ${e.line} is not the one at ${LESSON_ZH} line ` +
      `${z.line} (a block that runs stays byte for byte as in LESSON.md); ${diff}`;
  }
  problems.push(
    `${LESSON_ZH} is not in step with LESSON.md from landmark ${here + 1} of ${en.length}:\n` +
      `  ${why}`,
  );
}
compareStructure();
// README.zh.md gives README.md's commands (the set-up, curl, topo.py, certificates) unchanged.
const readmeZh = read("README.zh.md");
for (const [block] of read("README.md").matchAll(/^```.*\n[\s\S]*?^```$/gm)) {
  if (!readmeZh.includes(block)) {
    problems.push(`README.zh.md lacks this block of README.md, byte for byte:\n${block}`);
  }
}

// ── server.ts is a story: Part I (the lab) first and short ───────────────────────────────────
// (STYLE.md practices 1 and 16, ARCHITECTURE.md.) Part I ends at the banner "// ════ Part II".
const lines = server.split("\n");
const partTwo = lines.findIndex((l) => l.startsWith("// ════ Part II"));
if (partTwo === -1) problems.push('server.ts has no "// ════ Part II" banner');
if (partTwo > 650) problems.push(`server.ts: Part I has ${partTwo} lines (at most 650)`);
const firstAccept = lines.findIndex((l) => l.includes(".accept()"));
if (firstAccept > 160) problems.push(`server.ts: the first accept() is on line ${firstAccept + 1}`);
// Part I reaches the features beyond the lab by one-line calls only: none of their machinery.
const partOneStart = lines.findIndex((l) => l.startsWith("// ════ Part I:")); // after the imports
const partOne = lines.slice(partOneStart, partTwo).filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l))
  .join("\n");
for (
  const word of [
    "Deno.Command",
    "Deno.dlopen",
    "Deno.readDir",
    "statSync",
    "X509Certificate",
    "parseConfigFile",
    "cgiEnvironment",
    "listingReply",
    "startupBanner",
    "addSignalListener",
    "traceHead",
  ]
) {
  const used = new RegExp(`\\b${word.replaceAll(".", "\\.")}\\b`).test(partOne); // not fstatSync
  if (used) problems.push(`server.ts: Part I uses ${word}, which is Part II's`);
}

// ── Functions fit a screen; callers come above callees ───────────────────────────────────────
// Size is counted in the lines a reader reads: not blank lines, comments, a lone closing
// bracket, or a line holding one argument or one field (how deno fmt lays out a long call), so
// that breaking a call over lines never counts against it and squeezing one never helps.
const NOT_COUNTED = /^\s*$|^\s*(\/\/|\/\*|\*)|^\s*[)\]}]+[;,)]*\s*$|^\s*[\w.$"'`[\]!?]+,\s*$/;
function functionSpans(text: string): { name: string; start: number; size: number }[] {
  const all = text.split("\n");
  const spans = [];
  for (let i = 0; i < all.length; i++) {
    const m = /^(?:export )?(?:async )?function (\w+)/.exec(all[i]);
    if (m === null) continue;
    let end = i;
    while (all[end] !== "}") end++;
    const size = all.slice(i, end + 1).filter((l) => !NOT_COUNTED.test(l)).length;
    spans.push({ name: m[1], start: text.indexOf(all[i]), size });
  }
  return spans;
}
for (const { name, start, size } of functionSpans(server)) {
  if (name === "main" && size > 20) {
    problems.push(`server.ts: main() has ${size} lines (at most 20)`);
  }
  if (size > 40) problems.push(`server.ts: ${name}() has ${size} lines of code (at most 40)`);
  const calls = [...server.matchAll(new RegExp(`(?<!function )\\b${name}\\(`, "g"))].map((m) =>
    m.index!
  );
  if (name !== "main" && calls.length > 0 && Math.min(...calls) > start) {
    problems.push(`server.ts: ${name}() is defined above its first caller`);
  }
}
for (const file of libFiles) {
  for (const { name, size } of functionSpans(read(file))) {
    if (size > 30) problems.push(`${file}: ${name}() has ${size} lines of code (at most 30)`);
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  Deno.exit(1);
}
console.log(
  `lesson:check ok: ${exported.size} functions, ${parts.length} parts, Part I ${partTwo} lines; ` +
    `${LESSON_ZH} in step with LESSON.md (${landmarks(lesson).length} landmarks)`,
);
