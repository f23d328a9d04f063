#!/usr/bin/env bash
# tests/lab_offline.sh — h1 has no network: topo.py must still find a Deno it can run there, or
# say what to do, at once. (Before, `npx --yes deno@2.9.6` on h1 waited about 70 s; with only npx
# installed, `topo.py --test` failed after 23 s with "deno: No such file or directory".)
# In a network namespace with nothing but its loopback, `topo.py --find-deno` is run
#   1. with no deno on the PATH and one in an npx cache: it must name the cached one;
#   2. with no deno anywhere (npx installed, its cache empty): it must exit 1 with the advice;
# each within 30 s. Needs root, iproute2, /usr/bin/python3 and deno; exit 77 if it cannot run here.
set -u
cd "$(dirname "$0")/.."
DENO=${DENO:-$(command -v deno || true)}
ns="tinyhttps-offline-$$"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || [ -z "$DENO" ] || [ ! -x /usr/bin/python3 ]; then
  echo "offline: cannot run here (needs root, iproute2, deno and /usr/bin/python3)"
  exit 77
fi
work=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns" || exit 77
ip -n "$ns" link set lo up

# A PATH without deno (/bin is /usr/bin on Debian, so not that): node and npx if there, and sh.
mkdir -p "$work/bin" "$work/home-cached/.npm/_npx/0123abcd/node_modules/deno" "$work/home-empty"
for p in node npx sh; do command -v "$p" >/dev/null && ln -s "$(command -v "$p")" "$work/bin/$p"; done
ln -s "$(readlink -f "$DENO")" "$work/home-cached/.npm/_npx/0123abcd/node_modules/deno/deno"
offline() { # HOME, then what to expect: runs topo.py --find-deno in the namespace, timed
  local start=$SECONDS out code
  out=$(ip netns exec "$ns" env -i HOME="$1" PATH="$work/bin" \
    "$(command -v timeout)" 60 /usr/bin/python3 topo.py --find-deno 2>&1)
  code=$?
  echo "$out" | sed 's/^/  | /'
  echo "  (exit $code after $((SECONDS - start)) s)"
  [ $((SECONDS - start)) -le 30 ] || { echo "FAIL: took more than 30 s"; return 1; }
  LAST_OUT=$out LAST_CODE=$code
}
status=0
echo "offline 1: deno only in an npx cache, no network"
offline "$work/home-cached" || status=1
if [ "${LAST_CODE:-1}" = 0 ] && grep -q "h1 will run $work/home-cached/.npm/_npx/0123abcd/node_modules/deno/deno" <<<"$LAST_OUT"; then
  echo "ok: it found the cached deno"
else
  echo "FAIL: it should have named the deno in the npx cache"; status=1
fi
echo "offline 2: no deno anywhere, no network"
offline "$work/home-empty" || status=1
if [ "${LAST_CODE:-0}" = 1 ] && grep -q "npx --yes deno@" <<<"$LAST_OUT"; then
  echo "ok: it said what to do"
else
  echo "FAIL: it should exit 1 and say how to get Deno"; status=1
fi
exit $status
