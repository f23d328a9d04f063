#!/usr/bin/env python3
"""tests/lab_test.py — the networks lab's seven checks (../shared/spec/LAB.md), run from h2.

Usage: python3 tests/lab_test.py [HOST] [ROOT] [HTTP_PORT HTTPS_PORT]
       (defaults: 10.0.0.1, the static/ folder, ports 80 and 443 as in the lab)

Like the lab's test/test.py it uses `requests` with verify=False (the certificate is
self-signed) and a 2 s timeout on every request; it prints one PASS/FAIL line per check and
exits 1 if any check failed.
"""
import os
import sys

import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

HOST = sys.argv[1] if len(sys.argv) > 1 else "10.0.0.1"
ROOT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "static")
HTTP = f"http://{HOST}" + (f":{sys.argv[3]}" if len(sys.argv) > 3 else "")
HTTPS = f"https://{HOST}" + (f":{sys.argv[4]}" if len(sys.argv) > 4 and sys.argv[4] != "443" else "")
with open(os.path.join(ROOT, "index.html"), "rb") as f:
    INDEX = f.read()


def check_1_http_redirects_to_https():
    r = requests.get(f"{HTTP}/index.html", allow_redirects=False, verify=False, timeout=2)
    assert r.status_code == 301, r.status_code
    assert r.headers["Location"] == f"{HTTPS}/index.html", r.headers["Location"]


def check_2_https_serves_the_file():
    r = requests.get(f"{HTTPS}/index.html", verify=False, timeout=2)
    assert r.status_code == 200, r.status_code
    assert r.content == INDEX


def check_3_redirect_followed():
    r = requests.get(f"{HTTP}/index.html", verify=False, timeout=2)
    assert r.status_code == 200, r.status_code
    assert r.content == INDEX


def check_4_not_found():
    r = requests.get(f"{HTTP}/notfound.html", verify=False, timeout=2)
    assert r.status_code == 404, r.status_code


def check_5_file_in_a_folder():
    r = requests.get(f"{HTTP}/dir/index.html", verify=False, timeout=2)
    assert r.status_code == 200, r.status_code
    assert r.content == INDEX


def check_6_range_first_and_last():
    r = requests.get(f"{HTTPS}/index.html", headers={"Range": "bytes=100-200"},
                     verify=False, timeout=2)
    assert r.status_code == 206, r.status_code
    assert r.content == INDEX[100:201], len(r.content)


def check_7_range_to_the_end():
    r = requests.get(f"{HTTPS}/index.html", headers={"Range": "bytes=100-"},
                     verify=False, timeout=2)
    assert r.status_code == 206, r.status_code
    assert r.content == INDEX[100:], len(r.content)


def main():
    checks = [v for k, v in sorted(globals().items()) if k.startswith("check_")]
    failed = 0
    for check in checks:
        try:
            check()
            print(f"PASS {check.__name__}")
        except Exception as e:  # an AssertionError, or a timeout, refused connection, ...
            failed += 1
            print(f"FAIL {check.__name__}: {type(e).__name__}: {e}")
    print(f"lab: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
