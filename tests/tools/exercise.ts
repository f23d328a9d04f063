// tests/tools/exercise.ts — the exercises of LESSON.md: rebuild a lib/ function, then run its real tests
// against your version. The shipped lib/ stays complete; you work in tests/exercises/, which
// holds a stub of every lib/ module: types, constants, signatures and doc comments, and a TODO
// where each exported function's body was.
//
//   deno task exercise                 list the exercises: the lab path first, then every module
//   deno task exercise parseRange      name parseRange's test cases, then run them against
//                                      tests/exercises/range.ts
//   deno task exercise range           run the tests of every function of lib/range.ts
//   deno task exercise --make          write the stubs afresh from lib/ (overwrites your work!)
//   deno task exercise --check         CI: the stubs match lib/, every function's tests pass
//                                      against lib/ and fail against its untouched stub, and
//                                      each lesson's "Its tests: N cases" is still N
//
// How: an import map sends "lib/range.ts" to "tests/exercises/range.ts" for that one test run,
// so tests/range_test.ts runs unchanged against your code.

const ROOT = new URL("../../", import.meta.url);
const LIB = new URL("lib/", ROOT), STUBS = new URL("tests/exercises/", ROOT);
const decoder = new TextDecoder();

/** "**The lab path.**" in LESSON.md: the functions the lab itself needs, in the order a request
 * meets them (lesson_check.ts checks that each one has a lesson). */
function labPath(): string[] {
  const lesson = Deno.readTextFileSync(new URL("LESSON.md", ROOT));
  const paragraph = /\*\*The lab path\.\*\*([\s\S]*?)\n\n/.exec(lesson)?.[1] ?? "";
  return [...paragraph.matchAll(/`(\w+)`/g)].map((m) => m[1]);
}

/** What each lesson's exercise says its tests hold: "Its tests: N cases" under "## name". */
function casesInLessons(): Map<string, number> {
  const lesson = Deno.readTextFileSync(new URL("LESSON.md", ROOT));
  const said = new Map<string, number>();
  for (const section of lesson.split(/^## /m).slice(1)) {
    const name = /^(\w+)$/m.exec(section.split("\n")[0])?.[1];
    const count = /\bIts\s+tests:\s+(\d+)\s+cases?\b/.exec(section)?.[1];
    if (name !== undefined && count !== undefined) said.set(name, Number(count));
  }
  return said;
}

/** The names of the test cases of `fn`, as Deno prints them running against lib/. */
async function caseNames(module: string, fn: string): Promise<string[]> {
  return testNames((await runTests(module, [fn], "lib", true)).text);
}

/** The test names in what `deno test` printed ("parseRange() … ... ok (1ms)"). */
function testNames(output: string): string[] {
  return [...output.matchAll(/^(\S+\(\) .*?) \.\.\. (?:ok|FAILED)/gm)].map((m) => m[1]);
}

/** `deno task exercise` with no name, or --help: what there is to do, and where to start. */
function listExercises(modules: Map<string, string[]>): void {
  const all = [...modules.values()].flat();
  console.log("exercise: rebuild one lib/ function, then run its real tests against your version.");
  console.log("  deno task exercise NAME     a function (parseRange) or a module (range)");
  console.log(
    "  deno task exercise --make   fresh stubs in tests/exercises/ (overwrites your work)\n",
  );
  console.log("The lab path, in the order a request meets the functions (LESSON.md):");
  const moduleOf = (fn: string) => [...modules].find(([, fns]) => fns.includes(fn))?.[0];
  labPath().filter((fn) => all.includes(fn)).forEach((fn, i) => {
    console.log(`  ${String(i + 1).padStart(2)}. ${fn.padEnd(18)} lib/${moduleOf(fn)}.ts`);
  });
  console.log("");
  console.log("Every exercise, by module (lib/MODULE.ts, your version in tests/exercises/):");
  for (const [module, functions] of modules) console.log(`  ${module}: ${functions.join(", ")}`);
}

/** Every lib/ module (by name, "range") and the functions it exports. */
function libModules(): Map<string, string[]> {
  const modules = new Map<string, string[]>();
  for (const entry of [...Deno.readDirSync(LIB)].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.name.endsWith(".ts")) continue;
    const text = Deno.readTextFileSync(new URL(entry.name, LIB));
    const names = [...text.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
    modules.set(entry.name.slice(0, -3), names);
  }
  return modules;
}

/** The stub of one lib/ module: exported function bodies become a TODO, private functions
 * (part of the answer) are left out, imports of sibling modules point back into lib/. */
function makeStub(module: string): string {
  const lines = Deno.readTextFileSync(new URL(`${module}.ts`, LIB)).split("\n");
  const out: string[] = [
    `// tests/exercises/${module}.ts — your version of lib/${module}.ts (see tests/tools/exercise.ts).`,
    `// Write each function marked TODO, then: deno task exercise ${module}`,
    "",
  ];
  let pendingDoc: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("/**") || (pendingDoc.length > 0 && !pendingDoc.at(-1)!.includes("*/"))) {
      pendingDoc.push(line);
      continue;
    }
    const exported = /^export function (\w+)/.exec(line);
    const private_ = /^function \w+/.test(line);
    if (exported || private_) {
      let end = i; // the signature may span lines; the body ends with "}" alone at column 0
      while (!lines[end].endsWith("{")) end++;
      const signature = lines.slice(i, end + 1);
      let close = end;
      while (lines[close] !== "}") close++;
      if (exported) {
        out.push(...pendingDoc, ...signature);
        out.push(`  // TODO: write ${exported[1]}. Its lesson: "## ${exported[1]}" in LESSON.md.`);
        out.push(`  throw new Error("TODO: ${exported[1]}");`, "}");
      }
      pendingDoc = [];
      i = close;
      continue;
    }
    out.push(...pendingDoc, line.replace(/from "\.\/(\w+)\.ts"/, 'from "../../lib/$1.ts"'));
    pendingDoc = [];
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** Runs tests/<module>_test.ts, restricted to `functions`, against the stub or against lib/. */
async function runTests(
  module: string,
  functions: string[],
  against: "stub" | "lib",
  quiet = false,
) {
  const map = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).imports;
  if (against === "stub") {
    map[new URL(`${module}.ts`, LIB).href] = new URL(`${module}.ts`, STUBS).href;
  }
  const mapFile = new URL(".import_map.json", STUBS).pathname; // git ignores it
  await Deno.writeTextFile(mapFile, JSON.stringify({ imports: map }));
  const filter = `/^(${functions.join("|")})\\(\\) /`;
  const test = new URL(`tests/${module}_test.ts`, ROOT).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--no-lock", `--import-map=${mapFile}`, `--filter=${filter}`, test],
    env: { NO_COLOR: "1" },
    stdout: quiet ? "piped" : "inherit",
    stderr: quiet ? "piped" : "inherit",
  }).output();
  const text = quiet ? decoder.decode(out.stdout) + decoder.decode(out.stderr) : "";
  return { ok: out.code === 0, text };
}

async function check(modules: Map<string, string[]>): Promise<number> {
  let problems = 0;
  const said = casesInLessons();
  for (const [module, functions] of modules) {
    const stub = new URL(`${module}.ts`, STUBS);
    const current = await Deno.readTextFile(stub).catch(() => "");
    if (current !== makeStub(module)) {
      console.log(
        `FAIL tests/exercises/${module}.ts differs from lib/${module}.ts: run deno task exercise --make`,
      );
      problems++;
    }
    const againstLib = await runTests(module, functions, "lib", true);
    if (!againstLib.ok) {
      console.log(`FAIL the tests of lib/${module}.ts do not pass against lib/ itself`);
      problems++;
    }
    for (const fn of functions) {
      const result = await runTests(module, [fn], "stub", true);
      const ran = /\| (\d+) passed \| (\d+) failed/.exec(result.text);
      const failed = ran !== null && Number(ran[2]) > 0;
      console.log(
        `${failed && !result.ok ? "ok  " : "FAIL"} ${fn}() tests fail against its stub` +
          (ran ? ` (${ran[2]} of ${Number(ran[1]) + Number(ran[2])} fail)` : ""),
      );
      if (!failed || result.ok) problems++;
      // Counted against lib/: a stub can fail a whole test file at load, as one failure.
      const total = testNames(againstLib.text).filter((name) => name.startsWith(`${fn}() `)).length;
      if (said.get(fn) !== total) {
        console.log(
          `FAIL LESSON.md, "## ${fn}": its exercise says "Its tests: ${said.get(fn)} cases", ` +
            `but tests/${module}_test.ts holds ${total}`,
        );
        problems++;
      }
    }
  }
  return problems;
}

if (import.meta.main) {
  const [arg] = Deno.args;
  const modules = libModules();
  if (arg === undefined || arg === "--help" || arg === "-h") {
    listExercises(modules);
  } else if (arg === "--make") {
    await Deno.mkdir(STUBS, { recursive: true });
    for (const module of modules.keys()) {
      await Deno.writeTextFile(new URL(`${module}.ts`, STUBS), makeStub(module));
    }
    console.log(`exercise: wrote ${modules.size} stubs in tests/exercises/`);
  } else if (arg === "--check") {
    const problems = await check(modules);
    console.log(problems === 0 ? "exercise: all checks passed" : `exercise: ${problems} problems`);
    Deno.exit(problems === 0 ? 0 : 1);
  } else {
    const module = modules.has(arg) ? arg : [...modules].find(([, fns]) => fns.includes(arg))?.[0];
    if (module === undefined) {
      console.error(
        `exercise: no lib/ module or function named "${arg}". ` +
          "`deno task exercise` lists them all.",
      );
      Deno.exit(2);
    }
    const functions = modules.get(arg) ?? [arg];
    console.log(
      `exercise: ${
        functions.join(", ")
      } — tests/${module}_test.ts against tests/exercises/${module}.ts`,
    );
    for (const fn of functions) {
      const names = await caseNames(module, fn);
      console.log(`\nThe ${names.length} cases your ${fn} must pass:`);
      for (const name of names) console.log(`  ${name}`);
    }
    console.log("");
    const { ok } = await runTests(module, functions, "stub");
    console.log(
      ok ? "exercise: solved! Compare with lib/" + module + ".ts" : "exercise: not yet (see above)",
    );
    Deno.exit(ok ? 0 : 1);
  }
}
