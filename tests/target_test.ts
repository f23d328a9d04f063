// tests/target_test.ts — resolveTarget, directoryLocation and isInsideRoot (lib/target.ts).
import { assertEquals } from "@std/assert";
import {
  directoryLocation,
  isInsideRoot,
  resolveTarget,
  type TargetAnswer,
} from "../lib/target.ts";

const path = (p: string, directory = false, query = ""): TargetAnswer => ({
  kind: "path",
  path: p,
  directory,
  query,
});
const status = (answer: TargetAnswer) => answer.kind === "error" ? answer.status : answer.path;

// deno-fmt-ignore
const rows: [rule: string, target: string, want: TargetAnswer][] = [
  ["a file in the root",                               "/index.html",             path("index.html")],
  ["the root is a directory",                          "/",                       path("", true)],
  ["a trailing slash marks a directory",               "/dir/",                   path("dir", true)],
  ["the query is split off before decoding",           "/a.txt?x=%2F&y=1",        path("a.txt", false, "?x=%2F&y=1")],
  ["an encoded '?' is part of the name",               "/what%3F.txt",            path("what?.txt")],
  ["percent-escapes decode once, as UTF-8",            "/caf%C3%A9%20au%20lait",  path("café au lait")],
  ["a double-encoded dot stays the name '%2e'",        "/%252e%252e/x",           path("%2e%2e/x")],
  ["'.' segments are removed",                         "/./dir/./a",              path("dir/a")],
  ["'..' inside the root is resolved",                 "/dir/../index.html",      path("index.html")],
  ["'..' at the end names a directory",                "/dir/..",                 path("", true)],
  ["empty segments collapse",                          "//dir///a",               path("dir/a")],
  ["absolute-form is accepted (RFC 9112 §3.2.2)",      "http://10.0.0.1/dir/a?q", path("dir/a", false, "?q")],
  ["absolute-form without a path is the root",         "https://example.com",     path("", true)],
  ["dotfiles are served when asked",                   "/.well-known/x",          path(".well-known/x")],
];
for (const [rule, target, want] of rows) {
  Deno.test(`resolveTarget() ${rule} (${target})`, () => {
    assertEquals(resolveTarget(target, true), want);
  });
}

// deno-fmt-ignore
const refusals: [rule: string, target: string, want: number][] = [
  ["'..' above the root is refused",                     "/../etc/passwd",        400],
  ["'..' above the root after going down is refused",    "/dir/../../etc/passwd", 400],
  ["'%2e%2e' is '..' (RFC 3986 §6.2.2.2) and refused",   "/%2e%2e/etc/passwd",    400],
  ["mixed '.%2E' is '..' and refused",                   "/.%2E/etc/passwd",      400],
  ["an encoded slash is refused: '..%2f'",               "/..%2fetc/passwd",      400],
  ["an encoded backslash is refused",                    "/..%5cetc",             400],
  ["a raw backslash is refused",                         "/..\\etc",              400],
  ["an encoded NUL is refused",                          "/index.html%00.txt",    400],
  ["a malformed escape is refused",                      "/%zz",                  400],
  ["a lone '%' is refused",                              "/100%",                 400],
  ["an escape that is not UTF-8 is refused",             "/%C3",                  400],
  ["the asterisk-form names no file",                    "*",                     400],
  ["the authority-form names no file",                   "example.com:443",       400],
  ["a relative path is refused",                         "index.html",            400],
  ["a scheme other than http(s) is refused",             "file:///etc/passwd",    400],
];
for (const [rule, target, want] of refusals) {
  Deno.test(`resolveTarget() ${rule} (${target})`, () => {
    assertEquals(status(resolveTarget(target)), want);
  });
}

// deno-fmt-ignore
const hidden: string[] = ["/.git/config", "/.env", "/dir/.secret", "/%2egit/config"];
for (const target of hidden) {
  Deno.test(`resolveTarget() hides names starting with '.' unless asked (${target})`, () => {
    assertEquals(status(resolveTarget(target)), 404);
    assertEquals(resolveTarget(target, true).kind, "path");
  });
}

// deno-fmt-ignore
const locations: [path: string, query: string, want: string][] = [
  ["dir",        "",       "/dir/"],
  ["a/b",        "?x=1",   "/a/b/?x=1"],
  ["my dir",     "",       "/my%20dir/"],
  ["evil.example", "",     "/evil.example/"],
];
for (const [p, query, want] of locations) {
  Deno.test(`directoryLocation() adds the slash, keeps the query, starts with one '/' (${want})`, () => {
    assertEquals(directoryLocation(p, query), want);
  });
}

Deno.test("directoryLocation() of a path from '//evil.example' never starts with '//'", () => {
  const answer = resolveTarget("//evil.example");
  if (answer.kind !== "path") throw new Error("expected a path");
  assertEquals(directoryLocation(answer.path, answer.query), "/evil.example/");
});

// deno-fmt-ignore
const insides: [real: string, root: string, want: boolean][] = [
  ["/srv/www/index.html", "/srv/www",  true],
  ["/srv/www",            "/srv/www",  true],
  ["/srv/www/a",          "/srv/www/", true],
  ["/etc/passwd",         "/srv/www",  false],
  ["/srv/www-old/x",      "/srv/www",  false],
];
for (const [real, root, want] of insides) {
  Deno.test(`isInsideRoot() only paths under the root, not siblings sharing its prefix (${real})`, () => {
    assertEquals(isInsideRoot(real, root), want);
  });
}
