// tests/client_test.ts — parseResponseHead, responseFraming and parseContentRange (lib/client.ts),
// the response side that the grader (tests/grade.ts) reads.
import { assertEquals } from "@std/assert";
import {
  type ContentRangeAnswer,
  parseContentRange,
  parseResponseHead,
  type ResponseFraming,
  responseFraming,
  type ResponseHead,
} from "../lib/client.ts";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

// deno-fmt-ignore
const heads: [rule: string, text: string, want: string][] = [
  ["a status line and fields, then the body",   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", "200 OK [content-length=2] 38"],
  ["the reason phrase may be empty (RFC 9112 §4)", "HTTP/1.1 404 \r\n\r\n",                  "404  [] 17"],
  ["even its space may be missing",             "HTTP/1.0 301\r\nLocation: /x\r\n\r\n",          "301  [location=/x] 30"],
  ["a bare LF ends lines too (RFC 9112 §2.2)",  "HTTP/1.1 200 OK\nA: b\n\n",                     "200 OK [a=b] 22"],
  ["field names are lower-cased, values trimmed", "HTTP/1.1 200 OK\r\nX-A:  v \r\n\r\n",         "200 OK [x-a=v] 29"],
  ["a field sent twice is kept twice",          "HTTP/1.1 200 OK\r\nA: 1\r\nA: 2\r\n\r\n",       "200 OK [a=1,a=2] 31"],
  ["half a head is incomplete",                 "HTTP/1.1 200 OK\r\nContent-Le",                 "incomplete"],
  ["half a status line is incomplete",          "HTT",                                           "incomplete"],
  ["no bytes yet is incomplete",                "",                                              "incomplete"],
  ["a page without a head is invalid",          "<html>\r\n",                                    "invalid"],
  ["a file without a head is invalid",          "\x00\x01\x02",                                  "invalid"],
  ["a version in lower case is invalid",        "http/1.1 200 OK\r\n\r\n",                       "invalid"],
  ["a two-digit status is invalid",             "HTTP/1.1 20 OK\r\n\r\n",                        "invalid"],
  ["a field line without a colon is invalid",   "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n",           "invalid"],
];
const show = (text: string): string => {
  const answer = parseResponseHead(bytes(text));
  if (answer.kind !== "head") return answer.kind;
  const { status, reason, fields, length } = answer.head;
  return `${status} ${reason} [${fields.map(([n, v]) => `${n}=${v}`).join(",")}] ${length}`;
};
for (const [rule, text, want] of heads) {
  Deno.test(`parseResponseHead() ${rule} (${JSON.stringify(text)})`, () => {
    assertEquals(show(text), want);
  });
}

const head = (status: number, fields: [string, string][]): ResponseHead => ({
  statusLine: `HTTP/1.1 ${status} X`,
  version: "HTTP/1.1",
  status,
  reason: "X",
  fields,
  length: 0,
});
// deno-fmt-ignore
const framings: [rule: string, status: number, method: string, fields: [string, string][], want: ResponseFraming][] = [
  ["Content-Length gives the length",                  200, "GET",  [["content-length", "10"]], { kind: "length", length: 10 }],
  ["a HEAD answer has no body, whatever its fields",   200, "HEAD", [["content-length", "10"]], { kind: "none" }],
  ["a 304 has no body",                                304, "GET",  [["content-length", "10"]], { kind: "none" }],
  ["a 204 has no body",                                204, "GET",  [],                         { kind: "none" }],
  ["chunked wins over Content-Length",                 200, "GET",  [["transfer-encoding", "chunked"], ["content-length", "3"]], { kind: "chunked" }],
  ["neither: the body runs until the server closes",   404, "GET",  [],                         { kind: "close" }],
  ["equal repeated lengths count as one (§8.6)",       200, "GET",  [["content-length", "5"], ["content-length", "5"]], { kind: "length", length: 5 }],
  ["a list of equal lengths counts as one",            200, "GET",  [["content-length", "5, 5"]], { kind: "length", length: 5 }],
  ["different lengths are invalid framing",            200, "GET",  [["content-length", "5"], ["content-length", "6"]], { kind: "invalid", why: "Content-Length: 5, 6" }],
  ["a length that is not digits is invalid",           200, "GET",  [["content-length", "-1"]], { kind: "invalid", why: "Content-Length: -1" }],
];
for (const [rule, status, method, fields, want] of framings) {
  Deno.test(`responseFraming() ${rule} (${method}, ${status})`, () => {
    assertEquals(responseFraming(head(status, fields), method), want);
  });
}

// The first rows are RFC 9110 §14.4's own examples.
// deno-fmt-ignore
const ranges: [rule: string, value: string, want: ContentRangeAnswer][] = [
  ["a part and the complete length",             "bytes 42-1233/1234", { kind: "range", first: 42, last: 1233, size: 1234 }],
  ["a part of unknown length",                   "bytes 42-1233/*",    { kind: "range", first: 42, last: 1233, size: undefined }],
  ["a 416's unsatisfied-range",                  "bytes */1234",       { kind: "unsatisfied", size: 1234 }],
  ["the lab's bytes=100-200 of a 3174-byte file", "bytes 100-200/3174", { kind: "range", first: 100, last: 200, size: 3174 }],
  ["the unit ignores case",                      "Bytes 0-0/1",        { kind: "range", first: 0, last: 0, size: 1 }],
  ["last-pos below first-pos is invalid",        "bytes 5-4/10",       { kind: "invalid" }],
  ["a length not above last-pos is invalid",     "bytes 0-10/10",      { kind: "invalid" }],
  ["an '=' as in the request is invalid",        "bytes=0-10/11",      { kind: "invalid" }],
  ["a missing length is invalid",                "bytes 0-10",         { kind: "invalid" }],
  ["another unit is not understood",             "items 0-1/2",        { kind: "invalid" }],
];
for (const [rule, value, want] of ranges) {
  Deno.test(`parseContentRange() ${rule} (${value})`, () => {
    assertEquals(parseContentRange(value), want);
  });
}
