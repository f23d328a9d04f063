// tests/fuzz_test.ts — property tests with a seeded generator: thousands of random and mutated
// inputs for the parsers of lib/. Each must answer with a value (or a typed error), never throw,
// never hang, and its answer must keep the function's promises. The seed is printed by the test
// names, so a failure can be replayed exactly.

import { assert, assertEquals } from "@std/assert";
import { parseHttpDate } from "../lib/conditional.ts";
import { MAX_RANGES, parseRange } from "../lib/range.ts";
import { httpsLocation } from "../lib/redirect.ts";
import { findHeadEnd, parseRequestHead } from "../lib/request.ts";
import { resolveTarget } from "../lib/target.ts";

const SEED = 20261122;
const RUNS = 5000;

/** mulberry32: a tiny seeded PRNG, so every run sees the same "random" inputs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = random(SEED);
const int = (n: number) => Math.floor(rng() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const stringOf = (alphabet: string, max: number) =>
  Array.from({ length: int(max) }, () => alphabet[int(alphabet.length)]).join("");
const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

const VALID = "GET /dir/index.html?x=1 HTTP/1.1\r\nHost: 10.0.0.1\r\nRange: bytes=0-99\r\n" +
  'Connection: keep-alive\r\nIf-None-Match: "abc"\r\n\r\n';

/** Flip, insert, delete or duplicate a few bytes of a valid request. */
function mutate(text: string): string {
  let s = text;
  for (let i = 0, n = 1 + int(4); i < n; i++) {
    const at = int(s.length + 1);
    switch (int(5)) {
      case 0:
        s = s.slice(0, at) + String.fromCharCode(int(256)) + s.slice(at + 1);
        break;
      case 1:
        s = s.slice(0, at) + pick(["\r", "\n", " ", ":", "\0", "\t", "%", "/", "..", "\r\n"]) +
          s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1 + int(8));
        break;
      case 3:
        s = s.slice(0, at) + s.slice(at, at + int(40)) + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + "X".repeat(int(3000)) + s.slice(at);
    }
  }
  return s;
}

Deno.test(`parseRequestHead() answers every random or mutated head with a value (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const text = i % 2 ? mutate(VALID) : stringOf("GET /HTP1.\r\n: ab\t\0%\x80\xff", 300);
    const answer = parseRequestHead(bytes(text));
    if (answer.kind === "error") {
      assert(
        [400, 414, 431, 505].includes(answer.status),
        `${answer.status} for ${JSON.stringify(text)}`,
      );
      continue;
    }
    assert(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(answer.head.method));
    assert(/^[\x21-\x7e]+$/.test(answer.head.target));
    for (const [name, values] of answer.head.fields) {
      assertEquals(name, name.toLowerCase());
      for (const v of values) assert(!/[\r\n\0]/.test(v), JSON.stringify(v));
    }
  }
});

Deno.test(`findHeadEnd() on random bytes finds only real empty lines (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const b = bytes(stringOf("\r\nab", 60));
    const end = findHeadEnd(b, 0, b.length);
    if (end === -1) continue;
    const tail = String.fromCharCode(...b.subarray(Math.max(0, end - 3), end));
    assert(tail.endsWith("\n\n") || tail.endsWith("\n\r\n"), JSON.stringify(tail));
  }
});

Deno.test(`parseRange() keeps every part inside the file, for any input (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const size = pick([0, 1, 2, 10, 1000, 2 ** 40]);
    const value = pick(["bytes=", "Bytes=", "bytes= ", "items=", ""]) +
      stringOf("0123456789-, ", 40) + (i % 7 === 0 ? "9".repeat(int(40)) : "");
    const answer = parseRange(value, size);
    if (answer.kind !== "parts") continue;
    assert(answer.parts.length >= 1 && answer.parts.length <= MAX_RANGES);
    for (const { first, last } of answer.parts) {
      assert(Number.isInteger(first) && Number.isInteger(last), value);
      assert(0 <= first && first <= last && last < size, `${value} on ${size}: ${first}-${last}`);
    }
  }
});

Deno.test(`resolveTarget() never yields a path that leaves the root or shows a dotfile (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const target = "/" + stringOf("ab./\\%2eEfF05c?#\0", 40);
    const answer = resolveTarget(target);
    if (answer.kind === "error") {
      assert([400, 404].includes(answer.status));
      continue;
    }
    if (answer.path === "") continue;
    for (const segment of answer.path.split("/")) {
      assert(segment !== "" && segment !== "." && segment !== "..", `${target} → ${answer.path}`);
      assert(!segment.startsWith(".") && !/[\\\0]/.test(segment), `${target} → ${answer.path}`);
    }
  }
});

Deno.test(`httpsLocation() always stays on the request's host (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const target = pick(["/", "//", "http://", "*"]) + stringOf('ab/.:@?#%\\"<>evil', 30);
    const host = pick(["10.0.0.1", "example.com:80", "[::1]:8080", ""]);
    const text = `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    const answer = parseRequestHead(bytes(text));
    if (answer.kind !== "head") continue;
    const location = httpsLocation(answer.head, 8443, "10.9.9.9");
    const url = new URL(location); // throws if the Location is not a valid URL
    assertEquals(url.protocol, "https:");
    if (!target.startsWith("http://")) {
      const expected = host === "" ? "10.9.9.9" : host.replace(/:\d+$/, "");
      assertEquals(url.hostname, expected.toLowerCase(), `${target} → ${location}`);
    }
  }
});

Deno.test(`parseHttpDate() returns a number or undefined for any input (seed ${SEED})`, () => {
  for (let i = 0; i < RUNS; i++) {
    const text = i % 2
      ? mutate("Sun, 06 Nov 1994 08:49:37 GMT")
      : stringOf("SunMoNov 0123456789:,-GMT", 40);
    const ms = parseHttpDate(text, Date.UTC(2026, 0, 1));
    assert(ms === undefined || Number.isFinite(ms), text);
  }
});
