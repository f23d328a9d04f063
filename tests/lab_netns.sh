#!/usr/bin/env bash
# tests/lab_netns.sh — the lab, for real, on one machine: two network namespaces joined by a
# veth pair stand in for Mininet's h1 (10.0.0.1) and h2 (10.0.0.2). h1 runs `deno task start`
# (ports 80 and 443, root static/), h2 runs tests/lab_test.py, then the grader (tests/grade.ts).
# Needs root, iproute2 and python3-requests. Exit 0 if all seven checks pass and the grader
# reports no failure; exit 77 if it cannot run here.
set -u
cd "$(dirname "$0")/.."
DENO=${DENO:-$(command -v deno || true)}
PY=${LAB_PYTHON:-/usr/bin/python3}
h1="tinyhttps-h1-$$" h2="tinyhttps-h2-$$"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || [ -z "$DENO" ] ||
   ! "$PY" -c "import requests" 2>/dev/null; then
  echo "lab: cannot run here (needs root, iproute2, deno and $PY with requests)"
  exit 77
fi

log=$(mktemp)
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  ip netns del "$h1" 2>/dev/null; ip netns del "$h2" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT

ip netns add "$h1" && ip netns add "$h2" || exit 77
ip link add "v$$a" netns "$h1" type veth peer name "v$$b" netns "$h2"
ip -n "$h1" addr add 10.0.0.1/24 dev "v$$a" && ip -n "$h1" link set "v$$a" up && ip -n "$h1" link set lo up
ip -n "$h2" addr add 10.0.0.2/24 dev "v$$b" && ip -n "$h2" link set "v$$b" up && ip -n "$h2" link set lo up

ip netns exec "$h1" "$DENO" task start >"$log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q "https://" "$log" && break
  sleep 0.1
done

ip netns exec "$h2" "$PY" tests/lab_test.py 10.0.0.1 static
status=$?
# Then the grader (deno task grade, tests/grade.ts) from h2, as a student runs it: every check
# against http://10.0.0.1 and https://10.0.0.1, without --root (static/ is left as it is, so the
# checks that need the grader's own files are skipped). Exit 0: nothing failed.
ip netns exec "$h2" "$DENO" run --allow-net --allow-read --allow-write --allow-run=openssl \
  --unsafely-ignore-certificate-errors tests/grade.ts 2>&1 | grep -v 'DANGER:'
grade=${PIPESTATUS[0]}
[ "$grade" = 0 ] || { echo "lab: the grader from h2 exited $grade"; status=1; }
echo "lab: the server on h1 logged:"
sed 's/^/  h1| /' "$log"
exit $status
