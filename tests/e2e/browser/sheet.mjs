// tests/e2e/browser/sheet.mjs — headless Chromium prints a page of tinyhttps to PDF, A4, as a
// student's browser would, and saves a screenshot of it. Uses Debian's /usr/bin/chromium.
//   node tests/e2e/browser/sheet.mjs https://127.0.0.1:PORT/sheet.html SCREENSHOT.png
// Prints one JSON line: the number of A4 pages, the height of the page as printed, and for the
// index page (`/`), the curl lines it shows. Exits 1 if Chromium failed.
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--ignore-certificate-errors", // our certificate is self-signed
    "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking", // no calls to Google's hosts on a closed network
    "--disable-component-update",
    "--disable-sync",
  ],
});
const result = { ok: false };
try {
  // 210 mm at 96 px per inch, the width of A4 paper.
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  const response = await page.goto(url, { waitUntil: "load" });
  result.status = response.status();
  await page.emulateMedia({ media: "print" });
  result.heightPx = await page.evaluate(() => document.documentElement.scrollHeight);
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true, printBackground: true });
  // Each page of a PDF is one object of type /Page (the page tree is /Pages).
  result.pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  result.curl = await page.evaluate(() => document.getElementById("curl")?.textContent ?? null);
  result.vlc = await page.evaluate(() => document.querySelector("code.here")?.textContent ?? null);
  await page.screenshot({ path: screenshot, fullPage: true });
  result.ok = true;
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
