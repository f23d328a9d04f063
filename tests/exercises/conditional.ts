// tests/exercises/conditional.ts — your version of lib/conditional.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise conditional

// lib/conditional.ts — validators and conditional requests (RFC 9110 §8.8, §13): "send it only
// if it changed" (304), "change nothing unless it is still the version I have" (412), and
// If-Range. Pure: the file's size and times are arguments; lib/reply.ts calls these (fileReply).

import { MONTHS } from "../../lib/response.ts";

/** What identifies one version of a file: its ETag and its modification time. */
export interface Validators {
  etag: string;
  /** Last-Modified, in milliseconds since 1970 (already no later than the response's Date). */
  modifiedMs: number;
}

/** The conditional header fields of a request; absent ones are undefined. */
export interface Conditions {
  method: string;
  /** When the request arrived (ms since 1970): two-digit years are read relative to it. */
  nowMs: number;
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

/** evaluatePreconditions' answer: go on, 304, or 412. */
export type Verdict = "proceed" | "not-modified" | "precondition-failed";

/** strongETag makes the entity tag of a file from its size, modification time and inode number.
 * RFC 9110 §8.8.3: an entity-tag is `[ weak ] opaque-tag`, and "A strong validator might change
 * for reasons other than a change to the representation data"; a tag that changes whenever the
 * file is edited or replaced is enough. It must be **strong**: VLC strips `W/` and sends the tag
 * back in If-Match on some of its Range requests (the test in tests/e2e/clients_test.ts sees
 * them), and If-Match uses strong comparison (§13.1.1), so a weak tag would fail those with 412. */
export function strongETag(size: number, mtimeMs: number, ino: number): string {
  // TODO: write strongETag. Its lesson: "## strongETag" in LESSON.md.
  throw new Error("TODO: strongETag");
}

/** fileValidators computes a file's validators as the response will send them: the strong ETag,
 * and Last-Modified no later than now — RFC 9110 §8.8.2.1: "An origin server with a clock MUST
 * NOT generate a Last-Modified date that is later than the server's time of message origination
 * (Date)", since a file copied from a machine whose clock runs ahead would claim to come from
 * the future and could then never be "modified since". */
export function fileValidators(
  size: number,
  mtimeMs: number,
  ino: number,
  nowMs: number,
): Validators {
  // TODO: write fileValidators. Its lesson: "## fileValidators" in LESSON.md.
  throw new Error("TODO: fileValidators");
}

/** evaluatePreconditions applies RFC 9110 §13.2.2, "When the method is GET or HEAD ... evaluate
 * the preconditions in the following order":
 * 1. If-Match present: false → 412 (§13.1.1, strong comparison);
 * 2. else If-Unmodified-Since present and a valid date: modified after it → 412 (§13.1.4);
 * 3. If-None-Match present: a weak match → 304 for GET and HEAD (§13.1.2), 412 otherwise;
 * 4. else, for GET and HEAD, If-Modified-Since a valid date and the file not modified after it
 *    → 304 (§13.1.3; "not modified" compares whole seconds, the resolution of an HTTP-date).
 * Invalid dates are ignored, as §13.1.3 and §13.1.4 require ("A recipient MUST ignore the
 * If-Modified-Since header field if the received field-value is not a valid HTTP-date"). */
export function evaluatePreconditions(conditions: Conditions, file: Validators): Verdict {
  // TODO: write evaluatePreconditions. Its lesson: "## evaluatePreconditions" in LESSON.md.
  throw new Error("TODO: evaluatePreconditions");
}

/** ifRangeAllows tells whether a Range may be honoured given an If-Range value (RFC 9110
 * §13.1.5): no If-Range → yes; an entity-tag → only if it matches strongly (a weak tag never
 * does); an HTTP-date → only if it equals Last-Modified exactly ("the validator is an exact match
 * for the selected representation's last modification date"). When it says no, the server sends
 * the whole file with 200, so a player never splices bytes of an edited file into old ones. */
export function ifRangeAllows(
  ifRange: string | undefined,
  file: Validators,
  nowMs: number,
): boolean {
  // TODO: write ifRangeAllows. Its lesson: "## ifRangeAllows" in LESSON.md.
  throw new Error("TODO: ifRangeAllows");
}

const strongMatch = (a: string, b: string) => !a.startsWith("W/") && !b.startsWith("W/") && a === b;
const weakMatch = (a: string, b: string) => a.replace(/^W\//, "") === b.replace(/^W\//, "");

/** parseHttpDate reads the three date formats RFC 9110 §5.6.7 says "A recipient that parses a
 * timestamp value in an HTTP field MUST accept": IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
 * the obsolete RFC 850 format (`Sunday, 06-Nov-94 08:49:37 GMT`) and ANSI C's asctime()
 * (`Sun Nov  6 08:49:37 1994`). Returns milliseconds since 1970, or undefined for anything else
 * (Date.parse is not used: it accepts far more than HTTP allows, differently per engine).
 * RFC 850's two-digit year is read as §5.6.7 says: "Recipients of a timestamp value in
 * rfc850-date format, which uses a two-digit year, MUST interpret a timestamp that appears to be
 * more than 50 years in the future as representing the most recent year in the past that had the
 * same last two digits" (the future as seen from `nowMs`). */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  // TODO: write parseHttpDate. Its lesson: "## parseHttpDate" in LESSON.md.
  throw new Error("TODO: parseHttpDate");
}
