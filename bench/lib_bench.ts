// bench/lib_bench.ts — `deno task bench`: the pure functions on a request's hot path, so that a
// change that slows one of them shows up as a number. Run it twice: one run, not one number.

import { evaluatePreconditions, fileValidators } from "../lib/conditional.ts";
import { parseRange } from "../lib/range.ts";
import { httpsLocation } from "../lib/redirect.ts";
import { fieldValue, findHeadEnd, keepAlive, parseRequestHead } from "../lib/request.ts";
import { mediaType, responseHead } from "../lib/response.ts";
import { resolveTarget } from "../lib/target.ts";

const REQUEST =
  "GET /video.mp4 HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: VLC/3.0.24 LibVLC/3.0.24\r\n" +
  'Accept: */*\r\nAccept-Language: en_US\r\nRange: bytes=15346061-\r\nIf-Match: "dn0di-mwrpy81v-1b23l"\r\n\r\n';
const BYTES = new TextEncoder().encode(REQUEST);
const answer = parseRequestHead(BYTES);
if (answer.kind !== "head") throw new Error(answer.reason);
const HEAD = answer.head;
const NOW = Date.now();

Deno.bench("findHeadEnd() a 190-byte head", { group: "read" }, () => {
  findHeadEnd(BYTES, 0, BYTES.length);
});
Deno.bench("parseRequestHead() a VLC seek request", { group: "read", baseline: true }, () => {
  parseRequestHead(BYTES);
});
Deno.bench("resolveTarget() /dir/caf%C3%A9.mp4?x=1", { group: "route" }, () => {
  resolveTarget("/dir/caf%C3%A9.mp4?x=1");
});
Deno.bench("httpsLocation() the lab's redirect", { group: "route" }, () => {
  httpsLocation(HEAD, 443, "10.0.0.1");
});
Deno.bench("keepAlive() + fieldValue() x4", { group: "route" }, () => {
  keepAlive(HEAD);
  for (const name of ["if-match", "if-none-match", "if-modified-since", "range"]) {
    fieldValue(HEAD, name);
  }
});
Deno.bench("parseRange() bytes=15346061- of 22908582", { group: "answer" }, () => {
  parseRange("bytes=15346061-", 22908582);
});
Deno.bench("fileValidators() + evaluatePreconditions()", { group: "answer" }, () => {
  const file = fileValidators(22908582, NOW - 1000, 123456, NOW);
  evaluatePreconditions({ method: "GET", nowMs: NOW, ifMatch: '"dn0di-mwrpy81v-1b23l"' }, file);
});
Deno.bench("mediaType() video.mp4", { group: "answer" }, () => {
  mediaType("/srv/www/video.mp4");
});
Deno.bench("responseHead() a 206 with 9 fields", { group: "answer" }, () => {
  responseHead(206, [
    ["Date", "Sun, 22 Nov 2026 10:00:00 GMT"],
    ["Server", "tinyhttps"],
    ["ETag", '"dn0di-mwrpy81v-1b23l"'],
    ["Last-Modified", "Sun, 22 Nov 2026 09:00:00 GMT"],
    ["Accept-Ranges", "bytes"],
    ["Content-Type", "video/mp4"],
    ["Content-Range", "bytes 15346061-22908581/22908582"],
    ["Content-Length", 7562521],
    ["X-Content-Type-Options", "nosniff"],
  ]);
});
