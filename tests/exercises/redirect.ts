// tests/exercises/redirect.ts — your version of lib/redirect.ts (see tests/exercise.ts).
// Write each function marked TODO, then: deno task exercise redirect

// lib/redirect.ts — what port 80 answers: the https:// URL of the same resource (RFC 9110 §15.4.2).
// Pure: the request head and the ports are arguments. server.ts sends the 301 (see redirectToHttps).

import { fieldValue, type RequestHead } from "../../lib/request.ts";

/** Characters that may stay as they are in a URI path and query (RFC 3986 §3.3, §3.4: pchar, "/"
 * and "?"); every other byte is percent-encoded, so the Location is always a valid URI. */
const URI_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g;

/** httpsLocation is the `Location` of the 301 that port 80 sends: `https://` + host + port (left
 * out when the HTTPS port is 443, RFC 9110 §4.2.2's default) + the same path and query.
 * - The host comes from an absolute-form target if there is one, else from Host (RFC 9112 §3.3:
 *   the target URI's authority is "the field value of the Host header field"), minus its port;
 *   `fallbackHost` (the address the client connected to) stands in when neither names a valid one.
 *   parseRequestHead has already checked Host's syntax, so it cannot hold "/", "@" or spaces.
 * - The path keeps its percent-encoding. "//evil.example/x" stays a path on this host: it follows
 *   "https://host", so it can never become the authority (the open redirect of CVE-2021-28861).
 * - "*" (OPTIONS *) and authority-form targets have no path: they go to "/". */
export function httpsLocation(head: RequestHead, httpsPort: number, fallbackHost: string): string {
  // TODO: write httpsLocation. Its lesson: "## httpsLocation" in LESSON.md.
  throw new Error("TODO: httpsLocation");
}

/** RFC 3986 §3.2.2: host = IP-literal / reg-name, reg-name = *( unreserved / pct-encoded /
 * sub-delims ), minus pct-encoded: browsers decode "%ae" in a host as UTF-8 and refuse the URL
 * when it is not, and no real client sends one (names beyond ASCII travel as punycode). */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)$/;
