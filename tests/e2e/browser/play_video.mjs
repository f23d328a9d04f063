// tests/e2e/browser/play_video.mjs — headless Chromium opens tinyhttps's page, plays the video,
// seeks to 20 s, and saves a screenshot. Uses Debian's /usr/bin/chromium (no browser download).
//   node tests/e2e/browser/play_video.mjs https://127.0.0.1:PORT/ SCREENSHOT.png
// Prints one JSON line with what it saw; exits 1 if the video did not play or seek.
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--ignore-certificate-errors", // our certificate is self-signed
    "--no-sandbox", // CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking", // no calls to Google's hosts on a closed network
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
  ],
});
const result = { ok: false };
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  const response = await page.goto(url, { waitUntil: "load" });
  result.pageStatus = response.status();
  const video = page.locator("#video");
  await video.evaluate((v) => {
    v.muted = true;
    return v.play();
  });
  // Playing: currentTime advances.
  await page.waitForFunction(() => document.querySelector("#video").currentTime > 1.5, null, {
    timeout: 15000,
  });
  result.playedTo = await video.evaluate((v) => v.currentTime);
  result.duration = await video.evaluate((v) => v.duration);
  // Seeking: jump to 20 s, then it plays on from there.
  await video.evaluate((v) => {
    v.currentTime = 20;
  });
  await page.waitForFunction(
    () => {
      const v = document.querySelector("#video");
      return !v.seeking && v.currentTime > 20.5;
    },
    null,
    { timeout: 15000 },
  );
  result.afterSeek = await video.evaluate((v) => v.currentTime);
  await video.evaluate((v) => v.pause());
  await page.screenshot({ path: screenshot, fullPage: false });
  result.ok = result.pageStatus === 200 && result.playedTo > 1.5 && result.afterSeek > 20.5;
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
