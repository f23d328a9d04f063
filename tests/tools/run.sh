#!/usr/bin/env bash
# tests/tools/run.sh — every test, one command (`deno task test`):
#   1. deno fmt --check, lint, check, lesson:check (the code is clean, LESSON.md matches it and
#      LESSON.zh.md matches LESSON.md),
#      and in CI, exercise --check (each exercise is solvable, and its tests fail on the stub)
#   2. deno test tests/ LESSON.md LESSON.zh.md    (lib/ tables, server.ts over real sockets, lessons)
#   3. tests/lab_netns.sh                         (the lab's seven checks from h2 to h1)
#      tests/lab_offline.sh                       (h1 without a network: topo.py finds a Deno)
#   4. topo.py --test                             (the same, through Mininet itself)
# The real-client tests of step 2 (tests/e2e/clients_test.ts: curl, wget, requests, ffmpeg, VLC,
# Chromium) skip a program that is missing, and steps 3-4 need root, `ip netns` and Mininet;
# CI sets REQUIRE_CLIENTS=1 and LAB_REQUIRED=1, and installs them all (.ci/run), so there a
# missing piece is a failure.
# Ends with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
export NO_COLOR=1
DENO=${DENO:-$(command -v deno)}
export DENO
passed=0 failed=0
count() { if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $2"; fi; }

echo "== 1. fmt, lint, check"
"$DENO" fmt --check; count $? "deno fmt --check"
"$DENO" lint; count $? "deno lint"
"$DENO" check server.ts lib/*.ts $(find tests bench -name '*.ts'); count $? "deno check"
"$DENO" run --allow-read tests/tools/lesson_check.ts; count $? "lesson:check (LESSON.md matches the code, LESSON.zh.md matches LESSON.md)"

if [ -n "${CI:-}" ]; then
  # The exercises: stubs match lib/, and every function's tests fail against its untouched stub
  # (the tests test something) and pass against lib/ (the exercise can be solved). ~25 s.
  "$DENO" run --allow-read --allow-write=tests/exercises --allow-run --allow-env tests/tools/exercise.ts --check
  count $? "exercise --check"
fi

echo "== 2. deno test"
# Chromium is driven by playwright-core from npm (its own browser download is never used).
if command -v chromium >/dev/null && [ ! -d tests/e2e/browser/node_modules/playwright-core ]; then
  npm ci --prefix tests/e2e/browser --silent --no-audit --no-fund || echo "npm ci failed"
fi
out=$(mktemp)
"$DENO" test --doc --allow-read --allow-write --allow-net --allow-run --allow-env tests/ LESSON.md LESSON.zh.md 2>&1 | tee "$out"
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

bash tests/lab_offline.sh
code=$?
if [ "$code" = 77 ] && [ "${LAB_REQUIRED:-0}" != 1 ]; then
  echo "offline: skipped"
else
  count "$code" "topo.py finds a Deno on h1 without a network"
fi

echo "== 4. the lab, through Mininet (topo.py)"
if [ "$(id -u)" = 0 ] && /usr/bin/python3 -c "import mininet" 2>/dev/null; then
  /usr/bin/python3 topo.py --test
  count $? "topo.py --test" # (not `mn -c` afterwards: it also deletes /tmp/*.log of others)
elif [ "${LAB_REQUIRED:-0}" = 1 ]; then
  count 1 "topo.py --test: Mininet is not installed (apt-get install mininet)"
else
  echo "topo: skipped (needs root and Debian's mininet)"
fi

for shot in tests/e2e/artifacts/*.png; do [ -f "$shot" ] && echo "artifact: $shot"; done
echo "tests took ${SECONDS} s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
