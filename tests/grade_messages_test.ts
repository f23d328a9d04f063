// tests/grade_messages_test.ts — the grader's Chinese table (tests/grade/messages.ts) says
// everything the English one says: the same check ids, the same notes, the same report words,
// the same placeholders and the same things that are not translated (RFC sections, printf
// formats, C and lib/ function names, options, the LESSON it points to, in its Chinese twin);
// the words around the bytes (`wire`) keep the protocol tokens and, in Chinese, no English word
// besides them; and a zh locale (LANG=zh_CN.UTF-8) chooses it when no --lang is given. No
// server is started.

import { assert, assertEquals } from "@std/assert";
import { langFromEnv, MESSAGES, type Messages } from "./grade/messages.ts";
import { explain, type Result } from "./grade/report.ts";

const { en, zh } = MESSAGES;

/** Every string of a table by its path ("checks.range.suffix.notes.whole"), and every function
 * (the sentences with values in them) by its path. */
function leaves(table: Messages) {
  const strings = new Map<string, string>();
  const functions = new Map<string, (...args: string[]) => string>();
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") strings.set(path, value);
    else if (typeof value === "function") functions.set(path, value as () => string);
    else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    }
  };
  walk(table, "");
  return { strings, functions };
}

/** What a translation keeps as it is, sorted: placeholders (`${x}`, `{x}`, `%ld`, `%20`), RFC
 * numbers and § sections, C and lib/ names (SSL_accept(), MSG_NOSIGNAL, parseRange,
 * subjectAltName), options (--root), and the LESSON.md or README.md pointed to — in Chinese,
 * LESSON.zh.md and README.zh.md. */
function kept(text: string, lang: "en" | "zh"): string[] {
  const pattern =
    /\$\{\w+\}|\{\w+\}|%[0-9A-Za-z]+|RFC \d+|§\d+(?:\.\d+)*|\b\w+\(\)|\b[a-z]+[A-Z]\w*|\b\w*[A-Z0-9]_\w+|--[a-z][a-z-]*|\b(?:LESSON|README)(?:\.zh)?\.md/g;
  return [...text.matchAll(pattern)]
    .map(([token]) => lang === "en" ? token.replace(/^(LESSON|README)\.md$/, "$1.zh.md") : token)
    .sort();
}

Deno.test("grade messages: every English message has a Chinese one, and every Chinese one an English one", () => {
  const [e, z] = [leaves(en), leaves(zh)];
  const missing = [...e.strings.keys(), ...e.functions.keys()].filter(
    (path) => !z.strings.has(path) && !z.functions.has(path),
  );
  const extra = [...z.strings.keys(), ...z.functions.keys()].filter(
    (path) => !e.strings.has(path) && !e.functions.has(path),
  );
  assertEquals(missing, [], "English messages with no Chinese");
  assertEquals(extra, [], "Chinese messages with no English");
  assertEquals(Object.keys(zh.checks).sort(), Object.keys(en.checks).sort());
  for (const [path, text] of z.strings) assert(text.trim() !== "", `zh ${path} is empty`);
});

Deno.test("grade messages: placeholders, RFC sections and names match between English and Chinese", () => {
  const [e, z] = [leaves(en), leaves(zh)];
  const differ: string[] = [];
  for (const [path, text] of e.strings) {
    const chinese = z.strings.get(path);
    if (chinese === undefined) continue; // the test above names it
    const [want, got] = [kept(text, "en"), kept(chinese, "zh")];
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      differ.push(`${path}: en keeps ${want.join(" ")}; zh keeps ${got.join(" ")}`);
    }
  }
  assertEquals(differ, [], "the Chinese must keep what the English keeps");
  // The sentences with values: the same parameters, and each value appears in the sentence.
  for (const [path, fn] of e.functions) {
    const chinese = z.functions.get(path);
    if (chinese === undefined) continue;
    assertEquals(chinese.length, fn.length, `zh ${path} takes ${fn.length} values`);
    const values = Array.from({ length: fn.length }, (_, i) => `VALUE${i}`);
    for (const value of values) {
      assert(fn(...values).includes(value), `en ${path} shows ${value}`);
      assert(
        chinese(...values).includes(value),
        `zh ${path} shows ${value}: ${chinese(...values)}`,
      );
    }
  }
  assertEquals(zh.report.grading("http://h", "https://h"), "评分：http://h 和 https://h");
});

/** What the words around the bytes (the `wire` table) keep: the values put in, and the protocol
 * around them — HTTP versions, status codes, field names, TLS versions, TCP, TLS, ALPN. */
function protocol(text: string): string[] {
  const pattern =
    /VALUE\d|HTTP\/1\.[01]|https?\/1\.1|TLSv1\.\d|\b[1-5]\d\d\b|\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b|\b(?:TCP|TLS|ALPN|ClientHello|sha256)\b|bytes \*\//g;
  return [...text.matchAll(pattern)].map(([token]) => token).sort();
}

/** A wire sentence of a table, every value a placeholder VALUE0, VALUE1, …. */
const filled = (value: string | ((...args: string[]) => string)) =>
  typeof value === "string"
    ? value
    : value(...Array.from({ length: value.length }, (_, i) => `VALUE${i}`));

Deno.test("grade messages: the words around the bytes keep the protocol, and the Chinese no English", () => {
  const wire = (table: Messages) =>
    Object.entries(table.wire) as [string, string | ((...args: string[]) => string)][];
  const chinese = new Map(wire(zh));
  const differ: string[] = [];
  const english: string[] = [];
  for (const [key, value] of wire(en)) {
    const translated = chinese.get(key);
    if (translated === undefined) continue; // the first test names it
    const [e, z] = [filled(value), filled(translated)];
    if (JSON.stringify(protocol(e)) !== JSON.stringify(protocol(z))) {
      differ.push(
        `wire.${key}: en keeps ${protocol(e).join(" ")}; zh keeps ${protocol(z).join(" ")}`,
      );
    }
    // What is left of the Chinese once the protocol is taken out: no English word.
    const left = protocol(z).reduce((rest, token) => rest.replace(token, ""), z);
    const words = left.match(/[A-Za-z]{2,}/g);
    if (words) english.push(`wire.${key}: ${words.join(" ")} in "${z}"`);
  }
  assertEquals(differ, [], "the Chinese must keep the protocol the English keeps");
  assertEquals(english, [], "English words left in the Chinese");
});

Deno.test("grade messages: every check explains itself in Chinese, the labels aligned", () => {
  for (const id of Object.keys(en.checks)) {
    const result: Result = {
      id,
      stage: "files",
      verdict: "FAIL",
      sent: "GET /",
      got: "x",
      want: "200",
      ms: 1,
    };
    const lines = explain(result, zh);
    assertEquals(lines.length, 6, id);
    assert(lines[0].includes(zh.checks[id].title), id);
    assertEquals(new Set(lines.slice(1).map((l) => l.indexOf(" ", 4))).size, 1, `${id}: aligned`);
  }
});

Deno.test("grade messages: with no --lang, a zh locale chooses Chinese", () => {
  const from = (env: Record<string, string>) => langFromEnv((name) => env[name]);
  assertEquals(from({ LANG: "zh_CN.UTF-8" }), "zh");
  assertEquals(from({ LANG: "en_US.UTF-8" }), "en");
  assertEquals(from({}), "en");
  assertEquals(from({ LANG: "" }), "en");
  assertEquals(from({ LANG: "C.UTF-8" }), "en");
  assertEquals(from({ LANG: "zh_TW.UTF-8" }), "zh");
  assertEquals(from({ LC_MESSAGES: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }), "zh");
  assertEquals(from({ LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }), "zh");
  assertEquals(from({ LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" }), "en", "LC_ALL comes first");
  assertEquals(from({ LC_ALL: "", LANG: "zh_CN.UTF-8" }), "zh", "an empty LC_ALL is unset");
  for (const lang of ["en", "zh"]) assert(MESSAGES[lang], `--lang ${lang} is a table`);
});
