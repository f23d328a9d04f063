// tests/e2e/sheet_test.ts — the printed pages, in headless Chromium (tests/e2e/browser/): every
// static/sheet*.html (the student's sheet, and each translation of it) prints on one A4 page,
// with a screenshot in tests/e2e/artifacts/; and the index page shows curl lines for the host it
// was loaded from, not a made-up one. Skipped without chromium and node unless REQUIRE_CLIENTS=1
// (CI), like tests/e2e/clients_test.ts.

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { PROJECT, startServer } from "./helpers.ts";

const REQUIRED = Deno.env.get("REQUIRE_CLIENTS") === "1";
const ARTIFACTS = join(PROJECT, "tests/e2e/artifacts");
const have = (program: string) =>
  new Deno.Command("bash", { args: ["-c", `command -v ${program}`] }).outputSync().success;
const MISSING = ["chromium", "node"].filter((p) => !have(p));

/** Opens `path` on a fresh server in Chromium; what tests/e2e/browser/sheet.mjs saw. */
async function render(path: string, shot: string) {
  const modules = join(PROJECT, "tests/e2e/browser/node_modules/playwright-core");
  assert(
    await Deno.stat(modules).then(() => true, () => false),
    "run: npm ci --prefix tests/e2e/browser",
  );
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const server = await startServer(["--quiet"]);
  try {
    const url = `https://127.0.0.1:${server.httpsPort}${path}`;
    const out = await new Deno.Command("node", {
      args: ["tests/e2e/browser/sheet.mjs", url, join(ARTIFACTS, shot)],
      cwd: PROJECT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, text);
    return { ...JSON.parse(text.trim().split("\n").pop()!), port: server.httpsPort };
  } finally {
    await server.stop();
  }
}

const sheets = [...Deno.readDirSync(join(PROJECT, "static"))]
  .map((e) => e.name)
  .filter((name) => /^sheet(\.[\w-]+)?\.html$/.test(name))
  .sort();

Deno.test("static/ holds the student's sheet (sheet.html)", () => {
  assert(sheets.includes("sheet.html"), sheets.join(", "));
});

for (const name of sheets) {
  Deno.test({
    name: `static/${name} prints on one A4 page, and a screenshot is saved`,
    ignore: MISSING.length > 0 && !REQUIRED,
    async fn() {
      assertEquals(MISSING, [], `missing programs (CI installs them in .ci/run): ${MISSING}`);
      const shot = name.replace(/\.html$/, ".png");
      const seen = await render(`/${name}`, shot);
      assertEquals(seen.status, 200);
      assertEquals(seen.pages, 1, `printed on ${seen.pages} A4 pages (${seen.heightPx} px)`);
      console.log(`${name}: 1 page, ${seen.heightPx} px high; tests/e2e/artifacts/${shot}`);
    },
  });
}

Deno.test({
  name: "static/index.html shows curl lines and the VLC address for the host it was loaded from",
  ignore: MISSING.length > 0 && !REQUIRED,
  async fn() {
    assertEquals(MISSING, [], `missing programs (CI installs them in .ci/run): ${MISSING}`);
    const seen = await render("/", "index.png");
    const https = `https://127.0.0.1:${seen.port}`;
    assertStringIncludes(seen.curl, `curl -vk https://127.0.0.1:${seen.port}/index.html`);
    assert(!seen.curl.includes("10.0.0.1"), seen.curl); // before: always h1's address
    assertEquals(seen.vlc, `${https}/video.mp4`);
  },
});
