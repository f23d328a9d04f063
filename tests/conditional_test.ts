// tests/conditional_test.ts — validators and preconditions (lib/conditional.ts).
import { assertEquals, assertMatch, assertNotEquals } from "@std/assert";
import {
  type Conditions,
  evaluatePreconditions,
  fileValidators,
  ifRangeAllows,
  parseHttpDate,
  strongETag,
  type Validators,
  type Verdict,
} from "../lib/conditional.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const T = 784111777_000; // Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date
const FILE: Validators = { etag: '"xyzzy"', modifiedMs: T + 500 }; // modified within that second

// ── parseHttpDate: RFC 9110 §5.6.7's three examples first ──
// deno-fmt-ignore
const dates: [rule: string, text: string, want: number | undefined][] = [
  ["IMF-fixdate",                                 "Sun, 06 Nov 1994 08:49:37 GMT",  T],
  ["obsolete RFC 850 format",                     "Sunday, 06-Nov-94 08:49:37 GMT", T],
  ["ANSI C asctime() format",                     "Sun Nov  6 08:49:37 1994",       T],
  ["asctime() with a two-digit day",              "Thu Nov 19 08:49:37 1998",       Date.UTC(1998, 10, 19, 8, 49, 37)],
  ["a two-digit year up to 50 years ahead is ahead", "Friday, 01-Jan-49 00:00:00 GMT", Date.UTC(2049, 0, 1)],
  ["a two-digit year more than 50 years ahead is past", "Sunday, 01-Jan-77 00:00:00 GMT", Date.UTC(1977, 0, 1)],
  ["exactly 50 years ahead is still ahead",       "Sunday, 22-Nov-76 12:00:00 GMT", Date.UTC(2076, 10, 22, 12, 0, 0)],
  ["one second past 50 years ahead is past: §5.6.7 compares timestamps, not years", "Sunday, 22-Nov-76 12:00:01 GMT", Date.UTC(1976, 10, 22, 12, 0, 1)],
  ["a zone other than GMT is not an HTTP-date",   "Sun, 06 Nov 1994 08:49:37 UTC",  undefined],
  ["an ISO date is not an HTTP-date",             "1994-11-06T08:49:37Z",           undefined],
  ["an unknown month is not a date",              "Sun, 06 Foo 1994 08:49:37 GMT",  undefined],
  ["hour 24 is not a time",                       "Sun, 06 Nov 1994 24:49:37 GMT",  undefined],
  ["garbage is not a date",                       "yesterday",                      undefined],
];
for (const [rule, text, want] of dates) {
  Deno.test(`parseHttpDate() ${rule} (${text})`, () => {
    assertEquals(parseHttpDate(text, NOW), want);
  });
}

// ── strongETag and fileValidators ──
Deno.test("strongETag() is a strong entity-tag: quoted, no W/ (RFC 9110 §8.8.3)", () => {
  assertMatch(strongETag(1234, T, 42), /^"[0-9a-z-]+"$/);
});

Deno.test("strongETag() changes with the size, the time and the inode (an edit or a replace)", () => {
  const tag = strongETag(1234, T, 42);
  assertNotEquals(strongETag(1235, T, 42), tag);
  assertNotEquals(strongETag(1234, T + 1, 42), tag);
  assertNotEquals(strongETag(1234, T, 43), tag);
  assertEquals(strongETag(1234, T, 42), tag);
});

Deno.test("fileValidators() never dates a file later than now (RFC 9110 §8.8.2.1)", () => {
  assertEquals(fileValidators(1, NOW + 60_000, 1, NOW).modifiedMs, NOW);
  assertEquals(fileValidators(1, T, 1, NOW).modifiedMs, T);
  assertEquals(fileValidators(1, T, 1, NOW).etag, strongETag(1, T, 1));
});

// ── evaluatePreconditions, RFC 9110 §13.2.2 order ──
const when = (fields: Omit<Conditions, "nowMs" | "method">, method = "GET"): Verdict =>
  evaluatePreconditions({ method, nowMs: NOW, ...fields }, FILE);
// deno-fmt-ignore
const verdicts: [rule: string, verdict: () => Verdict, want: Verdict][] = [
  ["no conditions: proceed",                                  () => when({}),                                             "proceed"],
  ["If-Match with the current tag: proceed",                  () => when({ ifMatch: '"xyzzy"' }),                         "proceed"],
  ["If-Match in a list: proceed",                             () => when({ ifMatch: '"a", "xyzzy"' }),                    "proceed"],
  ["If-Match *: proceed",                                     () => when({ ifMatch: "*" }),                               "proceed"],
  ["If-Match with another tag: 412",                          () => when({ ifMatch: '"other"' }),                         "precondition-failed"],
  ["If-Match compares strongly: W/ never matches",            () => when({ ifMatch: 'W/"xyzzy"' }),                       "precondition-failed"],
  ["If-Unmodified-Since the same second: proceed",            () => when({ ifUnmodifiedSince: "Sun, 06 Nov 1994 08:49:37 GMT" }), "proceed"],
  ["If-Unmodified-Since a second before: 412",                () => when({ ifUnmodifiedSince: "Sun, 06 Nov 1994 08:49:36 GMT" }), "precondition-failed"],
  ["If-Unmodified-Since is ignored when If-Match is present", () => when({ ifMatch: '"xyzzy"', ifUnmodifiedSince: "Sun, 06 Nov 1994 08:00:00 GMT" }), "proceed"],
  ["If-Unmodified-Since with an invalid date is ignored",     () => when({ ifUnmodifiedSince: "soon" }),                  "proceed"],
  ["If-None-Match with the current tag: 304",                 () => when({ ifNoneMatch: '"xyzzy"' }),                     "not-modified"],
  ["If-None-Match compares weakly: W/ matches",               () => when({ ifNoneMatch: 'W/"xyzzy"' }),                   "not-modified"],
  ["If-None-Match in a list: 304",                            () => when({ ifNoneMatch: '"a", W/"xyzzy"' }),              "not-modified"],
  ["If-None-Match *: 304",                                    () => when({ ifNoneMatch: "*" }),                           "not-modified"],
  ["If-None-Match with another tag: proceed",                 () => when({ ifNoneMatch: '"other"' }),                     "proceed"],
  ["If-None-Match matching on HEAD: 304 too",                 () => when({ ifNoneMatch: '"xyzzy"' }, "HEAD"),             "not-modified"],
  ["If-None-Match matching on another method: 412",           () => when({ ifNoneMatch: '"xyzzy"' }, "DELETE"),           "precondition-failed"],
  ["If-Modified-Since the same second: 304 (one-second resolution)", () => when({ ifModifiedSince: "Sun, 06 Nov 1994 08:49:37 GMT" }), "not-modified"],
  ["If-Modified-Since later: 304",                            () => when({ ifModifiedSince: "Mon, 07 Nov 1994 08:49:37 GMT" }), "not-modified"],
  ["If-Modified-Since a second before: proceed",              () => when({ ifModifiedSince: "Sun, 06 Nov 1994 08:49:36 GMT" }), "proceed"],
  ["If-Modified-Since in RFC 850 format works",               () => when({ ifModifiedSince: "Sunday, 06-Nov-94 08:49:37 GMT" }), "not-modified"],
  ["If-Modified-Since in asctime format works",               () => when({ ifModifiedSince: "Sun Nov  6 08:49:37 1994" }), "not-modified"],
  ["If-Modified-Since is ignored when If-None-Match is present", () => when({ ifNoneMatch: '"other"', ifModifiedSince: "Mon, 07 Nov 1994 08:49:37 GMT" }), "proceed"],
  ["If-Modified-Since with an invalid date is ignored",       () => when({ ifModifiedSince: "Sun, 06 Nov 1994" }),        "proceed"],
  ["If-Modified-Since is ignored for methods other than GET and HEAD", () => when({ ifModifiedSince: "Mon, 07 Nov 1994 08:49:37 GMT" }, "POST"), "proceed"],
  ["If-Match failing wins over If-None-Match (step 1 before 3)", () => when({ ifMatch: '"other"', ifNoneMatch: '"xyzzy"' }), "precondition-failed"],
];
for (const [rule, verdict, want] of verdicts) {
  Deno.test(`evaluatePreconditions() ${rule}`, () => {
    assertEquals(verdict(), want);
  });
}

// ── ifRangeAllows ──
// deno-fmt-ignore
const ifRanges: [rule: string, value: string | undefined, want: boolean][] = [
  ["no If-Range: the Range applies",                 undefined,                         true],
  ["the current strong tag: the Range applies",      '"xyzzy"',                         true],
  ["another tag: the whole file instead",            '"other"',                         false],
  ["a weak tag never matches (strong comparison)",   'W/"xyzzy"',                       false],
  ["exactly Last-Modified: the Range applies",       "Sun, 06 Nov 1994 08:49:37 GMT",   true],
  ["a later date is not an exact match",             "Sun, 06 Nov 1994 08:49:38 GMT",   false],
  ["an invalid date: the whole file",                "not a date",                      false],
];
for (const [rule, value, want] of ifRanges) {
  Deno.test(`ifRangeAllows() ${rule} (${value})`, () => {
    assertEquals(ifRangeAllows(value, FILE, NOW), want);
  });
}
