// tests/redirect_test.ts — httpsLocation (lib/redirect.ts).
import { assertEquals } from "@std/assert";
import { httpsLocation } from "../lib/redirect.ts";
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
  ["an empty Host uses the local address",             head("/a", ""),                      443,  "https://10.0.0.1/a"],
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
