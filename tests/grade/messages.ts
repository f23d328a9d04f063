// tests/grade/messages.ts — every sentence the grader prints, in one table keyed by check id,
// so that a translation is one more table (`--lang zh`) and no sentence hides in the checks
// (tests/grade/checks.ts) or the report (tests/grade/report.ts). Values that come off the
// wire (the bytes sent and received) are data, not text, and are never translated.
//
// Each check has: a title (what a server must do, one line), the rule (RFC section and one
// sentence), where to learn (the LESSON.md part or lib/ function, and the usual cause in a C
// server), and notes: the sentence for one particular way of failing or of being allowed.
// The words a check puts around the bytes it shows (sent / got / want: "closed, no answer",
// "client 2: …") are the `wire` table, shared by all checks.

export interface CheckText {
  title: string;
  rule: string;
  learn: string;
  notes?: Record<string, string>;
}

/** The words of the report around the checks. */
export interface ReportText {
  grading: (http: string, https: string, root?: string) => string;
  /** The total line's end: how long the run took. */
  took: (seconds: string) => string;
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
}

/** A value in a sentence: a number of bytes, a port, a status line, bytes off the wire. */
type V = string | number;

/** The words around the bytes in a check's sent / got / want (tests/grade/checks.ts,
 * tests/grade/wire.ts, the time limit of tests/grade.ts). The values put in them — requests and
 * answers off the wire, status lines, field names, numbers — are data and stay as they are. */
export interface WireText {
  // describe(): how an answer reads
  /** A field the answer did not have: "Content-Length: (none)". */
  none: string;
  bodyStopped: (bytes: V) => string;
  closedNoAnswer: string;
  closedAfter: (shown: V) => string;
  noAnswerInTime: string;
  noAnswerInTimeAfter: (shown: V) => string;
  bodyNeverEnded: (statusLine: V) => string;
  notAResponse: (shown: V) => string;
  error: (message: V) => string;
  /** Bytes cut at 100 for the report (shownBytes): "GET /aaa… (10263 bytes)". */
  truncated: (shown: V, count: V) => string;
  /** A deadline of the grader's that passed (wire.ts's Timeout). */
  noAnswerWithin: (ms: V) => string;
  // bodies
  bytes: (count: V) => string;
  body: (what: V) => string;
  lengthDiffers: (got: V, want: V) => string;
  byteDiffers: (got: V, index: V) => string;
  sizeAndSha: (size: V, sha256: V) => string;
  // connect and TLS
  tcpConnect: (address: V) => string;
  connected: string;
  handshakeDone: string;
  noHandshake: string;
  noCertificate: string;
  /** "ALPN: none": no protocol chosen. */
  alpnNone: string;
  tlsVersions: string;
  alpnWant: string;
  // answers wanted and seen
  noAnswer: string;
  closed: string;
  bodyThatEnds: string;
  answerThatEnds: string;
  okAndBytes: (size: V) => string;
  okAndFileBytes: string;
  okAndPage: string;
  closedAfterIt: (shown: V) => string;
  thenClosedShort: (shown: V) => string;
  thenClosed: (shown: V) => string;
  thenSecond: (shown: V, next: V) => string;
  secondAnswer: string;
  stillOpen: (shown: V, seconds: V) => string;
  closeAfterAnswer: string;
  // Range
  rangeWant: (first: V, last: V, count: V) => string;
  unsatisfiableWant: (size: V) => string;
  vlcFirstWant: string;
  vlcWant: (first: V, last: V) => string;
  // keep-alive and robustness
  oneAfterAnother: (count: V, request: V) => string;
  inOneWrite: (count: V, request: V) => string;
  inOrder: (count: V) => string;
  pause: string;
  silentSent: (port: V, request: V) => string;
  secondClient: (shown: V) => string;
  silentWant: string;
  manySent: (count: V, request: V) => string;
  manyServed: (served: V, count: V) => string;
  aConnection: (error: V) => string;
  another: (shown: V) => string;
  vanishSent: (request: V) => string;
  vanished: (statusLine: V) => string;
  vanishedError: (error: V) => string;
  garbageSent: (bytes: V) => string;
  anAnswer: string;
  notServed: string;
  /** A check that outlived the grader's limit for one check (tests/grade.ts). */
  checkTimeLimit: (ms: V) => string;
}

export interface Messages {
  checks: Record<string, CheckText>;
  report: ReportText;
  wire: WireText;
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
    grading: (http, https, root) => `grading ${http} and ${https}${root ? ` (root ${root})` : ""}`,
    took: (seconds) => ` in ${seconds} s`,
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
  },
  wire: {
    none: "(none)",
    bodyStopped: (bytes) => `the body stopped after ${bytes} bytes`,
    closedNoAnswer: "closed, no answer",
    closedAfter: (shown) => `closed after ${shown}`,
    noAnswerInTime: "no answer in time",
    noAnswerInTimeAfter: (shown) => `no answer in time: ${shown}`,
    bodyNeverEnded: (statusLine) => `${statusLine}, then the body never ended (no answer in time)`,
    notAResponse: (shown) => `not a response: ${shown}`,
    error: (message) => `error: ${message}`,
    truncated: (shown, count) => `${shown}… (${count} bytes)`,
    noAnswerWithin: (ms) => `no answer within ${ms} ms`,
    bytes: (count) => `${count} bytes`,
    body: (what) => `body: ${what}`,
    lengthDiffers: (got, want) => `${got} bytes, want ${want}`,
    byteDiffers: (got, index) => `${got} bytes, byte ${index} differs`,
    sizeAndSha: (size, sha256) => `${size} bytes, sha256 ${sha256}`,
    tcpConnect: (address) => `TCP connect to ${address}`,
    connected: "connected",
    handshakeDone: "handshake done",
    noHandshake: "no handshake",
    noCertificate: "no certificate",
    alpnNone: "none",
    tlsVersions: "TLSv1.2 or TLSv1.3",
    alpnWant: "http/1.1 or none",
    noAnswer: "no answer",
    closed: "closed",
    bodyThatEnds: "a body that ends",
    answerThatEnds: "an answer that ends",
    okAndBytes: (size) => `200 and ${size} bytes`,
    okAndFileBytes: "200 and the file's bytes",
    okAndPage: "HTTP/1.1 200 and the page",
    closedAfterIt: (shown) => `${shown} (closed after it)`,
    thenClosedShort: (shown) => `${shown}, closed`,
    thenClosed: (shown) => `${shown}, then closed`,
    thenSecond: (shown, next) => `${shown} || then: ${next}`,
    secondAnswer: "the second answer: HTTP/1.1 200",
    stillOpen: (shown, seconds) => `${shown}, still open after ${seconds} s`,
    closeAfterAnswer: "close after the answer",
    rangeWant: (first, last, count) => `206, bytes ${first}-${last} (${count} bytes)`,
    unsatisfiableWant: (size) => `416 with Content-Range: bytes */${size}`,
    vlcFirstWant: "206 from byte 0",
    vlcWant: (first, last) => `206, bytes ${first}-${last}`,
    oneAfterAnother: (count, request) => `one after another: ${count} × ${request}`,
    inOneWrite: (count, request) => `in one write: ${count} × ${request}`,
    inOrder: (count) => `${count} × HTTP/1.1 200, in order`,
    pause: "(pause)",
    silentSent: (port, request) =>
      `client 1: TCP connect to ${port}, sends nothing; client 2: ${request}`,
    secondClient: (shown) => `client 2: ${shown}`,
    silentWant: "client 2: HTTP/1.1 200 while client 1 is silent",
    manySent: (count, request) => `${count} TLS connections open at once, then on each: ${request}`,
    manyServed: (served, count) => `${served} of ${count} answered 200`,
    aConnection: (error) => `a connection: ${error}`,
    another: (shown) => `another: ${shown}`,
    vanishSent: (request) => `${request} then close after the first bytes`,
    vanished: (statusLine) => `${statusLine}, then the client vanished`,
    vanishedError: (error) => `${error}; the client vanished`,
    garbageSent: (bytes) => `TCP connect and close; then "${bytes}" as a TLS ClientHello`,
    anAnswer: "an answer: 414 or 431 (or 404, 200)",
    notServed: "403, 404 or 400",
    checkTimeLimit: (ms) => `the check did not end in ${ms} ms`,
  },
};

const C_ONE_RECV_ZH = "C 语言：一次 recv() 不等于一个请求——要循环读到 \\r\\n\\r\\n";

/** 中文：与 en 同一张表，同样的键；RFC 编号、函数名和 C 代码保持原样。 */
const zh: Messages = {
  checks: {
    "tcp.http": {
      title: "80 端口接受 TCP 连接",
      rule: "RFC 9112 §9.1：HTTP/1.1 运行在客户端向服务器发起的 TCP 连接之上。",
      learn: "LESSON.zh.md 第 1 部分；C 语言：socket()、bind()（SO_REUSEADDR）、listen()、accept()",
    },
    "tcp.https": {
      title: "443 端口接受 TCP 连接",
      rule: "RFC 9110 §4.2.2：https 是 TLS 之上的 HTTP，TLS 之下是 TCP，默认端口 443。",
      learn: "LESSON.zh.md 第 1–2 部分；C 语言：第二个监听套接字，用单独的线程或 select()",
    },
    "tls.handshake": {
      title: "443 端口完成 TLS 握手",
      rule: "RFC 8446 §2：在任何 HTTP 字节之前，客户端和服务器先通过握手商定密钥。",
      learn:
        "LESSON.zh.md 第 1 部分；C 语言：SSL_CTX_use_certificate_file，accept() 之后 SSL_accept",
    },
    "tls.version": {
      title: "TLS 1.2 或 1.3",
      rule: "RFC 8996 §5：不得（MUST NOT）使用 TLS 1.0 和 1.1；RFC 9325 要求 1.2 或 1.3。",
      learn: "LESSON.zh.md 第 1 部分；C 语言：TLS_server_method()（不要用 TLSv1_server_method()）",
      notes: { noOpenssl: "本机没有安装 openssl：未能检查握手细节。" },
    },
    "tls.certificate": {
      title: "X.509 第 3 版证书",
      rule: "RFC 5280 §4.1.2.1：主机名写在 subjectAltName 扩展里，只有 v3 证书才有扩展。",
      learn:
        "README.zh.md（实验的证书）；deno task certs --key keys/cnlab.prikey --from keys/cnlab.cert",
      notes: {
        v1:
          "实验给的 cnlab.crt 是 v1：Python 测试（verify=False）接受它，浏览器、curl 和 Deno 都拒绝。",
      },
    },
    "tls.san": {
      title: "证书的 subjectAltName 中写有该主机",
      rule: "RFC 6125 §6.4.4 / RFC 9110 §4.3.4：客户端用 subjectAltName 匹配主机，而不是 CN。",
      learn: "certs/make-cert.sh：-addext subjectAltName=IP:10.0.0.1",
      notes: { missing: "浏览器会提示：此证书不属于这个主机。" },
    },
    "tls.alpn": {
      title: "ALPN：http/1.1，或不协商",
      rule: "RFC 7301 §3.2：服务器选定了哪个协议就必须讲哪个协议；h2 不是 HTTP/1.1。",
      learn: "LESSON.zh.md 第 1 部分（ALPN）；C 语言：本实验不设 ALPN 回调即可",
      notes: { h2: "服务器选择了 h2；本评分程序只讲 HTTP/1.1。" },
    },
    "redirect.status": {
      title: "80 端口回答 301",
      rule: "RFC 9110 §15.4.2：301 Moved Permanently，新 URI 放在 Location 中；实验要求 301。",
      learn: "LESSON.zh.md 第 5 部分，redirectReply；C 语言：80 端口的线程对每个请求都这样回答",
    },
    "redirect.location": {
      title: "Location 是同一个 URL 的 https 版本",
      rule: "RFC 9110 §10.2.2：Location 给出客户端应改为请求的 URI。",
      learn: 'LESSON.zh.md 第 5 部分，httpsLocation；C 语言："https://" + 主机（去掉端口）+ 路径',
    },
    "redirect.query": {
      title: "301 保留查询串",
      rule: "RFC 3986 §3.4：查询串是 URI 的一部分；丢掉它就指向了另一个资源。",
      learn: "httpsLocation；C 语言：完整复制 request-target，包括 ?query",
    },
    "redirect.host-port": {
      title: "Host 带端口时，https 的 URL 不沿用 http 的端口",
      rule: "RFC 9110 §7.2：Host 是 host[:port]；https 的 URL 需要 https 的端口，443 则省略。",
      learn: "httpsLocation；C 语言：先在 ':' 处截断 Host，再拼 https 的 URL",
    },
    "redirect.absolute-form": {
      title: "absolute-form 的请求目标同样被重定向",
      rule: 'RFC 9112 §3.2.2："服务器必须（MUST）接受 absolute-form 的请求"。',
      learn: 'LESSON.zh.md 第 4 部分，parseRequestHead；C 语言：跳过路径前的 "http://host"',
    },
    "redirect.framing": {
      title: "301 有明确的长度（Content-Length），或随后关闭连接",
      rule: "RFC 9112 §6.3：没有 Content-Length 时，正文只有在服务器关闭连接时才结束。",
      learn: "frameReply；C 语言：301 也要带 Content-Length: 0（或正文的长度）",
    },
    "files.index": {
      title: "GET /index.html：200，字节完全一致",
      rule: "RFC 9110 §15.3.1：200 OK 携带资源的表示；Content-Length 是它的字节数。",
      learn: "LESSON.zh.md 第 6–7 部分，fileReply；C 语言：先发文件大小，再恰好发那么多字节",
      notes: { noRoot: "没有 --root 时只核对字节数与 Content-Length 是否一致。" },
    },
    "files.dir": {
      title: "GET /dir/index.html：子目录中的文件",
      rule: "RFC 9110 §4.1：路径指明资源；这里是根目录下的一个文件。",
      learn: "LESSON.zh.md 第 6 部分，resolveTarget",
    },
    "files.content-type": {
      title: ".html 的 Content-Type 是 text/html",
      rule: "RFC 9110 §8.3：发送方应当（SHOULD）发送 Content-Type；没有它浏览器可能不渲染。",
      learn: "mediaType；C 语言：按扩展名查一张小表",
    },
    "files.text": {
      title: "文本文件：字节与 Content-Length 完全一致",
      rule: "RFC 9110 §8.6：Content-Length 是内容的字节数。",
      learn: "LESSON.zh.md 第 7 部分；C 语言：用 stat() 取得文件大小",
    },
    "files.binary": {
      title: "含 NUL 字节的二进制文件：字节完全一致",
      rule: "RFC 9110 §3.2：内容是一串八位字节；任何字节都可以，包括 0。",
      learn: "LESSON.zh.md 第 7 部分；C 语言：SSL_write 用 fread 返回的字节数，不要用 strlen",
    },
    "files.big": {
      title: "大文件（几十 MB）：字节完全一致，且服务器不崩溃",
      rule: "RFC 9110 §8.6：Content-Length 可以任意大；服务器应流式发送。",
      learn:
        "LESSON.zh.md 第 7 部分（从磁盘流式发送）；C 语言：循环使用固定缓冲区，不要 char buf[size]",
    },
    "files.name": {
      title: "文件名含空格和非 ASCII 字符（百分号编码）",
      rule: "RFC 3986 §2.1：空格是 %20，é 在 UTF-8 中是 %C3%A9；服务器要先解码再 open()。",
      learn: "resolveTarget；C 语言：fopen() 之前先解码 %XX",
    },
    "notfound.status": {
      title: "不存在的文件回答 404",
      rule: "RFC 9110 §15.5.5：没有该名字的文件时回答 404 Not Found。",
      learn: "noFileReply；C 语言：fopen() == NULL → 404",
    },
    "notfound.framing": {
      title: "404 有明确的长度：保持连接的客户端能收到下一个回答",
      rule: "RFC 9112 §6.3：既无 Content-Length 又不关闭连接，客户端会一直等待正文结束。",
      learn: "responseFraming；C 语言：每个回答都带 Content-Length，404 也一样",
    },
    "range.first-last": {
      title: "Range: bytes=100-200 回答 206，含第 100 到第 200 字节（两端都包含）",
      rule: "RFC 9110 §14.1.2：first-pos 和 last-pos 都包含在内：100-200 是 101 个字节。",
      learn: "parseRange；C 语言：length = last - first + 1",
      notes: { whole: "实验要求这里回答 206。" },
    },
    "range.content-range": {
      title: "206 带有 Content-Range: bytes first-last/size",
      rule: "RFC 9110 §15.3.7：单个部分的 206 必须（MUST）生成 Content-Range。",
      learn: 'contentRange；C 语言："Content-Range: bytes %ld-%ld/%ld\\r\\n"',
    },
    "range.open": {
      title: "Range: bytes=100- 一直到文件末尾",
      rule: "RFC 9110 §14.1.2：没有 last-pos 的 int-range 表示文件的剩余部分。",
      learn: "parseRange；C 语言：没有 last-pos → size - 1",
      notes: { whole: "实验要求这里回答 206。" },
    },
    "range.suffix": {
      title: "Range: bytes=-100 是最后 100 个字节",
      rule: "RFC 9110 §14.1.2：suffix-range 表示文件的最后 N 个字节。",
      learn: "parseRange；C 语言：sscanf(\"%ld-%ld\") 会把 -100 读成 first-pos：先判断 '-'",
      notes: {
        whole: "允许（服务器可以（MAY）忽略 Range，§14.2），但 VLC 就是这样请求文件末尾的。",
      },
    },
    "range.clamped": {
      title: "超出末尾的 last-pos 截到最后一个字节",
      rule: "RFC 9110 §14.1.2：last-pos 大于等于长度时，表示文件的剩余部分。",
      learn: "parseRange；C 语言：if (last >= size) last = size - 1",
      notes: { whole: "允许（服务器可以（MAY）忽略 Range，§14.2）。" },
    },
    "range.unsatisfiable": {
      title: "first-pos 等于文件大小：416，带 Content-Range: bytes */size",
      rule:
        "RFC 9110 §15.5.17：没有可满足的范围时回答 416；应当（SHOULD）带 Content-Range: bytes */size。",
      learn: "unsatisfiedRange；C 语言：first >= size → 416，绝不能算出负的长度",
      notes: {
        whole: "允许（服务器可以（MAY）忽略 Range，§14.2），但 VLC 从 416 中得知文件大小。",
        noContentRange: "416 没有 Content-Range: bytes */size（SHOULD）。",
      },
    },
    "range.vlc": {
      title: "VLC 的拖动：bytes=0-，断开连接，再请求 bytes=N-（If-Match）",
      rule: "RFC 9110 §13.1.1：If-Match 与当前 ETag 相同则条件成立，照常回答 206。",
      learn:
        "LESSON.zh.md 第 6 部分，evaluatePreconditions；C 语言：忽略 SIGPIPE（signal(SIGPIPE, SIG_IGN)）或使用 MSG_NOSIGNAL",
      notes: { weak: "ETag 是弱的（W/）：VLC 去掉 W/，强比较于是失败（412）。" },
    },
    "head.no-body": {
      title: "HEAD：与 GET 相同的头部，没有正文",
      rule: "RFC 9110 §9.3.2：服务器对 HEAD 的响应中不得（MUST NOT）发送内容。",
      learn: "frameReply；C 语言：如果方法是 HEAD，只发送头部",
    },
    "version.status-line": {
      title: "HTTP/1.1 请求得到 HTTP/1.1 的状态行",
      rule: "RFC 9110 §6.2：服务器应当（SHOULD）用它支持的最高次版本号回答：1.1。",
      learn:
        'LESSON.zh.md 第 7 部分，responseHead；C 语言："HTTP/1.1 200 OK\\r\\n"；回答 HTTP/1.0 会结束长连接',
    },
    "version.http10": {
      title: "不带 Host 的 HTTP/1.0：200，然后关闭连接",
      rule: "RFC 9112 §9.3：没有 keep-alive 的 HTTP/1.0 连接不持久；1.0 中 Host 可省略。",
      learn: "keepAlive，connectionFields；C 语言：回答 HTTP/1.0 请求后 close()",
      notes: { open: "连接一直开着：读到连接结束为止的 1.0 客户端会一直等。" },
    },
    "keepalive.sequential": {
      title: "一个连接上依次发送三个请求",
      rule: "RFC 9112 §9.3：除非一方声明 Connection: close，HTTP/1.1 连接是持久的。",
      learn: "LESSON.zh.md 第 3 部分，keepAlive；C 语言：循环“读请求 → 写回答”，直到 EOF",
      notes: { closed: "服务器回答一次后就关闭了连接，却没有发送 Connection: close。" },
    },
    "keepalive.pipelining": {
      title: "一次写入三个流水线请求：按顺序得到三个回答",
      rule: "RFC 9112 §9.3.2：服务器必须（MUST）按请求的顺序发送响应。",
      learn: `LESSON.zh.md 第 3 部分；${C_ONE_RECV_ZH}，并保留其后的字节`,
      notes: { closed: "服务器回答一个就关闭了：允许，但更慢。" },
    },
    "robust.split": {
      title: "请求头被拆成几个 TCP 段发送，中间有停顿",
      rule: "RFC 9112 §2.1：消息在空行处结束，而不是在一次 read() 结束处。",
      learn: `LESSON.zh.md 第 4 部分，findHeadEnd；${C_ONE_RECV_ZH}`,
    },
    "robust.silent": {
      title: "一个不说话的客户端不会挡住第二个客户端",
      rule: "RFC 9112 §9.5：服务器可以让空闲连接超时，但同时必须继续服务其他连接。",
      learn: "LESSON.zh.md 第 2 部分（每个连接一个任务）；C 语言：每个连接一个线程，或用 select()",
    },
    "robust.many": {
      title: "同时 30 个客户端都得到服务",
      rule: "RFC 9112 §9.4：服务器应当（SHOULD）限制连接数，但上限要远高于一个班级的用量。",
      learn:
        "LESSON.zh.md 第 2 部分、第 13 部分（连接上限）；C 语言：不要只留 10 个客户端的固定表，listen(fd, 128)",
    },
    "robust.vanish": {
      title: "客户端在下载中途消失，服务器不崩溃",
      rule: "RFC 9112 §9.6：任何一方都可以随时关闭连接；另一方必须能应对。",
      learn: "LESSON.zh.md 第 7 部分；C 语言：忽略 SIGPIPE 或使用 MSG_NOSIGNAL；写失败就停止",
    },
    "robust.garbage": {
      title: "443 端口收到垃圾数据而不是 TLS 握手，服务器不崩溃",
      rule: "RFC 8446 §6：握手失败只以一个警报结束该连接，仅此而已。",
      learn: "LESSON.zh.md 第 2 部分；C 语言：SSL_accept() <= 0 → 关闭这个套接字，绝不要 exit(1)",
    },
    "robust.long-url": {
      title: "10 KB 的 URL 得到回答（414 或 404），服务器不崩溃",
      rule: "RFC 9112 §3：请求目标超出服务器愿意解析的长度时，必须（MUST）回答 414。",
      learn: "headTooLargeStatus；C 语言：每次复制到固定缓冲区都要限制长度",
      notes: { silent: "连接被关闭，没有任何回答。" },
    },
    "robust.long-header": {
      title: "8 KB 的头部字段得到回答，服务器不崩溃",
      rule: "RFC 9110 §5.4：字段超出服务器愿意处理的大小时，必须（MUST）回答 4xx（431）。",
      learn: `headTooLargeStatus；${C_ONE_RECV_ZH}`,
      notes: { silent: "连接被关闭，没有任何回答。" },
    },
    "robust.traversal": {
      title: "/../ 不会跳出根目录（不会返回 /etc/passwd）",
      rule: "RFC 9110 §17.3：路径不得访问到所服务目录之外的文件。",
      learn:
        'LESSON.zh.md 第 6 部分，resolveTarget，isInsideRoot；C 语言：拒绝 ".." 段，用 realpath()',
    },
    "robust.private-key": {
      title: "不会返回服务器的私钥",
      rule: "RFC 9110 §17.3（以及常识）：目录中的 TLS 私钥绝不能被 GET 到。",
      learn:
        "LESSON.zh.md 第 6 部分（正在使用的私钥）；C 语言：把密钥放在根目录之外，或拒绝访问它们",
    },
  },
  report: {
    grading: (http, https, root) => `评分：${http} 和 ${https}${root ? `（根目录 ${root}）` : ""}`,
    took: (seconds) => `，用时 ${seconds} 秒`,
    stages: {
      connect: "连接（TCP）",
      tls: "TLS",
      redirect: "80 端口：301",
      files: "443 端口：文件",
      notfound: "404",
      range: "Range",
      head: "HEAD",
      versions: "HTTP 版本",
      keepalive: "长连接",
      robust: "健壮性",
    },
    sent: "发送",
    got: "收到",
    want: "期望",
    rule: "规则",
    learn: "学习",
    died: (check) => `服务器在 ${check} 之后崩溃：之后的检查没有运行`,
    needsRoot: "需要 --root（评分程序在那里写入自己的测试文件）",
    total: (counts) => `总计：${counts}`,
    exitNote: "只有没有 FAIL 且每项检查都运行了，退出码才是 0（WARN 不影响）",
  },
  wire: {
    none: "（无）",
    bodyStopped: (bytes) => `正文在 ${bytes} 字节后中断`,
    closedNoAnswer: "连接已关闭，没有回答",
    closedAfter: (shown) => `收到 ${shown} 后连接关闭`,
    noAnswerInTime: "超时没有回答",
    noAnswerInTimeAfter: (shown) => `超时没有完整的回答：${shown}`,
    bodyNeverEnded: (statusLine) => `${statusLine}，但正文一直没有结束（超时）`,
    notAResponse: (shown) => `不是合法的响应：${shown}`,
    error: (message) => `错误：${message}`,
    truncated: (shown, count) => `${shown}…（共 ${count} 字节）`,
    noAnswerWithin: (ms) => `${ms} 毫秒内没有回答`,
    bytes: (count) => `${count} 字节`,
    body: (what) => `正文：${what}`,
    lengthDiffers: (got, want) => `${got} 字节，应为 ${want}`,
    byteDiffers: (got, index) => `${got} 字节，第 ${index} 字节不同`,
    sizeAndSha: (size, sha256) => `${size} 字节，sha256 ${sha256}`,
    tcpConnect: (address) => `TCP 连接 ${address}`,
    connected: "已连接",
    handshakeDone: "握手完成",
    noHandshake: "没有完成握手",
    noCertificate: "没有证书",
    alpnNone: "无",
    tlsVersions: "TLSv1.2 或 TLSv1.3",
    alpnWant: "http/1.1，或不协商",
    noAnswer: "没有回答",
    closed: "连接已关闭",
    bodyThatEnds: "有明确结尾的正文",
    answerThatEnds: "有明确结尾的回答",
    okAndBytes: (size) => `200，正好 ${size} 字节`,
    okAndFileBytes: "200，字节与文件一致",
    okAndPage: "HTTP/1.1 200 和完整的页面",
    closedAfterIt: (shown) => `${shown}（随后关闭连接）`,
    thenClosedShort: (shown) => `${shown}，连接关闭`,
    thenClosed: (shown) => `${shown}，然后关闭连接`,
    thenSecond: (shown, next) => `${shown} || 接着：${next}`,
    secondAnswer: "第二个回答：HTTP/1.1 200",
    stillOpen: (shown, seconds) => `${shown}，${seconds} 秒后连接仍然开着`,
    closeAfterAnswer: "回答后关闭连接",
    rangeWant: (first, last, count) => `206，第 ${first}-${last} 字节（共 ${count} 字节）`,
    unsatisfiableWant: (size) => `416，带 Content-Range: bytes */${size}`,
    vlcFirstWant: "从第 0 字节开始的 206",
    vlcWant: (first, last) => `206，第 ${first}-${last} 字节`,
    oneAfterAnother: (count, request) => `依次发送：${count} × ${request}`,
    inOneWrite: (count, request) => `一次写入：${count} × ${request}`,
    inOrder: (count) => `按顺序的 ${count} × HTTP/1.1 200`,
    pause: "（停顿）",
    silentSent: (port, request) =>
      `客户端 1：TCP 连接 ${port} 端口，什么也不发送；客户端 2：${request}`,
    secondClient: (shown) => `客户端 2：${shown}`,
    silentWant: "客户端 1 不说话时，客户端 2 得到 HTTP/1.1 200",
    manySent: (count, request) => `同时打开 ${count} 个 TLS 连接，再在每个连接上发送：${request}`,
    manyServed: (served, count) => `${count} 个中有 ${served} 个回答 200`,
    aConnection: (error) => `某个连接：${error}`,
    another: (shown) => `另一个：${shown}`,
    vanishSent: (request) => `${request}，收到最初几个字节后关闭连接`,
    vanished: (statusLine) => `${statusLine}，然后客户端消失`,
    vanishedError: (error) => `${error}；客户端消失`,
    garbageSent: (bytes) => `TCP 连接后立即关闭；再把 "${bytes}" 当作 TLS ClientHello 发送`,
    anAnswer: "一个回答：414 或 431（404、200 也可以）",
    notServed: "403、404 或 400",
    checkTimeLimit: (ms) => `这项检查 ${ms} 毫秒内没有结束`,
  },
};

/** The tables by language. A translation copies `en` and changes the strings only. */
export const MESSAGES: Record<string, Messages> = { en, zh };

/** The language of the report when no --lang is given: the locale's, as POSIX reads it (the
 * first of LC_ALL, LC_MESSAGES, LANG that is set and not empty), "zh" for zh_CN.UTF-8 and
 * any other zh…, else "en". `env` is Deno.env.get, or a table in a test. */
export function langFromEnv(env: (name: string) => string | undefined): string {
  const locale = ["LC_ALL", "LC_MESSAGES", "LANG"].map(env).find((v) =>
    v !== undefined && v !== ""
  );
  return locale?.toLowerCase().startsWith("zh") ? "zh" : "en";
}
