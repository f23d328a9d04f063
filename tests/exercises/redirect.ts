// tests/exercises/redirect.ts — your version of lib/redirect.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise redirect

// lib/redirect.ts — what port 80 answers: the https:// URL of the same resource (RFC 9110 §15.4.2).
// Pure: the request head and the ports are arguments. server.ts writes the Reply (see route()).

import { type Reply, statusReply } from "../../lib/reply.ts";
import { fieldValue, type RequestHead } from "../../lib/request.ts";
import { hexByte } from "../../lib/response.ts";

/** Characters that may stay as they are in a URI path and query (RFC 3986 §3.3, §3.4: pchar, "/"
 * and "?"); every other byte is percent-encoded, so the Location is always a valid URI. */
const URI_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g;

/** redirectReply is port 80's whole answer: RFC 9110 §15.4.2, 301 Moved Permanently, "The server
 * SHOULD generate a Location header field in the response containing a preferred URI reference
 * for the new permanent URI", with a short page for clients that do not follow it. */
export function redirectReply(head: RequestHead, httpsPort: number, fallbackHost: string): Reply {
  // TODO: write redirectReply. Its lesson: "## redirectReply" in LESSON.md.
  throw new Error("TODO: redirectReply");
}

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
const URI_HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)$/;

/** bracketIPv6 writes an address as the host of a URL: RFC 3986 §3.2.2, "A host identified by an
 * Internet Protocol literal address, version 6 [RFC3513] or later, is distinguished by enclosing
 * the IP literal within square brackets" — `::1` → `[::1]`, since its colons would otherwise
 * read as the start of a port. An IPv4 address or a name stays as it is. */
export function bracketIPv6(address: string): string {
  // TODO: write bracketIPv6. Its lesson: "## bracketIPv6" in LESSON.md.
  throw new Error("TODO: bracketIPv6");
}
