// tests/reply_test.ts — the answer to a request as a value (lib/reply.ts): fileFacts, fileReply
// (a scenario table in the style of Go's net/http TestServeContent: request fields × file facts →
// status, fields, the byte ranges of the body), statusReply, closing, methodRefusal, noFileReply,
// busyReply, and frameReply, which adds the fields every response carries and frames the body
// (its bodyLength, the body's byte count, is tested through frameReply's answer).
import { assertEquals, assertStringIncludes } from "@std/assert";
import { strongETag } from "../lib/conditional.ts";
import type { ByteRange } from "../lib/range.ts";
import {
  type BodyPart,
  busyReply,
  closing,
  type FileFacts,
  fileFacts,
  fileReply,
  frameReply,
  methodRefusal,
  noFileReply,
  type Reply,
  statusReply,
} from "../lib/reply.ts";
import { parseRequestHead, type RequestHead } from "../lib/request.ts";
import { statusPage } from "../lib/response.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const DATE = "Sun, 22 Nov 2026 12:00:00 GMT"; // httpDate(NOW), the Date frameReply is given
const T = 784111777_000; // Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date
const HTML = "text/html; charset=UTF-8";
const BOUNDARY = "THIS_STRING_SEPARATES"; // RFC 9110 §14.6's example boundary
const MULTIPART = `multipart/byteranges; boundary=${BOUNDARY}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request head from its method, target, extra header lines (one per "\n") and version. */
const request = (method: string, lines = "", target = "/video.mp4", version = "1.1") => {
  const fields = lines === "" ? "" : lines.split("\n").map((line) => `${line}\r\n`).join("");
  const answer = parseRequestHead(
    encoder.encode(`${method} ${target} HTTP/${version}\r\nHost: a\r\n${fields}\r\n`),
  );
  if (answer.kind !== "head") throw new Error(answer.reason);
  return answer.head;
};

/** The value of a field in a Reply, or "-" when it is not there. */
const field = (reply: Reply, name: string): string => {
  const found = reply.fields.find(([n]) => n === name);
  return found === undefined ? "-" : String(found[1]);
};

// ── fileFacts ──
Deno.test("fileFacts() gathers the validators, the Last-Modified date and the media type", () => {
  assertEquals(fileFacts("/srv/video.mp4", { size: 10000, mtimeMs: T + 500, ino: 42 }, NOW), {
    etag: strongETag(10000, T + 500, 42),
    modifiedMs: T + 500,
    size: 10000,
    type: "video/mp4",
    lastModified: "Sun, 06 Nov 1994 08:49:37 GMT",
  });
});

Deno.test("fileFacts() never dates a file later than now (RFC 9110 §8.8.2.1), its ETag still changes", () => {
  const future = NOW + 60_000;
  const facts = fileFacts("/srv/notes", { size: 3, mtimeMs: future, ino: 7 }, NOW);
  assertEquals(
    [facts.modifiedMs, facts.lastModified, facts.etag, facts.type],
    [NOW, DATE, strongETag(3, future, 7), "application/octet-stream"],
  );
});

Deno.test("fileFacts() makes a strong ETag (no W/), which If-Match can match (RFC 9110 §13.1.1)", () => {
  const { etag } = fileFacts("/srv/video.mp4", { size: 10000, mtimeMs: T, ino: 42 }, NOW);
  assertEquals(etag.startsWith('"') && etag.endsWith('"'), true, etag);
});

// ── fileReply: the scenario table ──
// RFC 9110 §8.8.3's example tag "xyzzy" and §5.6.7's example date; modified within that second.
const LM = "Sun, 06 Nov 1994 08:49:37 GMT"; // the file's Last-Modified
const BEFORE = "Sun, 06 Nov 1994 08:49:36 GMT"; // a second before it
const LATER = "Sun, 06 Nov 1994 08:49:38 GMT"; // a second after it
const VIDEO: FileFacts = {
  etag: '"xyzzy"',
  modifiedMs: T + 500,
  size: 10000, // the size of RFC 9110 §14.1.2's examples
  type: "video/mp4",
  lastModified: LM,
};
const EMPTY: FileFacts = { ...VIDEO, etag: '"empty"', size: 0, type: "text/plain; charset=UTF-8" };

/** The body a Reply carries: its byte ranges of the file in order (a multipart body's part heads
 * left out, see the multipart test below), or "page" for an HTML page the server made itself. */
type Body = [first: number, last: number][] | "page";
const bodyOf = (reply: Reply): Body => {
  const ranges = reply.body.filter((p): p is ByteRange => !(p instanceof Uint8Array));
  if (ranges.length === 0 && reply.body.length > 0) return "page";
  return ranges.map((r) => [r.first, r.last]);
};

// Every row: GET or HEAD of /video.mp4 (10000 bytes, ETag "xyzzy", Last-Modified LM) unless the
// file column says EMPTY; the extra request fields, one per "\n"; the status; Content-Type and
// Content-Range ("-": absent); the body. Besides, every test checks what its status requires:
// a 200 or 206 carries ETag, Last-Modified and Accept-Ranges (RFC 9110 §15.3.7: a 206 MUST carry
// the ETag a 200 would), and a 304 carries ETag and nothing else (§15.4.5: it "SHOULD NOT generate
// representation metadata other than the above listed fields").
// deno-fmt-ignore
const scenarios: [rule: string, file: FileFacts, method: string, fields: string, status: number, type: string, range: string, body: Body][] = [
  // ── no conditions, no Range ──
  ["a plain GET: the whole file",                                            VIDEO, "GET",  "",                                                          200, "video/mp4", "-",                  [[0, 9999]]],
  ["HEAD: the head of a GET, whose body frameReply leaves out (§9.3.2)",     VIDEO, "HEAD", "",                                                          200, "video/mp4", "-",                  [[0, 9999]]],
  ["an empty file: 200 with no body",                                        EMPTY, "GET",  "",                                                          200, "text/plain; charset=UTF-8", "-",  []],
  ["an empty file ignores Range (§14.2: a server MAY ignore Range)",         EMPTY, "GET",  "Range: bytes=0-",                                           200, "text/plain; charset=UTF-8", "-",  []],
  // ── §13.2.2 step 1: If-Match (§13.1.1, strong comparison) ──
  ["§13.1.1 If-Match with the current ETag: 200",                            VIDEO, "GET",  'If-Match: "xyzzy"',                                         200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.1 If-Match with the ETag in a list: 200",                          VIDEO, "GET",  'If-Match: "a", "xyzzy"',                                    200, "video/mp4", "-",                  [[0, 9999]]],
  ['§13.1.1 If-Match "*": any current representation, 200',                  VIDEO, "GET",  "If-Match: *",                                               200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.1 If-Match with another ETag: 412",                                VIDEO, "GET",  'If-Match: "other"',                                         412, HTML,        "-",                  "page"],
  ["§13.1.1 If-Match with a weak tag: 412 (strong comparison)",              VIDEO, "GET",  'If-Match: W/"xyzzy"',                                       412, HTML,        "-",                  "page"],
  ["§13.1.1 If-Match failing on HEAD: 412 too",                              VIDEO, "HEAD", 'If-Match: "other"',                                         412, HTML,        "-",                  "page"],
  ["§13.2.2 If-Match failing wins over a matching If-None-Match (1 before 3)", VIDEO, "GET", 'If-Match: "other"\nIf-None-Match: "xyzzy"',               412, HTML,        "-",                  "page"],
  ["§13.2.2 If-Match true goes on to If-None-Match (1 then 3): 304",         VIDEO, "GET",  'If-Match: "xyzzy"\nIf-None-Match: "xyzzy"',                 304, "-",         "-",                  []],
  // ── §13.2.2 step 2: If-Unmodified-Since (§13.1.4), only without If-Match ──
  ["§13.1.4 If-Unmodified-Since a second before Last-Modified: 412",         VIDEO, "GET",  `If-Unmodified-Since: ${BEFORE}`,                            412, HTML,        "-",                  "page"],
  ["§13.1.4 If-Unmodified-Since exactly Last-Modified: 200",                 VIDEO, "GET",  `If-Unmodified-Since: ${LM}`,                                200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.4 If-Unmodified-Since after Last-Modified: 200",                   VIDEO, "GET",  `If-Unmodified-Since: ${LATER}`,                             200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.2.2 If-Unmodified-Since is ignored when If-Match is present",        VIDEO, "GET",  `If-Match: "xyzzy"\nIf-Unmodified-Since: ${BEFORE}`,         200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.4 If-Unmodified-Since with an invalid date is ignored",            VIDEO, "GET",  "If-Unmodified-Since: yesterday",                            200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.4 If-Unmodified-Since with a list of dates is ignored",            VIDEO, "GET",  `If-Unmodified-Since: ${BEFORE}\nIf-Unmodified-Since: ${BEFORE}`, 200, "video/mp4", "-",             [[0, 9999]]],
  ["§13.2.2 If-Unmodified-Since failing wins over a matching If-None-Match (2 before 3)", VIDEO, "GET", `If-Unmodified-Since: ${BEFORE}\nIf-None-Match: "xyzzy"`, 412, HTML, "-",              "page"],
  // ── §13.2.2 step 3: If-None-Match (§13.1.2, weak comparison) ──
  ["§13.1.2 If-None-Match with the current ETag: 304",                       VIDEO, "GET",  'If-None-Match: "xyzzy"',                                    304, "-",         "-",                  []],
  ["§13.1.2 If-None-Match with the ETag in a list: 304",                     VIDEO, "GET",  'If-None-Match: "a", "b", "xyzzy"',                          304, "-",         "-",                  []],
  ['§13.1.2 If-None-Match "*": 304',                                         VIDEO, "GET",  "If-None-Match: *",                                          304, "-",         "-",                  []],
  ["§13.1.2 If-None-Match with W/ matches (weak comparison): 304",           VIDEO, "GET",  'If-None-Match: W/"xyzzy"',                                  304, "-",         "-",                  []],
  ["§13.1.2 If-None-Match with other ETags: 200",                            VIDEO, "GET",  'If-None-Match: "a", W/"b"',                                 200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.2 If-None-Match on HEAD: 304",                                     VIDEO, "HEAD", 'If-None-Match: "xyzzy"',                                    304, "-",         "-",                  []],
  // ── §13.2.2 step 4: If-Modified-Since (§13.1.3), only without If-None-Match ──
  ["§13.1.3 If-Modified-Since exactly Last-Modified: 304",                   VIDEO, "GET",  `If-Modified-Since: ${LM}`,                                  304, "-",         "-",                  []],
  ["§13.1.3 If-Modified-Since after Last-Modified: 304",                     VIDEO, "GET",  `If-Modified-Since: ${LATER}`,                               304, "-",         "-",                  []],
  ["§13.1.3 If-Modified-Since a second before Last-Modified: 200",           VIDEO, "GET",  `If-Modified-Since: ${BEFORE}`,                              200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.3 If-Modified-Since on HEAD: 304",                                 VIDEO, "HEAD", `If-Modified-Since: ${LM}`,                                  304, "-",         "-",                  []],
  ["§5.6.7 If-Modified-Since in the obsolete RFC 850 format: 304",           VIDEO, "GET",  "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT",         304, "-",         "-",                  []],
  ["§5.6.7 If-Modified-Since in asctime() format: 304",                      VIDEO, "GET",  "If-Modified-Since: Sun Nov  6 08:49:37 1994",               304, "-",         "-",                  []],
  ["§13.2.2 If-Modified-Since is ignored when If-None-Match does not match", VIDEO, "GET",  `If-None-Match: "other"\nIf-Modified-Since: ${LATER}`,       200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.2.2 If-None-Match matching: 304, If-Modified-Since ignored",         VIDEO, "GET",  `If-None-Match: "xyzzy"\nIf-Modified-Since: ${BEFORE}`,      304, "-",         "-",                  []],
  ["§13.1.3 If-Modified-Since with an invalid date is ignored",              VIDEO, "GET",  "If-Modified-Since: Sun, 06 Nov 1994",                       200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.3 If-Modified-Since with more than one member is ignored",         VIDEO, "GET",  `If-Modified-Since: ${LM}\nIf-Modified-Since: ${LATER}`,     200, "video/mp4", "-",                  [[0, 9999]]],
  // ── §14: Range, RFC 9110 §14.1.2's examples first ──
  ["§14.1.2 the first 500 bytes (bytes=0-499): 206",                         VIDEO, "GET",  "Range: bytes=0-499",                                        206, "video/mp4", "bytes 0-499/10000",  [[0, 499]]],
  ["§14.1.2 the second 500 bytes (bytes=500-999): 206",                      VIDEO, "GET",  "Range: bytes=500-999",                                      206, "video/mp4", "bytes 500-999/10000", [[500, 999]]],
  ["§14.1.2 the final 500 bytes (bytes=-500): 206",                          VIDEO, "GET",  "Range: bytes=-500",                                         206, "video/mp4", "bytes 9500-9999/10000", [[9500, 9999]]],
  ["§14.1.2 the final 500 bytes (bytes=9500-): 206",                         VIDEO, "GET",  "Range: bytes=9500-",                                        206, "video/mp4", "bytes 9500-9999/10000", [[9500, 9999]]],
  ["§14.1.2 the first and last bytes only (bytes=0-0,-1): multipart",        VIDEO, "GET",  "Range: bytes=0-0,-1",                                       206, MULTIPART,   "-",                  [[0, 0], [9999, 9999]]],
  ["§14.1.2 two ranges of the second 500 bytes: multipart",                  VIDEO, "GET",  "Range: bytes=500-600,601-999",                              206, MULTIPART,   "-",                  [[500, 600], [601, 999]]],
  ["§14.6 the parts come in the order they were asked for",                  VIDEO, "GET",  "Range: bytes=-1,0-0",                                       206, MULTIPART,   "-",                  [[9999, 9999], [0, 0]]],
  ["§14.1.2 bytes=0- is the whole file as one part: 206",                    VIDEO, "GET",  "Range: bytes=0-",                                           206, "video/mp4", "bytes 0-9999/10000", [[0, 9999]]],
  ["§14.1.2 a last-pos past the end is clamped",                             VIDEO, "GET",  "Range: bytes=9000-99999",                                   206, "video/mp4", "bytes 9000-9999/10000", [[9000, 9999]]],
  ["§14.1.2 a suffix longer than the file is the entire representation",     VIDEO, "GET",  "Range: bytes=-20000",                                       206, "video/mp4", "bytes 0-9999/10000", [[0, 9999]]],
  ["§15.5.17 a first-pos at the size (bytes=10000-): 416",                   VIDEO, "GET",  "Range: bytes=10000-",                                       416, HTML,        "bytes */10000",      "page"],
  ["§14.1.2 a suffix-length of 0 is unsatisfiable: 416",                     VIDEO, "GET",  "Range: bytes=-0",                                           416, HTML,        "bytes */10000",      "page"],
  ["§14.2 an unknown range unit is ignored: 200",                            VIDEO, "GET",  "Range: items=0-499",                                        200, "video/mp4", "-",                  [[0, 9999]]],
  ["§14.1.1 an invalid range-spec (last-pos < first-pos) is ignored: 200",   VIDEO, "GET",  "Range: bytes=500-400",                                      200, "video/mp4", "-",                  [[0, 9999]]],
  ["§14.2 overlapping ranges past the size may be ignored: 200",             VIDEO, "GET",  "Range: bytes=0-9999,0-9999",                                200, "video/mp4", "-",                  [[0, 9999]]],
  ["§14.2 Range on HEAD is ignored (GET alone has ranges): 200",             VIDEO, "HEAD", "Range: bytes=0-499",                                        200, "video/mp4", "-",                  [[0, 9999]]],
  // ── §13.1.5 If-Range, §13.2.2 step 5 ──
  ["§13.1.5 If-Range with the current strong ETag: 206",                     VIDEO, "GET",  'Range: bytes=0-499\nIf-Range: "xyzzy"',                     206, "video/mp4", "bytes 0-499/10000",  [[0, 499]]],
  ["§13.1.5 If-Range with a stale ETag: the whole file, 200",                VIDEO, "GET",  'Range: bytes=0-499\nIf-Range: "stale"',                     200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.5 If-Range with a weak tag never matches: 200",                    VIDEO, "GET",  'Range: bytes=0-499\nIf-Range: W/"xyzzy"',                   200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.5 If-Range exactly Last-Modified: 206",                            VIDEO, "GET",  `Range: bytes=0-499\nIf-Range: ${LM}`,                       206, "video/mp4", "bytes 0-499/10000",  [[0, 499]]],
  ["§13.1.5 If-Range a later date is no exact match: 200",                   VIDEO, "GET",  `Range: bytes=0-499\nIf-Range: ${LATER}`,                    200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.5 If-Range an earlier date is no exact match: 200",                VIDEO, "GET",  `Range: bytes=0-499\nIf-Range: ${BEFORE}`,                   200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.5 If-Range without Range is ignored: 200",                         VIDEO, "GET",  'If-Range: "xyzzy"',                                         200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.1.5 If-Range false: an unsatisfiable Range is ignored too, 200",     VIDEO, "GET",  'Range: bytes=10000-\nIf-Range: "stale"',                    200, "video/mp4", "-",                  [[0, 9999]]],
  ["§13.2.2 If-Range true and several ranges: multipart",                    VIDEO, "GET",  'Range: bytes=0-0,-1\nIf-Range: "xyzzy"',                    206, MULTIPART,   "-",                  [[0, 0], [9999, 9999]]],
  ["§13.2.2 a 304 comes before Range and If-Range (3 before 5)",             VIDEO, "GET",  'Range: bytes=0-499\nIf-Range: "xyzzy"\nIf-None-Match: "xyzzy"', 304, "-",     "-",                  []],
  ["§13.2.2 a 304 from If-Modified-Since comes before Range (4 before 5)",   VIDEO, "GET",  `Range: bytes=0-499\nIf-Modified-Since: ${LM}`,              304, "-",         "-",                  []],
  ["§13.2.2 a 412 comes before Range (1 before 5)",                          VIDEO, "GET",  'Range: bytes=0-499\nIf-Match: "other"',                     412, HTML,        "-",                  "page"],
  // ── the VLC seek: Range with If-Match of the ETag it was given ──
  ["VLC's seek: Range and If-Match of the current ETag, 206",                VIDEO, "GET",  'Range: bytes=5000-\nIf-Match: "xyzzy"',                     206, "video/mp4", "bytes 5000-9999/10000", [[5000, 9999]]],
  ["VLC's seek after the file changed: 412, never old and new bytes spliced", VIDEO, "GET", 'Range: bytes=5000-\nIf-Match: "older"',                     412, HTML,        "-",                  "page"],
];
for (const [rule, file, method, fields, status, type, range, body] of scenarios) {
  const label = fields === "" ? method : `${method}, ${fields.replaceAll("\n", ", ")}`;
  Deno.test(`fileReply() ${rule} (${label})`, () => {
    const reply = fileReply(request(method, fields), file, NOW, BOUNDARY);
    assertEquals(reply.status, status);
    assertEquals([field(reply, "Content-Type"), field(reply, "Content-Range")], [type, range]);
    assertEquals(bodyOf(reply), body);
    if (status === 200 || status === 206) {
      assertEquals(
        [field(reply, "ETag"), field(reply, "Last-Modified"), field(reply, "Accept-Ranges")],
        [file.etag, file.lastModified, "bytes"],
      );
    }
    if (status === 304) assertEquals(reply.fields, [["ETag", file.etag]]);
    if (body === "page") {
      assertStringIncludes(decoder.decode(reply.body[0] as Uint8Array), `<title>${status} `);
    }
  });
}

/** A body with its byte strings as text, to read a multipart body as it goes on the wire. */
const asText = (body: BodyPart[]) =>
  body.map((part) => part instanceof Uint8Array ? decoder.decode(part) : part);

Deno.test("fileReply() several ranges: a part head before each, the closing boundary last (RFC 9110 §14.6)", () => {
  const reply = fileReply(request("GET", "Range: bytes=0-0,-1"), VIDEO, NOW, BOUNDARY);
  assertEquals(asText(reply.body), [
    `\r\n--${BOUNDARY}\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-0/10000\r\n\r\n`,
    { first: 0, last: 0 },
    `\r\n--${BOUNDARY}\r\nContent-Type: video/mp4\r\nContent-Range: bytes 9999-9999/10000\r\n\r\n`,
    { first: 9999, last: 9999 },
    `\r\n--${BOUNDARY}--\r\n`,
  ]);
});

Deno.test("fileReply() with fileFacts(): the ETag of a 200, sent back in If-Match with Range, gets 206", () => {
  const facts = fileFacts("/srv/video.mp4", { size: 10000, mtimeMs: T + 500, ino: 42 }, NOW);
  const first = fileReply(request("GET"), facts, NOW, BOUNDARY);
  const seek = request("GET", `Range: bytes=5000-\nIf-Match: ${field(first, "ETag")}`);
  const reply = fileReply(seek, facts, NOW, BOUNDARY);
  assertEquals([reply.status, field(reply, "Content-Range")], [206, "bytes 5000-9999/10000"]);
});

// ── statusReply, closing ──
Deno.test("statusReply() is the status, its fields, Content-Type, and a page saying why", () => {
  const reason = "No byte of bytes=10000- exists in this 10000-byte file.";
  assertEquals(statusReply(416, reason, [["Content-Range", "bytes */10000"]]), {
    status: 416,
    fields: [["Content-Range", "bytes */10000"], ["Content-Type", HTML]],
    body: [encoder.encode(statusPage(416, reason))],
    close: false,
    reason,
  });
});

Deno.test("statusReply() without fields has only Content-Type", () => {
  const reply = statusReply(404, "There is no file at /x.");
  assertEquals([reply.fields, reply.close], [[["Content-Type", HTML]], false]);
  assertStringIncludes(decoder.decode(reply.body[0] as Uint8Array), "<title>404 Not Found</title>");
});

Deno.test("closing() is the same answer with close set, and leaves the original as it was", () => {
  const reply = statusReply(400, "a bare CR is not a line ending (RFC 9112 §2.2)");
  assertEquals(closing(reply), { ...reply, close: true });
  assertEquals(reply.close, false);
});

// ── methodRefusal ──
// deno-fmt-ignore
const refusals: [method: string, status: number | undefined, allow: string][] = [
  ["GET",     undefined, "-"],          // RFC 9110 §9.1: "All general-purpose servers MUST support
  ["HEAD",    undefined, "-"],          // the methods GET and HEAD"
  ["POST",    405,       "GET, HEAD"],  // §15.5.6: "MUST generate an Allow header field in a 405"
  ["PUT",     405,       "GET, HEAD"],
  ["DELETE",  405,       "GET, HEAD"],
  ["OPTIONS", 405,       "GET, HEAD"],
  ["TRACE",   405,       "GET, HEAD"],
  ["PATCH",   405,       "GET, HEAD"],
  ["BREW",    501,       "-"],          // §15.6.2: a method "the server does not recognize"
  ["get",     501,       "-"],          // §9.1: "The method token is case-sensitive"
];
for (const [method, status, allow] of refusals) {
  Deno.test(`methodRefusal() GET and HEAD are served, a known method is 405 with Allow, others 501 (${method})`, () => {
    const reply = methodRefusal(method);
    assertEquals(reply?.status, status);
    if (reply !== undefined) {
      assertEquals([field(reply, "Allow"), field(reply, "Content-Type")], [allow, HTML]);
    }
  });
}

// ── noFileReply ──
// deno-fmt-ignore
const missing: [rule: string, found: "directory" | "missing" | "forbidden", path: string, query: string, status: number, location: string][] = [
  ["a folder without its slash: 301 to dir/ (§15.4.2)",   "directory", "docs",       "",     301, "/docs/"],
  ["the 301 keeps the query and encodes the path",        "directory", "a/my docs",  "?x=1", 301, "/a/my%20docs/?x=1"],
  ["nothing there: 404 (§15.5.5)",                        "missing",   "nope.html",  "",     404, "-"],
  ["the root itself missing: 404",                        "missing",   "",           "",     404, "-"],
  ["something there that may not be read: 403 (§15.5.4)", "forbidden", "secret.txt", "",     403, "-"],
];
for (const [rule, found, path, query, status, location] of missing) {
  Deno.test(`noFileReply() ${rule} (${found}, "${path}${query}")`, () => {
    const reply = noFileReply(found, { path, query });
    assertEquals(
      [reply.status, field(reply, "Location"), field(reply, "Content-Type"), reply.close],
      [status, location, HTML, false],
    );
  });
}

// ── busyReply ──
Deno.test("busyReply() is 503 with Retry-After (RFC 9110 §15.6.4, §10.2.3), and closes", () => {
  const reply = busyReply();
  assertEquals(
    [reply.status, reply.fields, reply.close],
    [503, [["Retry-After", "1"], ["Content-Type", HTML]], true],
  );
});

// ── frameReply ──
Deno.test("frameReply() adds Date and Server first, then Content-Length and X-Content-Type-Options", () => {
  const head = request("GET");
  const framed = frameReply(fileReply(head, VIDEO, NOW, BOUNDARY), head, DATE);
  assertEquals(framed, {
    head: "HTTP/1.1 200 OK\r\n" +
      `Date: ${DATE}\r\n` +
      "Server: tinyhttps\r\n" +
      'ETag: "xyzzy"\r\n' +
      `Last-Modified: ${LM}\r\n` +
      "Accept-Ranges: bytes\r\n" +
      "Content-Type: video/mp4\r\n" +
      "Content-Length: 10000\r\n" +
      "X-Content-Type-Options: nosniff\r\n" +
      "\r\n",
    body: [{ first: 0, last: 9999 }],
    bodyLength: 10000,
    close: false,
  });
});

Deno.test("frameReply() a HEAD gets no body but the Content-Length of the GET (RFC 9110 §9.3.2, §8.6)", () => {
  const head = request("HEAD");
  const framed = frameReply(fileReply(head, VIDEO, NOW, BOUNDARY), head, DATE);
  assertEquals([framed.body, framed.bodyLength], [[], 0]);
  assertStringIncludes(framed.head, "\r\nContent-Length: 10000\r\n");
});

Deno.test("frameReply() a HEAD of an error page gets the page's Content-Length and no body", () => {
  const reply = statusReply(404, "There is no file at /x.");
  const framed = frameReply(reply, request("HEAD", "", "/x"), DATE);
  assertEquals([framed.body, framed.bodyLength], [[], 0]);
  const page = reply.body[0] as Uint8Array;
  assertStringIncludes(framed.head, `\r\nContent-Length: ${page.length}\r\n`);
});

Deno.test("frameReply() a 304 has no body and no Content-Length (RFC 9110 §15.4.5, §8.6)", () => {
  const head = request("GET", 'If-None-Match: "xyzzy"');
  const framed = frameReply(fileReply(head, VIDEO, NOW, BOUNDARY), head, DATE);
  assertEquals(framed, {
    head: "HTTP/1.1 304 Not Modified\r\n" +
      `Date: ${DATE}\r\n` +
      "Server: tinyhttps\r\n" +
      'ETag: "xyzzy"\r\n' +
      "X-Content-Type-Options: nosniff\r\n" +
      "\r\n",
    body: [],
    bodyLength: 0,
    close: false,
  });
});

Deno.test("frameReply() a 204 drops any body and has no Content-Length (RFC 9110 §15.3.5, §8.6)", () => {
  const reply: Reply = {
    status: 204,
    fields: [],
    body: [encoder.encode("a CGI program printed this")],
    close: false,
  };
  const framed = frameReply(reply, request("GET", "", "/cgi-bin/x"), DATE);
  assertEquals(framed, {
    head: "HTTP/1.1 204 No Content\r\n" +
      `Date: ${DATE}\r\n` +
      "Server: tinyhttps\r\n" +
      "X-Content-Type-Options: nosniff\r\n" +
      "\r\n",
    body: [],
    bodyLength: 0,
    close: false,
  });
});

Deno.test("frameReply() a 206 is framed by the length of its range", () => {
  const head = request("GET", "Range: bytes=0-499");
  const framed = frameReply(fileReply(head, VIDEO, NOW, BOUNDARY), head, DATE);
  assertEquals(framed.bodyLength, 500);
  assertStringIncludes(framed.head, "\r\nContent-Length: 500\r\n");
});

Deno.test("frameReply() a multipart body's length counts its part heads and closing boundary", () => {
  const head = request("GET", "Range: bytes=0-0,-1");
  const framed = frameReply(fileReply(head, VIDEO, NOW, BOUNDARY), head, DATE);
  // Two heads of 86 and 92 bytes, the 2 file bytes, and a closing boundary of 29 bytes.
  assertEquals(framed.bodyLength, 209);
  assertStringIncludes(framed.head, "\r\nContent-Length: 209\r\n");
});

// RFC 9112 §9.3 (when a connection persists) and §9.6 (a server that will close says "close").
// deno-fmt-ignore
const connections: [rule: string, reply: Reply, request: RequestHead | undefined, connection: string, close: boolean][] = [
  ["HTTP/1.1 persists and says nothing",                     statusReply(404, "x"),     request("GET"),                                        "-",          false],
  ["the Reply says close (busyReply)",                       busyReply(),               request("GET"),                                        "close",      true],
  ["no request could be read",                               statusReply(400, "x"),     undefined,                                             "close",      true],
  ["the request said Connection: close",                     statusReply(404, "x"),     request("GET", "Connection: close"),                   "close",      true],
  ["HTTP/1.0 without keep-alive closes",                     statusReply(404, "x"),     request("GET", "", "/x", "1.0"),                       "close",      true],
  ["HTTP/1.0 with keep-alive hears keep-alive (§C.2.2)",     statusReply(404, "x"),     request("GET", "Connection: keep-alive", "/x", "1.0"), "keep-alive", false],
  ["HTTP/1.0 with keep-alive, but the Reply says close",     closing(statusReply(500, "x")), request("GET", "Connection: keep-alive", "/x", "1.0"), "close", true],
];
for (const [rule, reply, head, connection, close] of connections) {
  Deno.test(`frameReply() Connection: ${rule}`, () => {
    const framed = frameReply(reply, head, DATE);
    const lines = framed.head.split("\r\n");
    const found = lines.filter((line) => line.startsWith("Connection: "));
    assertEquals(found, connection === "-" ? [] : [`Connection: ${connection}`]);
    assertEquals(framed.close, close);
    if (connection !== "-") assertEquals(lines[lines.length - 3], `Connection: ${connection}`);
  });
}
