// tests/grade/report.ts — the grader's results as text for a student (at most six lines a
// check: verdict, sent, got, want, rule, learn) or as JSON for a teacher's scripts. The words
// come from tests/grade/messages.ts; the results from the checks of tests/grade/checks.ts.

import type { Outcome, Verdict } from "./checks.ts";
import type { Messages } from "./messages.ts";

/** One check's outcome, with where and how long. */
export interface Result extends Outcome {
  id: string;
  stage: string;
  ms: number;
}

export interface Run {
  http: string;
  https: string;
  root?: string;
  results: Result[];
  /** The check after which the server stopped answering, if it did. */
  diedAfter?: string;
  ms: number;
}

const VERDICTS: Verdict[] = ["PASS", "FAIL", "WARN", "SKIP", "NOT RUN"];

export function counts(results: Result[]): Record<Verdict, number> {
  const all = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of results) all[r.verdict]++;
  return all;
}

/** Exit code 0 only when no check FAILed and every check ran (a WARN is allowed). */
export function exitCode(run: Run): number {
  const c = counts(run.results);
  return c.FAIL === 0 && c["NOT RUN"] === 0 ? 0 : 1;
}

const line = (c: Record<Verdict, number>) =>
  VERDICTS.filter((v) => c[v] > 0).map((v) => `${c[v]} ${v}`).join(", ");

/** One check, explained: one line for a PASS, up to six for anything else. */
export function explain(result: Result, text: Messages): string[] {
  const check = text.checks[result.id];
  const words = text.report;
  const head = `${result.verdict.padEnd(4)} ${result.id}  ${check.title}`;
  if (result.verdict === "PASS") return [head];
  const note = result.note ? check.notes?.[result.note] ?? result.note : undefined;
  if (result.verdict === "NOT RUN") return [head];
  if (result.verdict === "SKIP") return [`${head} — ${note ?? words.needsRoot}`];
  const lines = [head];
  if (result.sent) lines.push(`  ${words.sent.padEnd(5)} ${result.sent}`);
  if (result.got) lines.push(`  ${words.got.padEnd(5)} ${result.got}`);
  const want = [result.want, note].filter((x) => x).join(" — ");
  if (want) lines.push(`  ${words.want.padEnd(5)} ${want}`);
  lines.push(`  ${words.rule.padEnd(5)} ${check.rule}`);
  lines.push(`  ${words.learn.padEnd(5)} ${check.learn}`);
  return lines.map((l) => l.replace(/\r\n/g, "\\r\\n"));
}

/** The whole report: the stages in order, each with its checks and a summary, then the total. */
export function textReport(run: Run, text: Messages): string {
  const out = [text.report.grading(run.http, run.https, run.root)];
  const stages = [...new Set(run.results.map((r) => r.stage))];
  for (const stage of stages) {
    const results = run.results.filter((r) => r.stage === stage);
    out.push("", `== ${text.report.stages[stage] ?? stage}`);
    for (const result of results) {
      out.push(...explain(result, text));
      if (result.id === run.diedAfter) out.push(`  !! ${text.report.died(result.id)}`);
    }
    out.push(`  → ${stage}: ${line(counts(results))}`);
  }
  const took = text.report.took((run.ms / 1000).toFixed(1));
  out.push("", `${text.report.total(line(counts(run.results)))}${took}`);
  out.push(`(${text.report.exitNote})`);
  return out.join("\n");
}

/** The report for scripts: every result, the counts per stage, the total, and the exit code. */
export function jsonReport(run: Run): string {
  const stages = Object.fromEntries(
    [...new Set(run.results.map((r) => r.stage))].map((s) => [
      s,
      counts(run.results.filter((r) => r.stage === s)),
    ]),
  );
  return JSON.stringify(
    { ...run, stages, total: counts(run.results), exitCode: exitCode(run) },
    null,
    2,
  );
}
