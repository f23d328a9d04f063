// tests/exercises/cgi.ts — your version of lib/cgi.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise cgi

// lib/cgi.ts — the Common Gateway Interface (RFC 3875), seed 001's §5.2: the server runs a program
// for a request, tells it about the request in environment variables, gives it the body on
// stdin, and turns what it prints into the response. Pure: server.ts runs the program (runCgi).

import { closing, type Reply, statusReply } from "../../lib/reply.ts";
import type { Field } from "../../lib/response.ts";
import { fieldValue, findHeadEnd, type RequestHead, TOKEN } from "../../lib/request.ts";

/** What the server knows about a CGI request besides its head. */
export interface CgiRequest {
  head: RequestHead;
  /** The URL path of the script ("/cgi-bin/hello.sh") and what follows it ("/a/b" or ""). */
  scriptName: string;
  pathInfo: string;
  /** The query without its "?". */
  query: string;
  /** The script's file, and the web root (for PATH_TRANSLATED). */
  scriptFilename: string;
  documentRoot: string;
  remoteAddr: string;
  serverName: string;
  serverPort: number;
  https: boolean;
  /** The request body's length (0 when there is none). */
  contentLength: number;
}

/** cgiEnvironment builds the program's environment, RFC 3875 §4.1 ("meta-variables"): the
 * request's method, query, path, protocol, client and server, and every request header field as
 * `HTTP_NAME` (§4.1.18: "The HTTP header field name is converted to upper case, has all
 * occurrences of "-" replaced with "_" and has "HTTP_" prepended"). Left out on purpose:
 * `Proxy` (a header named Proxy would become HTTP_PROXY, which many programs obey as their
 * outgoing proxy: the "httpoxy" hole, CVE-2016-5385), Authorization (§4.1.18 lets the server
 * withhold it), Content-Length/Content-Type, which have their own variables, and every name
 * with an "_" in it: "X_Forwarded_For" would become the same HTTP_X_FORWARDED_FOR as
 * "X-Forwarded-For" and overwrite it, so a client could forge what the program trusts (nginx and
 * Apache drop such names too). */
export function cgiEnvironment(request: CgiRequest): Record<string, string> {
  // TODO: write cgiEnvironment. Its lesson: "## cgiEnvironment" in LESSON.md.
  throw new Error("TODO: cgiEnvironment");
}

/** parseCgiOutput's answer: the response the program asked for, or why its output is unusable. */
export type CgiAnswer =
  | { kind: "response"; status: number; fields: Field[]; bodyStart: number }
  | { kind: "error"; reason: string };

/** parseCgiOutput reads the header block a CGI program prints before its body (RFC 3875 §6):
 * lines up to an empty line, each `Name: value`, LF or CRLF. `Status: 404 Not Found` sets the
 * status (§6.3.3); `Location` without a Status means 302 Found (§6.2.3, §6.2.4: a local path is
 * answered as a redirect too, not followed inside the server); otherwise the status is 200 and
 * `Content-Type` is required (§6.3.1: "If an entity body is returned, the script MUST supply a
 * Content-Type field"). Content-Length, Connection and Transfer-Encoding are the server's to
 * set, so they are dropped. Header values are sent as the program's bytes, so they must be
 * UTF-8 (re-encoded, they are then the same bytes) and hold no CR, LF or NUL (RFC 9110 §5.5).
 * Anything malformed is an error: the client gets a 500, and the reason goes to the server's
 * log, never to the client. */
export function parseCgiOutput(output: Uint8Array): CgiAnswer {
  // TODO: write parseCgiOutput. Its lesson: "## parseCgiOutput" in LESSON.md.
  throw new Error("TODO: parseCgiOutput");
}

/** splitCgiPath tells whether a path under the root names a CGI program: `cgi-bin/NAME` and
 * anything after it, which becomes PATH_INFO (RFC 3875 §4.1.5: "The PATH_INFO variable specifies
 * a path to be interpreted by the CGI script"). `cgi-bin/hello.sh/a/b` → script `hello.sh`,
 * pathInfo `/a/b`; `cgi-bin/` alone, or any other path, → undefined. The path comes from
 * resolveTarget, so it is decoded, normalised and cannot climb out of cgi-bin/. */
export function splitCgiPath(path: string): { script: string; pathInfo: string } | undefined {
  // TODO: write splitCgiPath. Its lesson: "## splitCgiPath" in LESSON.md.
  throw new Error("TODO: splitCgiPath");
}

/** cgiReply is the Reply for what a program printed: the status and fields it asked for and
 * the rest of its output as the body, or a 500 when parseCgiOutput found it unusable (the page
 * says only that: the reason is for the server's log). A 1xx is an interim answer, never a
 * final one (RFC 9110 §15.2), so a program that ends on one has failed as a gateway: 502
 * (§15.6.3). Either failure closes the connection. */
export function cgiReply(answer: CgiAnswer, output: Uint8Array): Reply {
  // TODO: write cgiReply. Its lesson: "## cgiReply" in LESSON.md.
  throw new Error("TODO: cgiReply");
}
