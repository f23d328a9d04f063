// tests/exercises/target.ts — your version of lib/target.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise target

// lib/target.ts — from a request-target to a path under the web root (RFC 9112 §3.2, RFC 3986).
// Pure: it never touches the disk. server.ts joins the answer to the root, then checks with
// isInsideRoot() that the real path (symlinks followed) did not leave it.

import { type HttpError, httpError } from "../../lib/request.ts";

/** resolveTarget's answer: a path relative to the root ("" is the root itself), whether the
 * target ended in "/" (a directory: serve its index), and the query, kept for redirects. */
export type TargetAnswer =
  | { kind: "path"; path: string; directory: boolean; query: string }
  | HttpError;

/** resolveTarget turns a request-target into a safe path relative to the root:
 * 1. origin-form ("/a/b?q") is used as it is; absolute-form ("http://host/a/b?q") is accepted,
 *    RFC 9112 §3.2.2: "a server MUST accept the absolute-form in requests"; other forms → 400;
 * 2. the query is split off first, so "?" inside it is never part of a file name;
 * 3. the path is split into segments and each is percent-decoded exactly once (RFC 3986 §2.4:
 *    "Implementations must not percent-encode or decode the same string more than once"), so
 *    "%252e" stays the file name "%2e"; a malformed escape or invalid UTF-8 → 400;
 * 4. a segment that decodes to "/", "\" or NUL → 400: it would be a path separator or end the
 *    name in the file system, though it was not one in the URL;
 * 5. "." and ".." are removed as in RFC 3986 §5.2.4, after decoding, so "%2e%2e" is ".." too;
 *    a ".." that would climb above the root → 400 (RFC 9110 §17.3: "the server must be careful
 *    not to ... deliver files that were not intended to be delivered");
 * 6. a name starting with "." (".git", ".env") is hidden → 404, unless `dotfiles` is true. */
export function resolveTarget(target: string, dotfiles = false): TargetAnswer {
  // TODO: write resolveTarget. Its lesson: "## resolveTarget" in LESSON.md.
  throw new Error("TODO: resolveTarget");
}

/** directoryLocation builds the Location for a directory asked for without its final slash:
 * "/docs" → "/docs/", keeping the query. RFC 9110 §15.4.2 (301): "the server SHOULD generate a
 * Location header field in the response containing a preferred URI reference for the new
 * permanent URI". Without the slash, relative links inside the directory's index.html would
 * resolve against the parent. The path is re-encoded from clean segments, so it always starts
 * with exactly one "/" and can never become "//host", an open redirect. */
export function directoryLocation(path: string, query: string): string {
  // TODO: write directoryLocation. Its lesson: "## directoryLocation" in LESSON.md.
  throw new Error("TODO: directoryLocation");
}

/** isInsideRoot tells whether `realPath` lies inside the directory `realRoot` (both absolute and
 * already resolved with realpath, so symlinks are followed). RFC 9110 §17.3 warns about paths
 * that reach "outside the resources intended to be accessible"; a symlink in the root that
 * points to /etc is exactly such a path, and only the server's own check can catch it. */
export function isInsideRoot(realPath: string, realRoot: string): boolean {
  // TODO: write isInsideRoot. Its lesson: "## isInsideRoot" in LESSON.md.
  throw new Error("TODO: isInsideRoot");
}
