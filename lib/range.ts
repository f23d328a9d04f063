// lib/range.ts — byte ranges (RFC 9110 §14): which bytes of a file a `Range` header asks for,
// and the `Content-Range` values that describe them. Pure arithmetic: the size is an argument.
// fileReply (lib/reply.ts) turns the answer into a Reply; server.ts streams the parts.

/** One satisfiable range, both offsets inclusive, as in `Content-Range: bytes 0-499/1000`. */
export interface ByteRange {
  first: number;
  last: number;
}

/** parseRange's answer; fileReply (lib/reply.ts) turns each kind into a status. */
export type RangeAnswer =
  | { kind: "whole" } // 200: ignore the header, send the whole file
  | { kind: "parts"; parts: ByteRange[] } // 206: one part, or multipart/byteranges for several
  | { kind: "unsatisfiable" }; // 416, Content-Range from unsatisfiedRange()

/** The most ranges one request may ask for; more → the whole file (200). RFC 9110 §14.2: "A
 * server MAY ignore the Range header field", and in particular one with "a set of many small
 * ranges that are not listed in ascending order, since these are indications of either a broken
 * client or a deliberate denial-of-service attack (Section 17.15)": each part costs the server a
 * seek and a part header. We cap the count whatever the order: a cheap rule, within that MAY. */
export const MAX_RANGES = 16;

const WHOLE: RangeAnswer = { kind: "whole" };

/** parseRange resolves a `Range` field value against a representation of `size` bytes.
 * RFC 9110 §14.1.1: `ranges-specifier = range-unit "=" range-set`, `range-set = 1#range-spec`,
 * `int-range = first-pos "-" [ last-pos ]`, `suffix-range = "-" suffix-length`. Then:
 * - "An origin server MUST ignore a Range header field that contains a range unit it does not
 *   understand" (§14.2), and we may ignore an invalid one: both → "whole";
 * - "An int-range is satisfiable if the first-pos is less than the current length of the
 *   selected representation"; "A suffix-range is satisfiable if the suffix-length is greater
 *   than zero" (§14.1.2); if none is → "unsatisfiable" (416);
 * - a last-pos past the end is clamped: "if the value is greater than or equal to the current
 *   length ..., the byte range is interpreted as the remainder of the representation";
 * - an empty file, more than MAX_RANGES ranges, or parts that add up to more bytes than the file
 *   (overlaps) → "whole": a 200 serves the same bytes at less cost (§14.2 "MAY ignore").
 * Numbers of any length are safe: Number("99999999999999999999") is a large float that still
 * compares correctly with any real size, so nothing overflows. */
export function parseRange(value: string, size: number): RangeAnswer {
  const equals = value.indexOf("=");
  if (equals === -1 || value.slice(0, equals).trim().toLowerCase() !== "bytes") return WHOLE;
  const specs = value.slice(equals + 1).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (specs.length === 0 || specs.length > MAX_RANGES || size === 0) return WHOLE;
  const parts: ByteRange[] = [];
  for (const spec of specs) {
    const match = /^(\d*)-(\d*)$/.exec(spec);
    if (match === null || (match[1] === "" && match[2] === "")) return WHOLE; // invalid: ignore
    const part = satisfiablePart(match[1], match[2], size);
    if (part === "invalid") return WHOLE;
    if (part !== "unsatisfiable") parts.push(part);
  }
  if (parts.length === 0) return { kind: "unsatisfiable" };
  const total = parts.reduce((sum, p) => sum + p.last - p.first + 1, 0);
  return total > size && parts.length > 1 ? WHOLE : { kind: "parts", parts };
}

/** One range-spec against the size, with the names the §14.1.1 grammar uses. */
function satisfiablePart(
  firstPos: string,
  lastPos: string,
  size: number,
): ByteRange | "invalid" | "unsatisfiable" {
  if (firstPos === "") { // suffix-range: the last suffixLength bytes
    const suffixLength = Number(lastPos);
    if (suffixLength === 0) return "unsatisfiable";
    return { first: Math.max(0, size - suffixLength), last: size - 1 };
  }
  const first = Number(firstPos);
  const last = lastPos === "" ? Infinity : Number(lastPos);
  if (last < first) return "invalid"; // §14.1.1: "invalid if the last-pos ... is less than the first-pos"
  if (first >= size) return "unsatisfiable";
  return { first, last: Math.min(last, size - 1) };
}

/** contentRange is the `Content-Range` value of a 206 part, RFC 9110 §14.4:
 * `Content-Range: bytes 42-1233/1234` ("first-pos - last-pos / complete-length"). */
export function contentRange(part: ByteRange, size: number): string {
  return `bytes ${part.first}-${part.last}/${size}`;
}

/** unsatisfiedRange is the `Content-Range` value of a 416, RFC 9110 §15.5.17: "When this status
 * code is generated in response to a byte-range request, the sender SHOULD generate a
 * Content-Range header field specifying the current length of the selected representation" —
 * "bytes", an asterisk, a slash and the size (§14.4 `unsatisfied-range`). */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
