// tests/request_test.ts — the request-head functions of lib/request.ts.
import { assertEquals } from "@std/assert";
import {
  classifyMethod,
  fieldValue,
  findHeadEnd,
  type HeadAnswer,
  headTooLargeStatus,
  httpError,
  keepAlive,
  leadingEmptyLines,
  looksLikeTlsHello,
  MAX_FIELD_COUNT,
  MAX_TARGET_LENGTH,
  parseRequestHead,
  requestBodyFraming,
  type RequestHead,
} from "../lib/request.ts";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const parse = (text: string): HeadAnswer => parseRequestHead(bytes(text));
const head = (text: string): RequestHead => {
  const answer = parse(text);
  if (answer.kind !== "head") {
    throw new Error(`expected a head, got ${answer.status}: ${answer.reason}`);
  }
  return answer.head;
};
const status = (text: string) => {
  const answer = parse(text);
  return answer.kind === "head" ? 0 : answer.status;
};

// ── httpError ──
Deno.test("httpError() is an error answer: a status and the sentence saying why (RFC 9110 §15.5)", () => {
  assertEquals(httpError(400, "the request is empty"), {
    kind: "error",
    status: 400,
    reason: "the request is empty",
  });
  assertEquals("requestLine" in httpError(431, "x"), false);
});

Deno.test("httpError() answers of parseRequestHead carry the request line when one was read", () => {
  const answer = parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n");
  assertEquals(
    answer.kind === "error" ? [answer.status, answer.requestLine] : answer.kind,
    [505, "GET / HTTP/2.0"],
  );
  const empty = parse("\r\n\r\n");
  assertEquals(empty.kind === "error" ? [empty.status, empty.requestLine] : empty.kind, [
    400,
    undefined,
  ]);
});

// ── leadingEmptyLines ──
// deno-fmt-ignore
const blanks: [rule: string, text: string, want: number][] = [
  ["a CRLF left after a POST body (RFC 9112 §2.2)", "\r\nGET / HTTP/1.1\r\n", 2],
  ["several, bare LFs too",                          "\r\n\n\r\nGET /",           5],
  ["none before a request line",                     "GET / HTTP/1.1\r\n",       0],
  ["only empty lines so far: all of them",           "\r\n\r\n",                  4],
];
for (const [rule, text, want] of blanks) {
  Deno.test(`leadingEmptyLines() ${rule} (${JSON.stringify(text)})`, () => {
    const b = bytes(text);
    assertEquals(leadingEmptyLines(b, b.length), want);
  });
}

// ── looksLikeTlsHello ──
// deno-fmt-ignore
const hellos: [rule: string, bytes: number[], want: boolean][] = [
  ["a TLS 1.2/1.3 ClientHello record (RFC 8446 §5.1)", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01], true],
  ["its first byte alone is enough",                   [0x16],                               true],
  ["0x16 then not 3 is no TLS record",                 [0x16, 0x47],                         false],
  ["an HTTP request line",                             [...new TextEncoder().encode("GET / HTTP/1.1")], false],
  ["nothing yet",                                      [],                                   false],
];
for (const [rule, list, want] of hellos) {
  Deno.test(`looksLikeTlsHello() ${rule}`, () => {
    assertEquals(looksLikeTlsHello(new Uint8Array(list), list.length), want);
  });
}

// ── findHeadEnd ──
// deno-fmt-ignore
const ends: [rule: string, text: string, want: number][] = [
  ["CRLF CRLF ends a head",                   "GET / HTTP/1.1\r\nHost: a\r\n\r\n",       27],
  ["bytes after the empty line stay outside", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /", 27],
  ["a bare LF LF ends a head (RFC 9112 §2.2)", "GET / HTTP/1.1\nHost: a\n\n",            24],
  ["LF CRLF ends a head",                     "GET / HTTP/1.1\nHost: a\n\r\n",           25],
  ["no empty line yet: incomplete",           "GET / HTTP/1.1\r\nHost: a\r\n",           -1],
  ["half of the CRLF CRLF: incomplete",       "GET / HTTP/1.1\r\nHost: a\r\n\r",         -1],
  ["empty lines before the request line end nothing (RFC 9112 §2.2)", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 31],
  ["only empty lines so far: incomplete",     "\r\n\r\n\n",                                -1],
];
for (const [rule, text, want] of ends) {
  Deno.test(`findHeadEnd() ${rule} (${JSON.stringify(text)})`, () => {
    const b = bytes(text);
    assertEquals(findHeadEnd(b, 0, b.length), want);
  });
}

Deno.test("findHeadEnd() finds an empty line split across two reads", () => {
  const b = new Uint8Array(64);
  const first = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r");
  b.set(first);
  assertEquals(findHeadEnd(b, 0, first.length), -1);
  b.set(bytes("\n"), first.length);
  assertEquals(findHeadEnd(b, first.length - 2, first.length + 1), first.length + 1);
});

Deno.test("headTooLargeStatus() is 414 while the request line has not ended, else 431", () => {
  const longLine = bytes("GET /" + "a".repeat(100));
  assertEquals(headTooLargeStatus(longLine, longLine.length), 414);
  const manyFields = bytes("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(20));
  assertEquals(headTooLargeStatus(manyFields, manyFields.length), 431);
});

// ── parseRequestHead ──
Deno.test("parseRequestHead() reads RFC 9112 §3's example request line and its fields", () => {
  const h = head(
    "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\n" +
      "Accept-Language: en, mi\r\n\r\n",
  );
  assertEquals([h.method, h.target, h.minorVersion], ["GET", "/hello.txt", 1]);
  assertEquals(h.requestLine, "GET /hello.txt HTTP/1.1");
  assertEquals(fieldValue(h, "host"), "www.example.com");
  assertEquals(fieldValue(h, "accept-language"), "en, mi");
});

Deno.test("parseRequestHead() field names are case-insensitive, values trimmed of OWS", () => {
  const h = head("GET / HTTP/1.1\r\nHOST: a\r\nX-Thing: \t spaced out \t\r\n\r\n");
  assertEquals(fieldValue(h, "host"), "a");
  assertEquals(fieldValue(h, "x-thing"), "spaced out");
});

Deno.test("parseRequestHead() keeps repeated fields in order", () => {
  const h = head("GET / HTTP/1.1\r\nHost: a\r\nAccept: a\r\nAccept: b\r\n\r\n");
  assertEquals(h.fields.get("accept"), ["a", "b"]);
});

// ── fieldValue ──
Deno.test("fieldValue() joins repeated field lines with ', ' (RFC 9110 §5.3)", () => {
  const h = head("GET / HTTP/1.1\r\nHost: a\r\nAccept: a\r\naccept: b\r\n\r\n");
  assertEquals(fieldValue(h, "accept"), "a, b");
});

Deno.test("fieldValue() is undefined for a field that was not sent", () => {
  assertEquals(fieldValue(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "range"), undefined);
});

Deno.test("parseRequestHead() ignores empty lines before the request line (RFC 9112 §2.2)", () => {
  assertEquals(head("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").method, "GET");
});

Deno.test("parseRequestHead() accepts HTTP/1.0 without Host", () => {
  assertEquals(head("GET / HTTP/1.0\r\n\r\n").minorVersion, 0);
});

Deno.test("parseRequestHead() keeps obs-text bytes (0x80-0xFF) in values as they are", () => {
  assertEquals(
    fieldValue(head("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xe9\x80\r\n\r\n"), "x"),
    "caf\xe9\x80",
  );
});

Deno.test("parseRequestHead() trims only SP and HTAB around values, not 0xA0 (obs-text)", () => {
  assertEquals(
    fieldValue(head("GET / HTTP/1.1\r\nHost: a\r\nX: \t\xa0v\xa0 \r\n\r\n"), "x"),
    "\xa0v\xa0",
  );
});

Deno.test("parseRequestHead() treats HTTP/1.2 as 1.1 (RFC 9112 §2.3: higher minor versions)", () => {
  assertEquals(head("GET / HTTP/1.2\r\nHost: a\r\n\r\n").minorVersion, 2);
});

// deno-fmt-ignore
const refusals: [rule: string, text: string, want: number][] = [
  ["a request line without a version is refused",           "GET /\r\n\r\n",                                    400],
  ["two spaces in the request line are refused",            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",               400],
  ["a tab in the request line is refused",                  "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",               400],
  ["a method that is not a token is refused",               "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",                400],
  ["a lower-case HTTP-name is refused (case-sensitive)",    "GET / http/1.1\r\nHost: a\r\n\r\n",                400],
  ["a two-digit minor version is refused",                  "GET / HTTP/1.10\r\nHost: a\r\n\r\n",               400],
  ["HTTP/2.0 in a 1.1 request line gets 505",               "GET / HTTP/2.0\r\nHost: a\r\n\r\n",                505],
  ["HTTP/0.9 written as a version gets 505",                "GET / HTTP/0.9\r\nHost: a\r\n\r\n",                505],
  ["HTTP/1.1 without Host is refused",                      "GET / HTTP/1.1\r\n\r\n",                           400],
  ["two Host lines are refused",                            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",     400],
  ["a Host with a slash is refused",                        "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",              400],
  ["a Host with a user name is refused",                    "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",              400],
  ["a Host with a space is refused",                        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",              400],
  ["an empty Host is refused (RFC 9112 §3.3 allows it)",    "GET / HTTP/1.1\r\nHost: \r\n\r\n",                 400],
  ["a Host that is only a port is refused",                 "GET / HTTP/1.1\r\nHost: :80\r\n\r\n",              400],
  ["a fragment is not part of origin-form (RFC 9112 §3.2)", "GET /index.html#top HTTP/1.1\r\nHost: a\r\n\r\n",  400],
  ["a fragment is not part of absolute-form either",        "GET http://a/x#y HTTP/1.1\r\nHost: a\r\n\r\n",     400],
  ["whitespace before the colon is refused (RFC 9112 §5.1)", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",             400],
  ["a field line without a colon is refused",               "GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n",        400],
  ["obs-fold is refused (RFC 9112 §5.2)",                   "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n",  400],
  ["a bare CR is refused (RFC 9112 §2.2)",                  "GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n",          400],
  ["NUL in a value is refused (RFC 9110 §5.5)",             "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n",     400],
  ["a control byte in the target is refused",               "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n",           400],
  ["a non-ASCII byte in the target is refused",             "GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n",         400],
  ["an empty head is refused",                              "\r\n\r\n",                                         400],
];
for (const [rule, text, want] of refusals) {
  Deno.test(`parseRequestHead() ${rule} (${JSON.stringify(text)})`, () => {
    assertEquals(status(text), want);
  });
}

Deno.test(`parseRequestHead() a target longer than MAX_TARGET_LENGTH (${MAX_TARGET_LENGTH}) gets 414`, () => {
  const long = "/" + "a".repeat(MAX_TARGET_LENGTH);
  assertEquals(status(`GET ${long} HTTP/1.1\r\nHost: a\r\n\r\n`), 414);
  assertEquals(status(`GET ${long.slice(1)} HTTP/1.1\r\nHost: a\r\n\r\n`), 0);
});

Deno.test(`parseRequestHead() more than MAX_FIELD_COUNT (${MAX_FIELD_COUNT}) fields get 431`, () => {
  const fields = (n: number) => "X: y\r\n".repeat(n);
  assertEquals(status(`GET / HTTP/1.1\r\nHost: a\r\n${fields(MAX_FIELD_COUNT)}\r\n`), 431);
  assertEquals(status(`GET / HTTP/1.1\r\nHost: a\r\n${fields(MAX_FIELD_COUNT - 1)}\r\n`), 0);
});

Deno.test("parseRequestHead() valid Host forms: name, IPv4, IPv6 literal, with and without port", () => {
  for (const host of ["example.com", "10.0.0.1", "10.0.0.1:80", "[::1]", "[::1]:8443", "a:"]) {
    assertEquals(status(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`), 0, host);
  }
});

// ── classifyMethod ──
// deno-fmt-ignore
const methods: [method: string, want: string][] = [
  ["GET", "supported"], ["HEAD", "supported"], ["POST", "not-allowed"], ["PUT", "not-allowed"],
  ["DELETE", "not-allowed"], ["OPTIONS", "not-allowed"], ["TRACE", "not-allowed"],
  ["CONNECT", "not-allowed"], ["PATCH", "not-allowed"], ["get", "unknown"], ["BREW", "unknown"],
];
for (const [method, want] of methods) {
  Deno.test(`classifyMethod() methods are case-sensitive (RFC 9110 §9.1): ${method} is ${want}`, () => {
    assertEquals(classifyMethod(method), want);
  });
}

// ── keepAlive ──
// deno-fmt-ignore
const persistence: [rule: string, text: string, want: boolean][] = [
  ["HTTP/1.1 persists by default",                 "GET / HTTP/1.1\r\nHost: a\r\n\r\n",                                true],
  ["HTTP/1.1 with close does not persist",         "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",           false],
  ["connection options ignore case",               "GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n",           false],
  ["close anywhere in the list counts",            "GET / HTTP/1.1\r\nHost: a\r\nConnection: te, close\r\n\r\n",       false],
  ["HTTP/1.0 closes by default",                   "GET / HTTP/1.0\r\n\r\n",                                           false],
  ["HTTP/1.0 persists when it asks for keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",                true],
];
for (const [rule, text, want] of persistence) {
  Deno.test(`keepAlive() ${rule} (RFC 9112 §9.3)`, () => {
    assertEquals(keepAlive(head(text)), want);
  });
}

// ── requestBodyFraming ──
const framing = (fields: string) =>
  requestBodyFraming(head(`POST / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`));
// deno-fmt-ignore
const framings: [rule: string, fields: string, want: string | number][] = [
  ["no framing field means no body",                     "",                                                 "none"],
  ["Content-Length: 0 means no body",                    "Content-Length: 0\r\n",                            "none"],
  ["Content-Length frames the body",                     "Content-Length: 12\r\n",                           "length"],
  ["chunked is recognised",                              "Transfer-Encoding: chunked\r\n",                   "chunked"],
  ["Transfer-Encoding with Content-Length is refused",   "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400],
  ["an unknown transfer coding gets 501",                "Transfer-Encoding: gzip\r\n",                      501],
  ["a negative Content-Length is refused",               "Content-Length: -1\r\n",                           400],
  ["a non-numeric Content-Length is refused",            "Content-Length: 1e3\r\n",                          400],
  ["two different Content-Lengths are refused",          "Content-Length: 5\r\nContent-Length: 6\r\n",       400],
  ["repeated equal Content-Lengths are one length",      "Content-Length: 5, 5\r\n",                         "length"],
  ["an absurdly long Content-Length is refused",         "Content-Length: 99999999999999999999\r\n",         400],
];
for (const [rule, fields, want] of framings) {
  Deno.test(`requestBodyFraming() ${rule} (${JSON.stringify(fields)})`, () => {
    const answer = framing(fields);
    assertEquals(answer.kind === "error" ? answer.status : answer.kind, want);
  });
}

Deno.test("requestBodyFraming() reports the length it found", () => {
  assertEquals(framing("Content-Length: 12\r\n"), { kind: "length", length: 12 });
});
