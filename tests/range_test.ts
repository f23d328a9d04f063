// tests/range_test.ts — parseRange, contentRange and unsatisfiedRange (lib/range.ts).
import { assertEquals } from "@std/assert";
import {
  type ByteRange,
  contentRange,
  MAX_RANGES,
  parseRange,
  type RangeAnswer,
  unsatisfiedRange,
} from "../lib/range.ts";

const parts = (...pairs: [number, number][]): RangeAnswer => ({
  kind: "parts",
  parts: pairs.map(([first, last]): ByteRange => ({ first, last })),
});
const WHOLE: RangeAnswer = { kind: "whole" };
const NONE: RangeAnswer = { kind: "unsatisfiable" };

// The first rows are RFC 9110 §14.1.2's own examples, against its 10000-byte representation.
// Each test's name is built from its row.
// deno-fmt-ignore
const rows: [rule: string, header: string, size: number, want: RangeAnswer][] = [
  ["the first 500 bytes",                              "bytes=0-499",          10000, parts([0, 499])],
  ["the second 500 bytes",                             "bytes=500-999",        10000, parts([500, 999])],
  ["the final 500 bytes (suffix-range)",               "bytes=-500",           10000, parts([9500, 9999])],
  ["the final 500 bytes (open int-range)",             "bytes=9500-",          10000, parts([9500, 9999])],
  ["the first and last bytes only",                    "bytes=0-0,-1",         10000, parts([0, 0], [9999, 9999])],
  ["other valid ranges of the second 500 bytes",       "bytes=500-600,601-999", 10000, parts([500, 600], [601, 999])],
  ["overlapping ranges within the size are kept",      "bytes=500-700,601-999", 10000, parts([500, 700], [601, 999])],
  ["the lab's bytes=100-200 is 101 bytes",             "bytes=100-200",        1000,  parts([100, 200])],
  ["the lab's bytes=100- runs to the end",             "bytes=100-",           1000,  parts([100, 999])],
  ["a last-pos past the end is clamped",               "bytes=0-99999",        10,    parts([0, 9])],
  ["a suffix longer than the file is the whole file",  "bytes=-5000",          1000,  parts([0, 999])],
  ["a first-pos at the size is unsatisfiable",         "bytes=10-",            10,    NONE],
  ["a huge first-pos is unsatisfiable, not a crash",   "bytes=999999999999999999999999-", 10, NONE],
  ["a huge last-pos is clamped, not an overflow",      "bytes=2-999999999999999999999999", 10, parts([2, 9])],
  ["a suffix-length of 0 is unsatisfiable",            "bytes=-0",             10,    NONE],
  ["unsatisfiable specs are dropped from a list",      "bytes=50-60,2-3",      10,    parts([2, 3])],
  ["a list of only unsatisfiable specs is 416",        "bytes=50-60,-0",       10,    NONE],
  ["last-pos < first-pos is invalid: ignored",         "bytes=5-4",            10,    WHOLE],
  ["an unknown range unit is ignored",                 "items=0-4",            10,    WHOLE],
  ["the unit is case-insensitive",                     "Bytes=0-4",            10,    parts([0, 4])],
  ["a prefix before the unit is not the unit",         "xbytes=0-4",           10,    WHOLE],
  ["a missing '=' is ignored",                         "bytes 0-4",            10,    WHOLE],
  ["'bytes=-' is no range at all",                     "bytes=-",              10,    WHOLE],
  ["'bytes=' with an empty set is ignored",            "bytes=",               10,    WHOLE],
  ["a non-digit is invalid: ignored",                  "bytes=a-5",            10,    WHOLE],
  ["a negative first-pos is invalid: ignored",         "bytes=--5",            10,    WHOLE],
  ["OWS around commas is allowed (RFC 9110 §5.6.1)",   "bytes=0-1 , 4-5",      10,    parts([0, 1], [4, 5])],
  ["OWS after '=' is allowed (erratum 7306)",          "bytes= 0-499",         10000, parts([0, 499])],
  ["empty list elements are skipped (§5.6.1)",         "bytes=0-1,,4-5,",      10,    parts([0, 1], [4, 5])],
  ["spaces inside a range-spec are invalid",           "bytes=0 - 1",          10,    WHOLE],
  ["an empty file ignores Range (200, as Go and nginx)", "bytes=0-",            0,     WHOLE],
  ["an empty file ignores a suffix too",               "bytes=-5",             0,     WHOLE],
  ["parts adding up past the size: whole file",        "bytes=0-9,0-9",        10,    WHOLE],
];
for (const [rule, header, size, want] of rows) {
  Deno.test(`parseRange() ${rule} (${header}, size ${size})`, () => {
    assertEquals(parseRange(header, size), want);
  });
}

Deno.test(`parseRange() more than MAX_RANGES (${MAX_RANGES}) ranges: whole file`, () => {
  const many = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i}-${i}`).join(",");
  assertEquals(parseRange(`bytes=${many}`, 1000), WHOLE);
  const allowed = Array.from({ length: MAX_RANGES }, (_, i) => `${i}-${i}`).join(",");
  assertEquals(parseRange(`bytes=${allowed}`, 1000).kind, "parts");
});

// deno-fmt-ignore
const contentRanges: [part: ByteRange, size: number, want: string][] = [
  [{ first: 42, last: 1233 }, 1234, "bytes 42-1233/1234"], // RFC 9110 §14.4's example
  [{ first: 0, last: 0 },     1,    "bytes 0-0/1"],
];
for (const [part, size, want] of contentRanges) {
  Deno.test(`contentRange() is "bytes first-last/size" (${want})`, () => {
    assertEquals(contentRange(part, size), want);
  });
}

Deno.test("unsatisfiedRange() is 'bytes */size' (RFC 9110 §14.4's example: 1234)", () => {
  assertEquals(unsatisfiedRange(1234), "bytes */1234");
});
