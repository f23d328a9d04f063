// lib/cgi.ts — the Common Gateway Interface (RFC 3875), seed 001's §5.2: the server runs a program
// for a request, tells it about the request in environment variables, gives it the body on
// stdin, and turns what it prints into the response. Pure: server.ts runs the program (runCgi).

import { closing, type Reply, statusReply } from "./reply.ts";
import type { Field } from "./response.ts";
import { fieldValue, findHeadEnd, type RequestHead, TOKEN } from "./request.ts";

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
  const { head } = request;
  const env: Record<string, string> = {
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_SOFTWARE: "tinyhttps",
    SERVER_PROTOCOL: `HTTP/1.${head.minorVersion === 0 ? 0 : 1}`,
    SERVER_NAME: request.serverName,
    SERVER_PORT: String(request.serverPort),
    REQUEST_METHOD: head.method,
    REQUEST_URI: head.target,
    SCRIPT_NAME: request.scriptName,
    SCRIPT_FILENAME: request.scriptFilename,
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.query,
    REMOTE_ADDR: request.remoteAddr,
    DOCUMENT_ROOT: request.documentRoot,
    PATH: "/usr/local/bin:/usr/bin:/bin",
  };
  if (request.pathInfo !== "") env.PATH_TRANSLATED = request.documentRoot + request.pathInfo;
  if (request.https) env.HTTPS = "on";
  if (request.contentLength > 0) env.CONTENT_LENGTH = String(request.contentLength);
  const type = fieldValue(head, "content-type");
  if (type !== undefined) env.CONTENT_TYPE = type;
  for (const [name, values] of head.fields) {
    if (["proxy", "authorization", "content-length", "content-type"].includes(name)) continue;
    if (name.includes("_")) continue;
    env[`HTTP_${name.toUpperCase().replaceAll("-", "_")}`] = values.join(", ");
  }
  return env;
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
  const bodyStart = findHeadEnd(output, 0, Math.min(output.length, 64 * 1024));
  if (bodyStart === -1) {
    return { kind: "error", reason: "no empty line after the CGI header block" };
  }
  const text = strictUtf8(output.subarray(0, bodyStart))?.trimEnd();
  if (text === undefined) return { kind: "error", reason: "a header line that is not UTF-8" };
  const fields: Field[] = [];
  let status: number | undefined, hasType = false, hasLocation = false;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) {
      return { kind: "error", reason: `not a header line: ${JSON.stringify(line.slice(0, 80))}` };
    }
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) return { kind: "error", reason: `a control byte in ${name}` };
    const lower = name.toLowerCase();
    if (lower === "status") {
      const match = /^([1-5]\d\d)(?: .*)?$/.exec(value);
      if (match === null) return { kind: "error", reason: `a bad Status: ${value}` };
      status = Number(match[1]);
    } else if (!["content-length", "connection", "transfer-encoding"].includes(lower)) {
      hasType ||= lower === "content-type";
      hasLocation ||= lower === "location";
      fields.push([name, value]);
    }
  }
  if (!hasType && !hasLocation) return { kind: "error", reason: "no Content-Type and no Location" };
  return { kind: "response", status: status ?? (hasLocation ? 302 : 200), fields, bodyStart };
}

/** The text of UTF-8 bytes, or undefined if they are not UTF-8 (no U+FFFD put in their place). */
function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** splitCgiPath tells whether a path under the root names a CGI program: `cgi-bin/NAME` and
 * anything after it, which becomes PATH_INFO (RFC 3875 §4.1.5: "The PATH_INFO variable specifies
 * a path to be interpreted by the CGI script"). `cgi-bin/hello.sh/a/b` → script `hello.sh`,
 * pathInfo `/a/b`; `cgi-bin/` alone, or any other path, → undefined. The path comes from
 * resolveTarget, so it is decoded, normalised and cannot climb out of cgi-bin/. */
export function splitCgiPath(path: string): { script: string; pathInfo: string } | undefined {
  const [folder, script, ...rest] = path.split("/");
  if (folder !== "cgi-bin" || script === undefined || script === "") return undefined;
  return { script, pathInfo: rest.length === 0 ? "" : "/" + rest.join("/") };
}

/** cgiReply is the Reply for what a program printed: the status and fields it asked for and
 * the rest of its output as the body, or a 500 when parseCgiOutput found it unusable (the page
 * says only that: the reason is for the server's log). A 1xx is an interim answer, never a
 * final one (RFC 9110 §15.2), so a program that ends on one has failed as a gateway: 502
 * (§15.6.3). Either failure closes the connection. */
export function cgiReply(answer: CgiAnswer, output: Uint8Array): Reply {
  if (answer.kind === "error") {
    return closing(statusReply(500, "The CGI program failed; see the server's log."));
  }
  if (answer.status < 200) {
    return closing(statusReply(502, "The CGI program answered with an interim (1xx) status."));
  }
  const body = [output.subarray(answer.bodyStart)];
  return { status: answer.status, fields: answer.fields, body, close: false };
}
