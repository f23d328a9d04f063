// tests/grade/messages.ts — every sentence the grader prints, in one table keyed by check id,
// so that a translation is one more table (`--lang zh`) and no sentence hides in the checks
// (tests/grade/checks.ts) or the report (tests/grade/report.ts). Values that come off the
// wire (the bytes sent and received) are data, not text, and are never translated.
//
// Each check has: a title (what a server must do, one line), the rule (RFC section and one
// sentence), where to learn (the LESSON.md part or lib/ function, and the usual cause in a C
// server), and notes: the sentence for one particular way of failing or of being allowed.

export interface CheckText {
  title: string;
  rule: string;
  learn: string;
  notes?: Record<string, string>;
}

/** The words of the report around the checks. */
export interface ReportText {
  stages: Record<string, string>;
  sent: string;
  got: string;
  want: string;
  rule: string;
  learn: string;
  died: (check: string) => string;
  needsRoot: string;
  total: (counts: string) => string;
  exitNote: string;
  /** How a Got that is no response reads. */
  closed: string;
  timeout: (ms: number) => string;
  nothing: string;
}

export interface Messages {
  checks: Record<string, CheckText>;
  report: ReportText;
}

const C_ONE_RECV = "in C: one recv() is not one request — loop until \\r\\n\\r\\n";

const en: Messages = {
  checks: {
    "tcp.http": {
      title: "port 80 accepts a TCP connection",
      rule: "RFC 9112 §9.1: HTTP/1.1 runs over a TCP connection the client opens to the server.",
      learn: "LESSON.md part 1; in C: socket(), bind() (SO_REUSEADDR), listen(), accept()",
    },
    "tcp.https": {
      title: "port 443 accepts a TCP connection",
      rule: "RFC 9110 §4.2.2: https is HTTP over TLS over TCP, on port 443 by default.",
      learn: "LESSON.md parts 1–2; in C: a second listening socket, its own thread or select()",
    },
    "tls.handshake": {
      title: "port 443 completes a TLS handshake",
      rule: "RFC 8446 §2: before any HTTP byte, client and server agree on keys in a handshake.",
      learn: "LESSON.md part 1; in C: SSL_CTX_use_certificate_file, SSL_accept after accept()",
    },
    "tls.version": {
      title: "TLS 1.2 or 1.3",
      rule: "RFC 8996 §5: TLS 1.0 and 1.1 MUST NOT be used; RFC 9325 asks for 1.2 or 1.3.",
      learn: "LESSON.md part 1; in C: TLS_server_method() (never TLSv1_server_method())",
      notes: { noOpenssl: "openssl is not installed here: the handshake was not inspected." },
    },
    "tls.certificate": {
      title: "an X.509 v3 certificate",
      rule:
        "RFC 5280 §4.1.2.1: names for the host live in the subjectAltName extension, which only v3 has.",
      learn:
        "README.md (the lab's certificate); deno task certs --key keys/cnlab.prikey --from keys/cnlab.cert",
      notes: {
        v1:
          "The lab's cnlab.crt is v1: the Python test (verify=False) accepts it, browsers, curl and Deno refuse it.",
      },
    },
    "tls.san": {
      title: "the certificate names the host in subjectAltName",
      rule:
        "RFC 6125 §6.4.4 / RFC 9110 §4.3.4: clients match the host against subjectAltName, not the CN.",
      learn: "certs/make-cert.sh: -addext subjectAltName=IP:10.0.0.1",
      notes: { missing: "A browser would say the certificate is not for this host." },
    },
    "tls.alpn": {
      title: "ALPN: http/1.1 or none",
      rule: "RFC 7301 §3.2: a server that picks a protocol must speak it; h2 is not HTTP/1.1.",
      learn: "LESSON.md part 1 (ALPN); in C: no ALPN callback is fine for this lab",
      notes: { h2: "The server chose h2; this grader speaks HTTP/1.1 only." },
    },
    "redirect.status": {
      title: "port 80 answers 301",
      rule:
        "RFC 9110 §15.4.2: 301 Moved Permanently, with the new URI in Location; the lab asks 301.",
      learn: "LESSON.md part 5, redirectReply; in C: the port 80 thread answers every request so",
    },
    "redirect.location": {
      title: "Location is the same URL on https",
      rule: "RFC 9110 §10.2.2: Location holds the URI the client is to request instead.",
      learn: 'LESSON.md part 5, httpsLocation; in C: "https://" + host (no port) + path',
    },
    "redirect.query": {
      title: "the 301 keeps the query string",
      rule: "RFC 3986 §3.4: the query is part of the URI; dropping it names another resource.",
      learn: "httpsLocation; in C: copy the whole request-target, ?query included",
    },
    "redirect.host-port": {
      title: "Host with a port: the http port is not kept on https",
      rule:
        "RFC 9110 §7.2: Host is host[:port]; the https URL needs the https port, or none for 443.",
      learn: "httpsLocation; in C: cut Host at ':' before building the https URL",
    },
    "redirect.absolute-form": {
      title: "absolute-form targets are redirected too",
      rule: 'RFC 9112 §3.2.2: "a server MUST accept the absolute-form in requests".',
      learn: 'LESSON.md part 4, parseRequestHead; in C: skip "http://host" before the path',
    },
    "redirect.framing": {
      title: "the 301 is framed (Content-Length), or the connection closes",
      rule: "RFC 9112 §6.3: without Content-Length the body ends only when the server closes.",
      learn: "frameReply; in C: send Content-Length: 0 (or the body's length) with the 301",
    },
    "files.index": {
      title: "GET /index.html: 200 and its exact bytes",
      rule: "RFC 9110 §15.3.1: 200 OK carries the representation; Content-Length counts its bytes.",
      learn:
        "LESSON.md parts 6–7, fileReply; in C: send the file's size, then exactly that many bytes",
      notes: { noRoot: "Without --root the bytes are compared with Content-Length only." },
    },
    "files.dir": {
      title: "GET /dir/index.html: a file in a folder",
      rule: "RFC 9110 §4.1: the path names a resource; here a file under the root.",
      learn: "LESSON.md part 6, resolveTarget",
    },
    "files.content-type": {
      title: "Content-Type: text/html for .html",
      rule:
        "RFC 9110 §8.3: a sender SHOULD send Content-Type; a browser may not render without it.",
      learn: "mediaType; in C: a small table from the file extension",
    },
    "files.text": {
      title: "a text file: exact bytes and Content-Length",
      rule: "RFC 9110 §8.6: Content-Length is the number of bytes of the content.",
      learn: "LESSON.md part 7; in C: stat() the file for its size",
    },
    "files.binary": {
      title: "a binary file with NUL bytes: exact bytes",
      rule: "RFC 9110 §3.2: content is a sequence of octets; any byte, zero included.",
      learn: "LESSON.md part 7; in C: SSL_write with the byte count from fread, not strlen",
    },
    "files.big": {
      title: "a big file (tens of MB): exact bytes, and the server survives",
      rule: "RFC 9110 §8.6: Content-Length may be any size; the server streams it.",
      learn:
        "LESSON.md part 7 (streamed from disk); in C: a fixed buffer in a loop, not char buf[size]",
    },
    "files.name": {
      title: "a file name with spaces and non-ASCII (percent-encoded)",
      rule:
        "RFC 3986 §2.1: a space is %20, é is %C3%A9 in UTF-8; the server decodes before open().",
      learn: "resolveTarget; in C: decode %XX before fopen()",
    },
    "notfound.status": {
      title: "a missing file is 404",
      rule: "RFC 9110 §15.5.5: 404 Not Found, when no file has that name.",
      learn: "noFileReply; in C: fopen() == NULL → 404",
    },
    "notfound.framing": {
      title: "the 404 is framed: a kept-alive client gets its next answer",
      rule: "RFC 9112 §6.3: no Content-Length, no close: the client waits for the end forever.",
      learn: "responseFraming; in C: Content-Length with every answer, 404s too",
    },
    "range.first-last": {
      title: "Range: bytes=100-200 is 206 with bytes 100 to 200, both included",
      rule: "RFC 9110 §14.1.2: first-pos and last-pos are inclusive: 100-200 is 101 bytes.",
      learn: "parseRange; in C: length = last - first + 1",
      notes: { whole: "The lab asks for 206 here." },
    },
    "range.content-range": {
      title: "a 206 has Content-Range: bytes first-last/size",
      rule: "RFC 9110 §15.3.7: a 206 of one part MUST generate Content-Range.",
      learn: 'contentRange; in C: "Content-Range: bytes %ld-%ld/%ld\\r\\n"',
    },
    "range.open": {
      title: "Range: bytes=100- runs to the end of the file",
      rule: "RFC 9110 §14.1.2: an int-range without last-pos is the remainder of the file.",
      learn: "parseRange; in C: no last-pos → size - 1",
      notes: { whole: "The lab asks for 206 here." },
    },
    "range.suffix": {
      title: "Range: bytes=-100 is the last 100 bytes",
      rule: "RFC 9110 §14.1.2: a suffix-range is the last N bytes of the file.",
      learn: "parseRange; in C: sscanf(\"%ld-%ld\") reads -100 as a first-pos: test for '-' first",
      notes: { whole: "Allowed (a server MAY ignore Range, §14.2), but VLC asks for the end so." },
    },
    "range.clamped": {
      title: "a last-pos past the end is clamped to the last byte",
      rule: "RFC 9110 §14.1.2: a last-pos at or past the end means the remainder of the file.",
      learn: "parseRange; in C: if (last >= size) last = size - 1",
      notes: { whole: "Allowed (a server MAY ignore Range, §14.2)." },
    },
    "range.unsatisfiable": {
      title: "a first-pos at the size is 416 with Content-Range: bytes */size",
      rule:
        "RFC 9110 §15.5.17: 416 when no range fits; it SHOULD carry Content-Range: bytes */size.",
      learn: "unsatisfiedRange; in C: first >= size → 416, never a negative length",
      notes: {
        whole: "Allowed (a server MAY ignore Range, §14.2), but VLC learns the size from a 416.",
        noContentRange: "416 without Content-Range: bytes */size (a SHOULD).",
      },
    },
    "range.vlc": {
      title: "VLC's seek: bytes=0-, drop the connection, then bytes=N- (If-Match)",
      rule: "RFC 9110 §13.1.1: If-Match with the current ETag is true; the 206 is served as usual.",
      learn:
        "LESSON.md part 6, evaluatePreconditions; in C: ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)) or use MSG_NOSIGNAL",
      notes: {
        weak: "The ETag is weak (W/): VLC strips W/ and a strong comparison then fails (412).",
      },
    },
    "head.no-body": {
      title: "HEAD: the head of a GET, and no body",
      rule: "RFC 9110 §9.3.2: the server MUST NOT send content in the response to HEAD.",
      learn: "frameReply; in C: if (method is HEAD) send the head only",
    },
    "version.status-line": {
      title: "an HTTP/1.1 request gets an HTTP/1.1 status line",
      rule:
        "RFC 9110 §6.2: a server SHOULD answer with the highest minor version it supports: 1.1.",
      learn:
        'LESSON.md part 7, responseHead; in C: "HTTP/1.1 200 OK\\r\\n"; an HTTP/1.0 answer ends keep-alive',
    },
    "version.http10": {
      title: "HTTP/1.0 without Host: 200, then the connection closes",
      rule:
        "RFC 9112 §9.3: HTTP/1.0 is not persistent without keep-alive; Host is optional in 1.0.",
      learn: "keepAlive, connectionFields; in C: close() after the answer to an HTTP/1.0 request",
      notes: { open: "The connection stayed open: a 1.0 client reading to the end waits." },
    },
    "keepalive.sequential": {
      title: "three requests, one after another, on one connection",
      rule: "RFC 9112 §9.3: HTTP/1.1 connections persist unless one side says Connection: close.",
      learn: "LESSON.md part 3, keepAlive; in C: loop read request → write answer until EOF",
      notes: { closed: "The server closed after one answer without Connection: close." },
    },
    "keepalive.pipelining": {
      title: "three pipelined requests in one write: three answers, in order",
      rule: "RFC 9112 §9.3.2: a server MUST send the responses in the order of the requests.",
      learn: `LESSON.md part 3; ${C_ONE_RECV}, and keep the bytes after it`,
      notes: { closed: "The server answered one and closed: allowed, but slower." },
    },
    "robust.split": {
      title: "a head split across TCP segments, with pauses",
      rule: "RFC 9112 §2.1: a message ends at its empty line, not where a read() ends.",
      learn: `LESSON.md part 4, findHeadEnd; ${C_ONE_RECV}`,
    },
    "robust.silent": {
      title: "a silent client does not block a second client",
      rule:
        "RFC 9112 §9.5: a server may time out idle connections, but must serve others meanwhile.",
      learn:
        "LESSON.md part 2 (one task per connection); in C: a thread per connection, or select()",
    },
    "robust.many": {
      title: "30 clients at once are all served",
      rule: "RFC 9112 §9.4: a server SHOULD limit connections, but far above what one class opens.",
      learn:
        "LESSON.md part 2, part 13 (the connection limit); in C: no fixed table of 10 clients, listen(fd, 128)",
    },
    "robust.vanish": {
      title: "a client that vanishes mid-download does not kill the server",
      rule: "RFC 9112 §9.6: either side may close at any time; the other must cope.",
      learn: "LESSON.md part 7; in C: ignore SIGPIPE or use MSG_NOSIGNAL; stop on a failed write",
    },
    "robust.garbage": {
      title: "garbage instead of a TLS handshake on 443 does not kill the server",
      rule: "RFC 8446 §6: a bad handshake ends that connection with an alert, nothing more.",
      learn: "LESSON.md part 2; in C: SSL_accept() <= 0 → close that socket, never exit(1)",
    },
    "robust.long-url": {
      title: "a 10 KB URL gets an answer (414 or 404), and the server survives",
      rule: "RFC 9112 §3: a target longer than the server parses MUST get 414 (URI Too Long).",
      learn: "headTooLargeStatus; in C: bound every copy into a fixed buffer",
      notes: { silent: "The connection closed without an answer." },
    },
    "robust.long-header": {
      title: "an 8 KB header field gets an answer, and the server survives",
      rule: "RFC 9110 §5.4: fields larger than a server wishes to process MUST get a 4xx (431).",
      learn: `headTooLargeStatus; ${C_ONE_RECV}`,
      notes: { silent: "The connection closed without an answer." },
    },
    "robust.traversal": {
      title: "/../ never leaves the root (/etc/passwd is not served)",
      rule: "RFC 9110 §17.3: paths must not reach files outside the served folder.",
      learn:
        'LESSON.md part 6, resolveTarget, isInsideRoot; in C: refuse ".." segments, realpath()',
    },
    "robust.private-key": {
      title: "the server's private key is not served",
      rule:
        "RFC 9110 §17.3 (and common sense): the TLS key in the folder must never be a file to GET.",
      learn: "LESSON.md part 6 (the key in use); in C: keep keys outside the root, or refuse them",
    },
  },
  report: {
    stages: {
      connect: "connect (TCP)",
      tls: "TLS",
      redirect: "port 80: 301",
      files: "port 443: files",
      notfound: "404",
      range: "Range",
      head: "HEAD",
      versions: "HTTP versions",
      keepalive: "keep-alive",
      robust: "robustness",
    },
    sent: "sent",
    got: "got",
    want: "want",
    rule: "rule",
    learn: "learn",
    died: (check) => `the server died after ${check}: the checks after it were not run`,
    needsRoot: "needs --root (the grader writes its own files there)",
    total: (counts) => `total: ${counts}`,
    exitNote: "exit code 0 only when nothing FAILed and every check ran (WARNs are allowed)",
    closed: "the connection closed without an answer",
    timeout: (ms) => `no answer within ${ms} ms`,
    nothing: "(nothing)",
  },
};

/** The tables by language. A translation copies `en` and changes the strings only. */
export const MESSAGES: Record<string, Messages> = { en };
