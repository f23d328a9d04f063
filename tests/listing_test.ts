// tests/listing_test.ts — directoryListing and listingReply (lib/listing.ts).
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { directoryListing, type DirEntry, listingReply } from "../lib/listing.ts";

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

Deno.test("listingReply() is a 200 with the listing page as HTML, the connection kept", () => {
  const entries = [dir("alpha"), file("a.txt")];
  assertEquals(listingReply("/d/", entries), {
    status: 200,
    fields: [["Content-Type", "text/html; charset=UTF-8"]],
    body: [new TextEncoder().encode(directoryListing("/d/", entries))],
    close: false,
  });
});

Deno.test("listingReply() encodes the page in UTF-8, the charset its Content-Type names", () => {
  const page = listingReply("/", [file("é.txt")]).body[0] as Uint8Array;
  const text = String.fromCharCode(...page); // one character per byte
  assertStringIncludes(text, ">\xc3\xa9.txt</a>"); // "é" is C3 A9 in UTF-8
});

Deno.test("listingReply() shows dotfiles only when asked", () => {
  const page = (dotfiles: boolean) =>
    new TextDecoder().decode(listingReply("/", [file(".env")], dotfiles).body[0] as Uint8Array);
  assertEquals([names(page(false)), names(page(true))], [[], [".env"]]);
});
