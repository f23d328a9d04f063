#!/usr/bin/env bash
# tests/run.sh — every test, one command (`deno task test`):
#   1. deno fmt --check, lint, check, lesson:check (the code is clean, LESSON.md matches it)
#   2. deno test tests/ LESSON.md                 (lib/ tables, server.ts over real sockets, lessons)
#   3. tests/lab_netns.sh                         (the lab's seven checks from h2 to h1)
# The lab needs root and `ip netns`; elsewhere it is reported as skipped, unless
# LAB_REQUIRED=1 (CI sets it), when not being able to run it is a failure.
# Ends with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export NO_COLOR=1
DENO=${DENO:-$(command -v deno)}
export DENO
passed=0 failed=0
count() { if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $2"; fi; }

echo "== 1. fmt, lint, check"
"$DENO" fmt --check; count $? "deno fmt --check"
"$DENO" lint; count $? "deno lint"
"$DENO" check server.ts lib/ tests/; count $? "deno check"
"$DENO" run --allow-read tests/lesson_check.ts; count $? "lesson:check (LESSON.md matches the code)"

echo "== 2. deno test"
out=$(mktemp)
"$DENO" test --doc --allow-read --allow-write --allow-net --allow-run --allow-env tests/ LESSON.md 2>&1 | tee "$out"
code=${PIPESTATUS[0]}
# Deno's summary: "ok | 211 passed (54 steps) | 0 failed (0 steps)"; count tests and steps.
summary=$(grep -E '^(ok|FAILED) \| ' "$out" | tail -n 1)
nums() { sed -nE "s/.* ([0-9]+) $1( \(([0-9]+) steps?\))?.*/\1 \3/p" <<<"$summary"; }
read -r p ps <<<"$(nums passed)"; read -r f fs <<<"$(nums failed)"
passed=$((passed + ${p:-0} + ${ps:-0})) failed=$((failed + ${f:-0} + ${fs:-0}))
if [ "$code" != 0 ] && [ "${f:-0}" = 0 ]; then count 1 "deno test exited $code"; fi
rm -f "$out"

echo "== 3. the lab, in network namespaces"
bash tests/lab_netns.sh
code=$?
if [ "$code" = 77 ] && [ "${LAB_REQUIRED:-0}" != 1 ]; then
  echo "lab: skipped"
else
  count "$code" "the lab in network namespaces"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
