// tests/exercises/listing.ts — your version of lib/listing.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise listing

// lib/listing.ts — the HTML page `--list` shows for a folder without an index.html.
// Pure: server.ts reads the folder (Deno.readDir + stat) and passes the entries in.

import { HTML, type Reply } from "../../lib/reply.ts";
import { escapeHtml, htmlPage, httpDate } from "../../lib/response.ts";

/** One entry of a folder, as server.ts found it. */
export interface DirEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
}

/** directoryListing renders a folder as an HTML page: folders first, then files, each group in
 * name order; a link, a size and a date per entry; a link to the parent folder except at the root.
 * Names starting with "." are left out unless `dotfiles` (as resolveTarget hides them). Every name
 * is percent-encoded in its link and HTML-escaped in its text, so a file called
 * `<script>alert(1)</script>.html` shows as text and links to itself, and cannot run. RFC 9110
 * §15.3.1 asks only that a 200 carry "a representation of the target resource": for a folder,
 * a page that lists it is that representation. */
export function directoryListing(urlPath: string, entries: DirEntry[], dotfiles = false): string {
  // TODO: write directoryListing. Its lesson: "## directoryListing" in LESSON.md.
  throw new Error("TODO: directoryListing");
}

/** listingReply is the 200 that carries a folder's listing page (directoryListing). */
export function listingReply(urlPath: string, entries: DirEntry[], dotfiles = false): Reply {
  // TODO: write listingReply. Its lesson: "## listingReply" in LESSON.md.
  throw new Error("TODO: listingReply");
}
