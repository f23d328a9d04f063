// tests/cgi_test.ts — cgiEnvironment, parseCgiOutput, splitCgiPath and cgiReply (lib/cgi.ts).
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  type CgiAnswer,
  cgiEnvironment,
  cgiReply,
  type CgiRequest,
  parseCgiOutput,
  splitCgiPath,
} from "../lib/cgi.ts";
import { parseRequestHead } from "../lib/request.ts";

const request = (text: string, extra: Partial<CgiRequest> = {}): CgiRequest => {
  const answer = parseRequestHead(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  if (answer.kind !== "head") throw new Error(answer.reason);
  return {
    head: answer.head,
    scriptName: "/cgi-bin/hello.sh",
    pathInfo: "",
    query: "",
    scriptFilename: "/srv/www/cgi-bin/hello.sh",
    documentRoot: "/srv/www",
    remoteAddr: "10.0.0.2",
    serverName: "10.0.0.1",
    serverPort: 443,
    https: true,
    contentLength: 0,
    ...extra,
  };
};

Deno.test("cgiEnvironment() sets the RFC 3875 §4.1 meta-variables", () => {
  const env = cgiEnvironment(
    request("GET /cgi-bin/hello.sh/a/b?x=1&y=2 HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n", {
      pathInfo: "/a/b",
      query: "x=1&y=2",
    }),
  );
  assertEquals(
    [env.GATEWAY_INTERFACE, env.REQUEST_METHOD, env.QUERY_STRING, env.PATH_INFO, env.SCRIPT_NAME],
    ["CGI/1.1", "GET", "x=1&y=2", "/a/b", "/cgi-bin/hello.sh"],
  );
  assertEquals([env.SERVER_PROTOCOL, env.REMOTE_ADDR, env.SERVER_PORT, env.HTTPS], [
    "HTTP/1.1",
    "10.0.0.2",
    "443",
    "on",
  ]);
  assertEquals(env.PATH_TRANSLATED, "/srv/www/a/b");
});

Deno.test("cgiEnvironment() passes headers as HTTP_*, and a body's length and type", () => {
  const env = cgiEnvironment(request(
    "POST /cgi-bin/hello.sh HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\nX-Custom-Thing: 1\r\n" +
      "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n",
    { contentLength: 5 },
  ));
  assertEquals([env.HTTP_USER_AGENT, env.HTTP_X_CUSTOM_THING, env.HTTP_HOST], ["curl/8", "1", "a"]);
  assertEquals([env.CONTENT_LENGTH, env.CONTENT_TYPE, env.HTTP_CONTENT_LENGTH], [
    "5",
    "text/plain",
    undefined,
  ]);
});

Deno.test("cgiEnvironment() never sets HTTP_PROXY from a Proxy header (httpoxy, CVE-2016-5385)", () => {
  const env = cgiEnvironment(
    request(
      "GET /cgi-bin/x HTTP/1.1\r\nHost: a\r\nProxy: http://evil:8080\r\nAuthorization: Basic eA==\r\n\r\n",
    ),
  );
  assertEquals([env.HTTP_PROXY, env.HTTP_AUTHORIZATION], [undefined, undefined]);
});

Deno.test("parseCgiOutput() a header line that is not UTF-8 is an error, not a U+FFFD", () => {
  const output = Uint8Array.from([
    ...new TextEncoder().encode("Content-Type: text/plain\nX: "),
    0xe9,
    10,
    10,
  ]);
  assertEquals(parseCgiOutput(output), {
    kind: "error",
    reason: "a header line that is not UTF-8",
  });
});

Deno.test("cgiEnvironment() drops header names with '_', which could overwrite another's HTTP_ variable", () => {
  const env = cgiEnvironment(
    request(
      "GET /cgi-bin/x HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nX_Forwarded_For: 6.6.6.6\r\n" +
        "Content_Length: 99\r\nHTTP_HOST: evil\r\n\r\n",
    ),
  );
  assertEquals([env.HTTP_X_FORWARDED_FOR, env.HTTP_CONTENT_LENGTH, env.HTTP_HTTP_HOST], [
    "1.1.1.1",
    undefined,
    undefined,
  ]);
  assertEquals(env.HTTP_HOST, "a");
});

const out = (text: string) => parseCgiOutput(new TextEncoder().encode(text));
// deno-fmt-ignore
const outputs: [rule: string, text: string, want: CgiAnswer][] = [
  ["a document response is 200 (RFC 3875 §6.2.1)", "Content-Type: text/plain\n\nhello",
    { kind: "response", status: 200, fields: [["Content-Type", "text/plain"]], bodyStart: 26 }],
  ["CRLF line ends work too", "Content-Type: text/plain\r\n\r\nhello",
    { kind: "response", status: 200, fields: [["Content-Type", "text/plain"]], bodyStart: 28 }],
  ["Status sets the status (§6.3.3)", "Status: 404 Not Found\nContent-Type: text/html\n\n",
    { kind: "response", status: 404, fields: [["Content-Type", "text/html"]], bodyStart: 47 }],
  ["Location alone is a 302 redirect (§6.2.3)", "Location: https://example.com/\n\n",
    { kind: "response", status: 302, fields: [["Location", "https://example.com/"]], bodyStart: 32 }],
  ["Content-Length from the program is the server's to set", "Content-Type: text/plain\nContent-Length: 999\n\nx",
    { kind: "response", status: 200, fields: [["Content-Type", "text/plain"]], bodyStart: 46 }],
  ["no Content-Type and no Location is an error (§6.3.1)", "X-Thing: 1\n\nbody",
    { kind: "error", reason: "no Content-Type and no Location" }],
  ["no empty line is an error", "Content-Type: text/plain\nhello",
    { kind: "error", reason: "no empty line after the CGI header block" }],
  ["a line that is not a header is an error", "hello world\n\n",
    { kind: "error", reason: 'not a header line: "hello world"' }],
  ["a bad Status is an error", "Status: ok\nContent-Type: text/plain\n\n",
    { kind: "error", reason: "a bad Status: ok" }],
  ["a header value in UTF-8 is kept", "Content-Type: text/plain\nX-Name: caf\u00e9\n\n",
    { kind: "response", status: 200, fields: [["Content-Type", "text/plain"], ["X-Name", "caf\u00e9"]], bodyStart: 40 }],
];
for (const [rule, text, want] of outputs) {
  Deno.test(`parseCgiOutput() ${rule}`, () => {
    assertEquals(out(text), want);
  });
}

// deno-fmt-ignore
const paths: [path: string, want: ReturnType<typeof splitCgiPath>][] = [
  ["cgi-bin/hello.sh",         { script: "hello.sh", pathInfo: "" }],
  ["cgi-bin/hello.sh/a/b",     { script: "hello.sh", pathInfo: "/a/b" }],
  ["cgi-bin",                  undefined],
  ["index.html",               undefined],
  ["dir/cgi-bin/hello.sh",     undefined],
];
for (const [path, want] of paths) {
  Deno.test(`splitCgiPath() only cgi-bin/NAME names a program, the rest is PATH_INFO (${path})`, () => {
    assertEquals(splitCgiPath(path), want);
  });
}

// ── cgiReply ──
const HTML = "text/html; charset=UTF-8";
const replyTo = (text: string) => {
  const output = new TextEncoder().encode(text);
  return cgiReply(parseCgiOutput(output), output);
};
const pageOf = (reply: ReturnType<typeof cgiReply>) =>
  new TextDecoder().decode(reply.body[0] as Uint8Array);

Deno.test("cgiReply() a normal response: the program's status, fields, and the rest as the body", () => {
  assertEquals(replyTo("Content-Type: text/plain\n\nhello\n"), {
    status: 200,
    fields: [["Content-Type", "text/plain"]],
    body: [new TextEncoder().encode("hello\n")],
    close: false,
  });
});

Deno.test("cgiReply() keeps the Status the program chose (RFC 3875 §6.3.3)", () => {
  const reply = replyTo("Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno");
  assertEquals([reply.status, reply.close], [404, false]);
  assertEquals(reply.fields, [["Content-Type", "text/plain"]]);
});

Deno.test("cgiReply() Location alone is a 302 with an empty body (RFC 3875 §6.2.3)", () => {
  const reply = replyTo("Location: https://example.com/\n\n");
  assertEquals([reply.status, reply.body], [302, [new Uint8Array()]]);
  assertEquals(reply.fields, [["Location", "https://example.com/"]]);
});

Deno.test("cgiReply() output that does not parse is a 500, the connection closed, the reason not shown", () => {
  const reply = replyTo("X-Thing: 1\n\nbody");
  assertEquals([reply.status, reply.fields, reply.close], [500, [["Content-Type", HTML]], true]);
  assertStringIncludes(pageOf(reply), "<title>500 Internal Server Error</title>");
  assert(!pageOf(reply).includes("no Content-Type and no Location"), pageOf(reply));
});

// RFC 9110 §15.2: a 1xx is interim, never the final answer; §15.6.3: 502, "an invalid response".
// deno-fmt-ignore
const interims: [status: string][] = [["100 Continue"], ["103 Early Hints"], ["199 Whatever"]];
for (const [status] of interims) {
  Deno.test(`cgiReply() a program that ends on a 1xx status is a 502, the connection closed (${status})`, () => {
    const reply = replyTo(`Status: ${status}\nContent-Type: text/plain\n\nbody`);
    assertEquals([reply.status, reply.fields, reply.close], [502, [["Content-Type", HTML]], true]);
    assertStringIncludes(pageOf(reply), "<title>502 Bad Gateway</title>");
  });
}
