// tests/tools/compare_nginx.ts — the same raw requests to tinyhttps and to nginx, side by side.
// Not a test (nginx's answers are not ours to assert); a tool for reviewing protocol choices:
//   deno run -A tests/tools/compare_nginx.ts        (needs /usr/sbin/nginx: apt-get install nginx-light)
// Both serve static/ over TLS with certs/; prints a Markdown table of every request whose status
// or key header fields differ. Loopback only; stops both servers when done.

import { join } from "@std/path";
import { PROJECT, request, startServer } from "../e2e/helpers.ts";

const NGINX_PORT = 18443;
const dir = await Deno.makeTempDir({ prefix: "nginx-compare-" });
const conf = join(dir, "nginx.conf");
await Deno.writeTextFile(
  conf,
  `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http {
  include /etc/nginx/mime.types; access_log off; client_body_temp_path ${dir};
  server {
    listen 127.0.0.1:${NGINX_PORT} ssl; server_name localhost;
    ssl_certificate ${PROJECT}certs/cert.pem; ssl_certificate_key ${PROJECT}certs/key.pem;
    root ${PROJECT}static;
  }
}`,
);
const nginx = new Deno.Command("/usr/sbin/nginx", { args: ["-c", conf], stderr: "piped" }).spawn();
const tiny = await startServer(["--quiet"]);
await new Promise((r) => setTimeout(r, 500));

const g = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
const CASES: [string, string][] = [
  ["GET /index.html", g("/index.html")],
  ["HEAD /index.html", "HEAD /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["Range bytes=100-200", g("/index.html", "Range: bytes=100-200\r\n")],
  ["Range bytes=-100", g("/index.html", "Range: bytes=-100\r\n")],
  ["Range bytes=999999-", g("/index.html", "Range: bytes=999999-\r\n")],
  ["Range bytes=-0", g("/index.html", "Range: bytes=-0\r\n")],
  ["Range bytes=5-4 (invalid)", g("/index.html", "Range: bytes=5-4\r\n")],
  ["Range items=0-4 (unknown unit)", g("/index.html", "Range: items=0-4\r\n")],
  ["Range bytes=0-1,5-6", g("/index.html", "Range: bytes=0-1,5-6\r\n")],
  [
    "Range bytes=0-99999999999999999999",
    g("/index.html", "Range: bytes=0-99999999999999999999\r\n"),
  ],
  ["HEAD with Range", "HEAD /index.html HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-9\r\n\r\n"],
  [
    "If-Modified-Since +1 s",
    g("/index.html", `If-Modified-Since: ${new Date(Date.now() + 1000).toUTCString()}\r\n`),
  ],
  [
    "If-Modified-Since (RFC 850 date)",
    g("/index.html", "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n"),
  ],
  ['If-Match "x"', g("/index.html", 'If-Match: "x"\r\n')],
  ['If-None-Match "x"', g("/index.html", 'If-None-Match: "x"\r\n')],
  ["If-Range stale with Range", g("/index.html", 'Range: bytes=0-9\r\nIf-Range: "x"\r\n')],
  ["GET /notfound.html", g("/notfound.html")],
  ["GET /dir (no slash)", g("/dir")],
  ["GET /index.html/ (file + slash)", g("/index.html/")],
  ["GET /../etc/passwd", g("/../etc/passwd")],
  ["GET /%2e%2e/etc/passwd", g("/%2e%2e/etc/passwd")],
  ["GET /%zz (bad escape)", g("/%zz")],
  ["GET /index.html%00", g("/index.html%00")],
  ["POST /", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"],
  ["DELETE /index.html", "DELETE /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["BREW / (unknown method)", "BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["get / (lower-case method)", "get / HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n"],
  ["two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
  ["space before colon", "GET / HTTP/1.1\r\nHost : localhost\r\n\r\n"],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n"],
  ["HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n"],
  ["HTTP/1.2", "GET / HTTP/1.2\r\nHost: localhost\r\n\r\n"],
  [
    "TE + CL",
    "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
  ],
  ["target of 9000 bytes", g("/" + "a".repeat(9000))],
  ["header of 20000 bytes", g("/", `X: ${"b".repeat(20000)}\r\n`)],
  ["absolute-form target", "GET https://localhost/index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ["OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"],
];
// Compared: status, these fields, and the media type without parameters (nginx sends no charset).
const KEYS = ["content-range", "allow", "location"];

const describe = async (port: number, text: string) => {
  try {
    const bodyless = text.startsWith("HEAD");
    const r = await request(port, true, text, bodyless);
    const type = (r.headers.get("content-type") ?? "none").split(";")[0];
    const fields = KEYS.filter((k) => r.headers.has(k)).map((k) => `${k}: ${r.headers.get(k)}`);
    return { status: String(r.status), fields: [type, ...fields].join(", ") };
  } catch (error) {
    return { status: "—", fields: `no answer (${(error as Error).name})` };
  }
};

console.log("| request | tinyhttps | nginx 1.22 |\n|---|---|---|");
let same = 0;
for (const [name, text] of CASES) {
  const a = await describe(tiny.httpsPort, text);
  const b = await describe(NGINX_PORT, text);
  if (a.status === b.status && a.fields === b.fields) {
    same++;
    continue;
  }
  console.log(`| ${name} | ${a.status} ${a.fields} | ${b.status} ${b.fields} |`);
}
console.log(`\n${same} of ${CASES.length} requests got the same status and fields from both.`);
await tiny.stop();
nginx.kill("SIGTERM");
await nginx.output();
await Deno.remove(dir, { recursive: true });
