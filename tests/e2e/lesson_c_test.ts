// tests/e2e/lesson_c_test.ts — the C of LESSON.md ("From tinyhttps to your C server") is real C:
// every ```c block compiles with gcc -Wall -Wextra -Werror against OpenSSL and pthreads; a block
// with a main() is linked and run, and what it prints must equal the ```text block under it; and
// a program that ignores SIGPIPE must, without that line, be killed by SIGPIPE (the pitfall the
// line fixes). Skipped without gcc and OpenSSL's headers (apt-get install gcc libssl-dev) unless
// CI=1 or REQUIRE_CLIENTS=1, where .ci/run installs them.

import { assert, assertEquals } from "@std/assert";
import { join } from "@std/path";
import { PROJECT } from "./helpers.ts";

const REQUIRED = Deno.env.get("CI") !== undefined || Deno.env.get("REQUIRE_CLIENTS") === "1";
const HAVE_GCC = new Deno.Command("bash", {
  args: ["-c", "command -v gcc && test -f /usr/include/openssl/ssl.h"],
  stdout: "null",
}).outputSync().success;
const FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1"];
const LIBS = ["-lssl", "-lcrypto", "-lpthread"];

/** The ```c blocks of LESSON.md, each with the ```text block right after it, if any. */
function cBlocks(): { code: string; output?: string; line: number }[] {
  const lesson = Deno.readTextFileSync(join(PROJECT, "LESSON.md"));
  const blocks = [];
  const fence = /```c\n([\s\S]*?)```\n(?:\n```text\n([\s\S]*?)```)?/g;
  for (const m of lesson.matchAll(fence)) {
    blocks.push({ code: m[1], output: m[2], line: lesson.slice(0, m.index).split("\n").length });
  }
  return blocks;
}

async function gcc(args: string[]) {
  const out = await new Deno.Command("gcc", { args, stdout: "piped", stderr: "piped" }).output();
  return { ok: out.success, text: new TextDecoder().decode(out.stderr) };
}

Deno.test("LESSON.md holds C to check: a program with main() and its output, and helpers", () => {
  const blocks = cBlocks();
  assert(blocks.some((b) => b.code.includes("int main(") && b.output !== undefined));
  assert(blocks.some((b) => !b.code.includes("int main(")));
});

for (const block of cBlocks()) {
  const isProgram = block.code.includes("int main(");
  Deno.test({
    name: `LESSON.md's C at line ${block.line} ${
      isProgram ? "compiles, runs, prints" : "compiles"
    }`,
    ignore: !HAVE_GCC && !REQUIRED,
    async fn() {
      assert(HAVE_GCC, "gcc and OpenSSL's headers are missing (apt-get install gcc libssl-dev)");
      const dir = await Deno.makeTempDir({ prefix: "tinyhttps-c-" });
      try {
        const source = join(dir, "lesson.c"), program = join(dir, "lesson");
        await Deno.writeTextFile(source, block.code);
        if (!isProgram) {
          const built = await gcc([...FLAGS, "-c", source, "-o", join(dir, "lesson.o")]);
          assert(built.ok, built.text);
          return;
        }
        const built = await gcc([...FLAGS, source, "-o", program, ...LIBS]);
        assert(built.ok, built.text);
        const ran = await new Deno.Command(program, { stdout: "piped" }).output();
        assertEquals(new TextDecoder().decode(ran.stdout), block.output ?? "");
        if (!block.code.includes("signal(SIGPIPE, SIG_IGN)")) return;
        // The fault the line guards against: the same program without it dies of SIGPIPE.
        const without = block.code.replace(/^.*signal\(SIGPIPE, SIG_IGN\).*$/m, "");
        await Deno.writeTextFile(source, without);
        const rebuilt = await gcc([...FLAGS, source, "-o", program, ...LIBS]);
        assert(rebuilt.ok, rebuilt.text);
        const died = await new Deno.Command(program, { stdout: "piped" }).output();
        assertEquals(died.signal, "SIGPIPE", `exit ${died.code}, signal ${died.signal}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
