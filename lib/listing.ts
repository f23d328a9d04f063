// lib/listing.ts — the HTML page `--list` shows for a folder without an index.html.
// Pure: server.ts reads the folder (Deno.readDir + stat) and passes the entries in.

import { HTML, type Reply } from "./reply.ts";
import { escapeHtml, htmlPage, httpDate } from "./response.ts";

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
  const shown = entries
    .filter((e) => dotfiles || !e.name.startsWith("."))
    .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || compareNames(a.name, b.name));
  const title = `Index of ${escapeHtml(urlPath)}`;
  const rows = shown.map((e) => {
    const href = encodeURIComponent(e.name) + (e.isDirectory ? "/" : "");
    const text = escapeHtml(e.name) + (e.isDirectory ? "/" : "");
    const size = e.isDirectory ? "—" : humanSize(e.size);
    return `<tr><td><a href="${href}">${text}</a></td><td>${size}</td><td>${
      httpDate(e.mtimeMs)
    }</td></tr>`;
  });
  const parent = urlPath === "/"
    ? ""
    : `<tr><td><a href="../">../</a></td><td></td><td></td></tr>\n`;
  const table = `<table>\n<tr><th>Name</th><th>Size</th><th>Modified</th></tr>\n` + parent +
    rows.join("\n") + `\n</table>`;
  return htmlPage(title, table);
}

/** listingReply is the 200 that carries a folder's listing page (directoryListing). */
export function listingReply(urlPath: string, entries: DirEntry[], dotfiles = false): Reply {
  const page = new TextEncoder().encode(directoryListing(urlPath, entries, dotfiles));
  return { status: 200, fields: [["Content-Type", HTML]], body: [page], close: false };
}

/** Names compare as people expect: "file2" before "file10", case ignored first. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" }) || (a < b ? -1 : 1);
}

/** 1536 → "1.5 KiB": binary units, one decimal under 10. */
function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${bytes} B`
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
