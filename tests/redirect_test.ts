// tests/redirect_test.ts — httpsLocation, redirectReply and bracketIPv6 (lib/redirect.ts).
import { assertEquals, assertStringIncludes } from "@std/assert";
import { bracketIPv6, httpsLocation, redirectReply } from "../lib/redirect.ts";
import { parseRequestHead, type RequestHead } from "../lib/request.ts";

const head = (target: string, host?: string, version = "1.1"): RequestHead => {
  const hostLine = host === undefined ? "" : `Host: ${host}\r\n`;
  const text = `GET ${target} HTTP/${version}\r\n${hostLine}\r\n`;
  const answer = parseRequestHead(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  if (answer.kind !== "head") throw new Error(answer.reason);
  return answer.head;
};

// The first row is the lab's check 1, exactly.
// deno-fmt-ignore
const rows: [rule: string, request: RequestHead, httpsPort: number, want: string][] = [
  ["the lab: same host and path, no port for 443",     head("/index.html", "10.0.0.1"),     443,  "https://10.0.0.1/index.html"],
  ["the port of Host is dropped",                      head("/a", "10.0.0.1:80"),           443,  "https://10.0.0.1/a"],
  ["a non-default HTTPS port is added",                head("/a", "localhost:8080"),        8443, "https://localhost:8443/a"],
  ["the query is kept",                                head("/a?b=1&c=%20", "h"),           443,  "https://h/a?b=1&c=%20"],
  ["an IPv6 Host keeps its brackets",                  head("/a", "[::1]:8080"),            8443, "https://[::1]:8443/a"],
  ["'//evil.example/x' stays a path on this host",     head("//evil.example/x", "h"),       443,  "https://h//evil.example/x"],
  ["absolute-form: its authority wins over Host",      head("http://a.example/p?q", "b"),   443,  "https://a.example/p?q"],
  ["absolute-form: a user name is dropped",            head("http://u@a.example/p", "b"),   443,  "https://a.example/p"],
  ["absolute-form: an invalid authority falls back to Host", head("http://li%/x", "h"),          443,  "https://h/x"],
  ["absolute-form: no path becomes '/'",               head("http://a.example", "b"),       443,  "https://a.example/"],
  ["asterisk-form goes to '/'",                        head("*", "h"),                      443,  "https://h/"],
  ["HTTP/1.0 without Host uses the local address",     head("/a", undefined, "1.0"),        443,  "https://10.0.0.1/a"],
  ["a percent-encoded Host uses the local address",    head("/a", "%41"),                   443,  "https://10.0.0.1/a"],
  ["characters outside a URI are percent-encoded",     head("/a\"<b>{}|^`", "h"),           443,  "https://h/a%22%3Cb%3E%7B%7D%7C%5E%60"],
];
for (const [rule, request, httpsPort, want] of rows) {
  Deno.test(`httpsLocation() ${rule} (${request.target})`, () => {
    assertEquals(httpsLocation(request, httpsPort, "10.0.0.1"), want);
  });
}

Deno.test("httpsLocation() brackets an IPv6 fallback address", () => {
  assertEquals(httpsLocation(head("/a", undefined, "1.0"), 443, "::1"), "https://[::1]/a");
});

// ── redirectReply ──
Deno.test("redirectReply() is 301 with Location (RFC 9110 §15.4.2) and a short page", () => {
  const reply = redirectReply(head("/index.html", "10.0.0.1"), 443, "10.0.0.1");
  assertEquals([reply.status, reply.close], [301, false]);
  assertEquals(reply.fields, [
    ["Location", "https://10.0.0.1/index.html"],
    ["Content-Type", "text/html; charset=UTF-8"],
  ]);
  const page = new TextDecoder().decode(reply.body[0] as Uint8Array);
  assertStringIncludes(page, "<title>301 Moved Permanently</title>");
  assertStringIncludes(page, "https://10.0.0.1/index.html");
});

Deno.test("redirectReply() an HTTP/1.0 request without Host goes to the bracketed local IPv6 address", () => {
  const reply = redirectReply(head("/a?b", undefined, "1.0"), 8443, "::1");
  assertEquals(reply.fields[0], ["Location", "https://[::1]:8443/a?b"]);
});

// ── bracketIPv6, RFC 3986 §3.2.2's examples first ──
// deno-fmt-ignore
const addresses: [rule: string, address: string, want: string][] = [
  ["an IPv6 literal is bracketed (RFC 3986's [2001:db8::7])", "2001:db8::7",      "[2001:db8::7]"],
  ["an IPv4 address stays as it is (RFC 3986's 192.0.2.16)",  "192.0.2.16",       "192.0.2.16"],
  ["the IPv6 loopback is bracketed",                          "::1",              "[::1]"],
  ["a link-local address is bracketed",                       "fe80::1",          "[fe80::1]"],
  ["an IPv4-mapped IPv6 address is bracketed",                "::ffff:10.0.0.1",  "[::ffff:10.0.0.1]"],
  ["a name stays as it is",                                   "localhost",        "localhost"],
];
for (const [rule, address, want] of addresses) {
  Deno.test(`bracketIPv6() ${rule} (${address})`, () => {
    assertEquals(bracketIPv6(address), want);
  });
}
