// tests/listing_test.ts — directoryListing (lib/listing.ts).
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { directoryListing, type DirEntry } from "../lib/listing.ts";

const file = (name: string, size = 10): DirEntry => ({
  name,
  isDirectory: false,
  size,
  mtimeMs: 784111777_000,
});
const dir = (name: string): DirEntry => ({
  name,
  isDirectory: true,
  size: 4096,
  mtimeMs: 784111777_000,
});
const names = (html: string) =>
  [...html.matchAll(/<a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);

Deno.test("directoryListing() lists folders first, then files, in natural name order", () => {
  const html = directoryListing("/d/", [
    file("b10.txt"),
    file("B2.txt"),
    dir("zeta"),
    file("a.txt"),
    dir("alpha"),
  ]);
  assertEquals(names(html), ["../", "alpha/", "zeta/", "a.txt", "B2.txt", "b10.txt"]);
});

Deno.test("directoryListing() escapes names, so a file called <script>…</script>.html cannot run", () => {
  const html = directoryListing("/", [file("<script>alert(1)</script>.html")]);
  assert(!html.includes("<script>"), html);
  assertStringIncludes(html, "&#60;script&#62;alert(1)&#60;/script&#62;.html");
  assertStringIncludes(html, 'href="%3Cscript%3Ealert(1)%3C%2Fscript%3E.html"');
});

Deno.test("directoryListing() percent-encodes links: spaces, '#', '?' and quotes", () => {
  const html = directoryListing("/", [file('a b#c?d".txt')]);
  assertStringIncludes(html, 'href="a%20b%23c%3Fd%22.txt"');
});

Deno.test("directoryListing() hides dotfiles unless asked", () => {
  assertEquals(names(directoryListing("/", [file(".env"), file("a")])), ["a"]);
  assertEquals(names(directoryListing("/", [file(".env"), file("a")], true)), [".env", "a"]);
});

Deno.test("directoryListing() shows sizes in binary units and dates as HTTP-dates", () => {
  const html = directoryListing("/", [
    file("small", 900),
    file("mid", 1536),
    file("big", 5 * 1024 ** 3),
  ]);
  assertStringIncludes(html, "<td>900 B</td>");
  assertStringIncludes(html, "<td>1.5 KiB</td>");
  assertStringIncludes(html, "<td>5.0 GiB</td>");
  assertStringIncludes(html, "Sun, 06 Nov 1994 08:49:37 GMT");
});

Deno.test("directoryListing() links to the parent, except at the root", () => {
  assertEquals(names(directoryListing("/", [])), []);
  assertEquals(names(directoryListing("/a/b/", [])), ["../"]);
});
