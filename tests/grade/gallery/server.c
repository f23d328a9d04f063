/* tests/grade/gallery/server.c — the lab's server in C, written the way the lab asks (OpenSSL,
 * ports 80 and 443, files from the current folder), correct when built as it is, and with one
 * classic student mistake when built with one -DMISTAKE_... flag. Each folder beside this file
 * (correct/, strlen/, sigpipe/, …) is one "student" whose Makefile picks one flag; the grader
 * (tests/grade.ts) must report exactly that mistake: tests/e2e/grade_test.ts checks it does.
 * Every mistake sits beside the right code under `#ifdef MISTAKE_...`: grep for its name.
 *
 *   make -C tests/grade/gallery/correct
 *   cd www && ../tests/grade/gallery/correct/http-server [HTTP_PORT HTTPS_PORT [CERT KEY]]
 *   (defaults: 80 443 keys/cnlab.cert keys/cnlab.prikey, the handout's layout)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define HEAD_MAX 32768 /* a request head longer than this gets 431 (RFC 6585 §5) */
#define CHUNK 65536    /* files are sent in pieces of this size, never all at once */

static int https_port = 443;
static SSL_CTX *ctx;
static struct stat key_stat; /* the private key on disk: never served, whatever its URL */

/* One client connection: a socket, and for port 443 its TLS session. `buf` holds bytes read
 * but not yet used: the start of the next request when a client pipelines. */
struct conn {
  int fd;
  SSL *ssl;
  char buf[HEAD_MAX + 1];
  size_t used;
};

static ssize_t conn_read(struct conn *c, char *to, size_t n) {
  if (c->ssl) return SSL_read(c->ssl, to, (int)n);
  return recv(c->fd, to, n, 0);
}

/* Writes all n bytes, or fails. A client may vanish at any time (VLC does on every seek): the
 * write then fails with EPIPE, and the signal SIGPIPE would kill the whole server if main() did
 * not ignore it. */
static int conn_write(struct conn *c, const char *from, size_t n) {
  while (n > 0) {
    ssize_t sent = c->ssl ? SSL_write(c->ssl, from, (int)n) : send(c->fd, from, n, MSG_NOSIGNAL);
    if (sent <= 0) return -1;
    from += sent;
    n -= (size_t)sent;
  }
  return 0;
}

/* Reads one request head (up to the empty line) into c->buf; returns its length, 0 if the
 * client closed, -1 if the head is too long. One read() is not one request: a head may arrive
 * in pieces, and several requests may arrive in one piece. */
static long read_head(struct conn *c) {
#ifdef MISTAKE_ONE_RECV
  /* The mistake: one read of 1 KiB is taken as the whole request, and the rest is lost. */
  ssize_t n = conn_read(c, c->buf, 1024);
  if (n <= 0) return 0;
  c->buf[n] = 0;
  c->used = 0;
  return n;
#else
  for (;;) {
    c->buf[c->used] = 0;
    char *end = strstr(c->buf, "\r\n\r\n");
    if (end) return end + 4 - c->buf;
#ifdef MISTAKE_SMALL_HEAD
    /* The mistake: a 4 KiB buffer, and a head that does not fit is dropped without a word
     * (RFC 9112 §3 and RFC 9110 §5.4 ask for 414 or 431). */
    const size_t room = 4096;
    if (c->used == room) return 0;
#else
    const size_t room = HEAD_MAX;
#endif
    if (c->used == room) return -1;
    ssize_t n = conn_read(c, c->buf + c->used, room - c->used);
    if (n <= 0) return 0;
    c->used += (size_t)n;
  }
#endif
}

/* Drops the head just answered from c->buf, keeping the next request's bytes. */
static void consume(struct conn *c, long length) {
#ifndef MISTAKE_ONE_RECV
  memmove(c->buf, c->buf + length, c->used - (size_t)length);
  c->used -= (size_t)length;
#endif
  (void)c, (void)length;
}

/* The value of header field `name` in the head, copied into out (empty if absent). */
static void header(const char *head, const char *name, char *out, size_t size) {
  out[0] = 0;
  for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
    size_t len = strlen(name);
    if (strncasecmp(line + 2, name, len) != 0 || line[2 + len] != ':') continue;
    const char *v = line + 3 + len, *end = strstr(v, "\r\n");
    while (*v == ' ' || *v == '\t') v++;
    size_t n = end ? (size_t)(end - v) : strlen(v);
    if (n >= size) n = size - 1;
    memcpy(out, v, n);
    out[n] = 0;
    return;
  }
}

static const char *status_line(int status) {
#ifdef MISTAKE_HTTP10
  /* The mistake: an HTTP/1.0 status line in answer to HTTP/1.1 (RFC 9110 §6.2 SHOULD 1.1). */
  switch (status) {
    case 200: return "HTTP/1.0 200 OK";
    case 206: return "HTTP/1.0 206 Partial Content";
    case 301: return "HTTP/1.0 301 Moved Permanently";
    case 404: return "HTTP/1.0 404 Not Found";
    case 416: return "HTTP/1.0 416 Range Not Satisfiable";
    default: return "HTTP/1.0 400 Bad Request";
  }
#else
  switch (status) {
    case 200: return "HTTP/1.1 200 OK";
    case 206: return "HTTP/1.1 206 Partial Content";
    case 301: return "HTTP/1.1 301 Moved Permanently";
    case 404: return "HTTP/1.1 404 Not Found";
    case 416: return "HTTP/1.1 416 Range Not Satisfiable";
    case 431: return "HTTP/1.1 431 Request Header Fields Too Large";
    default: return "HTTP/1.1 400 Bad Request";
  }
#endif
}

/* A short answer with a small text body; Content-Length frames it, so a kept-alive client
 * knows where it ends (RFC 9112 §6.3). */
static int simple(struct conn *c, int status, const char *extra, const char *body, int head_only) {
  size_t size = strlen(extra) + strlen(body) + 256;
  char *out = malloc(size);
  int n, result;
#if defined(MISTAKE_UNFRAMED_404) || defined(MISTAKE_UNFRAMED_301)
  /* The mistake: the 404 (or the 301) has no Content-Length, and the connection stays open:
   * the client cannot know where the body ends, and waits. */
#ifdef MISTAKE_UNFRAMED_404
  if (status == 404) {
#else
  if (status == 301) {
#endif
    n = snprintf(out, size, "%s\r\n%sContent-Type: text/plain\r\n\r\n%s", status_line(status),
                 extra, head_only ? "" : body);
    result = conn_write(c, out, (size_t)n);
    free(out);
    return result;
  }
#endif
  n = snprintf(out, size, "%s\r\n%sContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
               status_line(status), extra, strlen(body), head_only ? "" : body);
  result = conn_write(c, out, (size_t)n);
  free(out);
  return result;
}

/* Port 80: every request gets 301 to the same URL on https (RFC 9110 §15.4.2). */
static int redirect(struct conn *c, const char *head, const char *target) {
  char host[256], port[16] = "", location[HEAD_MAX + 512];
  header(head, "Host", host, sizeof host);
#ifndef MISTAKE_NO_ABSOLUTE_FORM /* the mistake: "GET http://h/x" goes to https://hhttp://h/x */
  if (strncasecmp(target, "http://", 7) == 0) { /* absolute-form (RFC 9112 §3.2.2) */
    const char *path = strchr(target + 7, '/');
    target = path ? path : "/";
  }
#endif
#ifdef MISTAKE_REDIRECT_PORT
  /* The mistake: Host is copied with its port, so http://h:8080/ goes to https://h:8080/. */
  if (https_port != 443 && !strchr(host, ':')) snprintf(port, sizeof port, ":%d", https_port);
#else
  char *colon = strrchr(host, ':');
  if (colon && !strchr(host, ']')) *colon = 0; /* Host is host[:port]: keep the host */
  if (https_port != 443) snprintf(port, sizeof port, ":%d", https_port);
#endif
#ifdef MISTAKE_REDIRECT_QUERY
  /* The mistake: the query is cut off: /search?q=x goes to /search. */
  char path[HEAD_MAX];
  snprintf(path, sizeof path, "%s", target);
  if (strchr(path, '?')) *strchr(path, '?') = 0;
  target = path;
#endif
  snprintf(location, sizeof location, "Location: https://%s%s%s\r\n", host, port, target);
  return simple(c, 301, location, "", 0);
}

#ifndef MISTAKE_NO_DECODE
/* %XX → the byte (RFC 3986 §2.1), in place. */
static void percent_decode(char *s) {
  char *out = s;
  for (; *s; s++) {
    if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
      char hex[3] = {s[1], s[2], 0};
      *out++ = (char)strtol(hex, NULL, 16);
      s += 2;
    } else {
      *out++ = *s;
    }
  }
  *out = 0;
}
#endif

#ifndef MISTAKE_TRAVERSAL
/* True if the decoded path has a ".." segment: it would climb out of the served folder. */
static int climbs(const char *path) {
  for (const char *p = path; (p = strstr(p, "..")); p += 2) {
    if ((p == path || p[-1] == '/') && (p[2] == 0 || p[2] == '/')) return 1;
  }
  return 0;
}
#endif

static const char *media_type(const char *path) {
#ifdef MISTAKE_ONE_TYPE
  (void)path;
  return "text/plain"; /* the mistake: one type for every file: the browser shows HTML as text */
#endif
  const char *dot = strrchr(path, '.');
  if (dot && strcmp(dot, ".html") == 0) return "text/html";
  if (dot && strcmp(dot, ".txt") == 0) return "text/plain; charset=utf-8";
  if (dot && strcmp(dot, ".mp4") == 0) return "video/mp4";
  return "application/octet-stream";
}

/* Range: bytes=first-last | first- | -suffix (RFC 9110 §14.1.2), both ends inclusive.
 * Returns 1 and sets *first, *last for a part; 0 to send the whole file; -1 for 416. */
static int parse_range(const char *value, long size, long *first, long *last) {
  if (strncmp(value, "bytes=", 6) != 0 || strchr(value, ',')) return 0;
  const char *spec = value + 6;
  char *end;
  if (spec[0] == '-') {
#ifdef MISTAKE_NO_SUFFIX
    /* The mistake: "-100" is read as "0-100", the first 101 bytes, not the last 100. */
    *first = 0;
    *last = strtol(spec + 1, NULL, 10);
    if (*last >= size) *last = size - 1;
    return 1;
#else
    long n = strtol(spec + 1, &end, 10);
    if (end == spec + 1 || *end) return 0;
    if (n == 0) return -1;
    *first = n >= size ? 0 : size - n;
    *last = size - 1;
    return 1;
#endif
  }
  *first = strtol(spec, &end, 10);
  if (end == spec || *end != '-') return 0;
#ifdef MISTAKE_NO_OPEN_RANGE
  /* The mistake: "bytes=100-" reads last-pos as 0, and the range is ignored (200). */
  *last = strtol(end + 1, NULL, 10);
  if (*last < *first) return 0;
#else
  *last = end[1] ? strtol(end + 1, NULL, 10) : size - 1;
#endif
  if (end[1] && *last < *first) return 0; /* an invalid range is ignored (RFC 9110 §14.1.1) */
#ifndef MISTAKE_NO_416 /* the mistake: "bytes=N-" of an N-byte file is a 206 of -0 bytes */
  if (*first >= size) return -1;
#endif
#ifndef MISTAKE_NO_CLAMP /* the mistake: a last-pos past the end is promised in Content-Length */
  if (*last >= size) *last = size - 1;
#endif
  return 1;
}

/* Sends bytes first..last of the open file. */
static int send_file(struct conn *c, FILE *f, long first, long last) {
  fseek(f, first, SEEK_SET);
  long left = last - first + 1;
#ifdef MISTAKE_STACK_BUFFER
  /* The mistake: the whole file in one stack buffer. A thread's stack is 8 MB: a 64 MB file
   * overflows it, and the server dies with SIGSEGV. */
  char whole[left];
  size_t n = fread(whole, 1, (size_t)left, f);
  return conn_write(c, whole, n);
#else
  char *chunk = malloc(CHUNK + 1);
  int result = 0;
  while (left > 0 && result == 0) {
    size_t n = fread(chunk, 1, left < CHUNK ? (size_t)left : CHUNK, f);
    if (n == 0) break;
#ifdef MISTAKE_STRLEN
    /* The mistake: the byte count comes from strlen(), which stops at the first NUL byte. */
    chunk[n] = 0;
    result = conn_write(c, chunk, strlen(chunk));
#else
    result = conn_write(c, chunk, n);
#endif
    left -= (long)n;
  }
  free(chunk);
  return result;
#endif
}

/* Port 443: the file the target names, under the current folder. */
static int serve(struct conn *c, const char *head, char *target, int head_only) {
  char path[HEAD_MAX + 16], range[128], extra[256] = "";
  if (strchr(target, '?')) *strchr(target, '?') = 0;
#ifndef MISTAKE_NO_DECODE /* the mistake: "/a%20b.txt" is looked for as a file named "a%20b.txt" */
  percent_decode(target);
#endif
#ifndef MISTAKE_TRAVERSAL
  if (target[0] != '/' || climbs(target)) return simple(c, 404, "", "Not Found\n", head_only);
#endif
  snprintf(path, sizeof path, ".%s%s", target, target[strlen(target) - 1] == '/' ? "index.html" : "");
  struct stat st;
  FILE *f = fopen(path, "rb");
  if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (f) fclose(f);
#ifdef MISTAKE_404_AS_200
    /* The mistake: a page that says "not found", with the status 200 OK. */
    return simple(c, 200, "", "<h1>404 Not Found</h1>\n", head_only);
#endif
    return simple(c, 404, "", "Not Found\n", head_only);
  }
#ifndef MISTAKE_SERVES_KEY
  if (st.st_dev == key_stat.st_dev && st.st_ino == key_stat.st_ino) {
    fclose(f);
    return simple(c, 404, "", "Not Found\n", head_only);
  }
#endif
  long size = st.st_size, first = 0, last = size - 1;
  header(head, "Range", range, sizeof range);
  int part = range[0] && size > 0 ? parse_range(range, size, &first, &last) : 0;
  if (part < 0) {
    fclose(f);
    snprintf(extra, sizeof extra, "Content-Range: bytes */%ld\r\n", size);
    return simple(c, 416, extra, "Range Not Satisfiable\n", head_only);
  }
#ifndef MISTAKE_NO_CONTENT_RANGE
  if (part) snprintf(extra, sizeof extra, "Content-Range: bytes %ld-%ld/%ld\r\n", first, last, size);
#endif
  long length = last - first + 1; /* both ends are inclusive: 100-200 is 101 bytes */
#ifdef MISTAKE_OFF_BY_ONE
  /* The mistake: last - first, as if last-pos were exclusive: 100-200 sends 100 bytes. */
  if (part && last < size - 1) length = last - first;
#endif
  char out[1024];
  int n = snprintf(out, sizeof out, "%s\r\n%sAccept-Ranges: bytes\r\nContent-Type: %s\r\nContent-Length: %ld\r\n\r\n",
                   status_line(part ? 206 : 200), extra, media_type(path), length);
  int result = conn_write(c, out, (size_t)n);
  if (result == 0 && !head_only && size > 0) result = send_file(c, f, first, first + length - 1);
  fclose(f);
  return result;
}

/* One connection: requests in order until the client closes, asks to close, or speaks
 * HTTP/1.0 (not persistent without keep-alive, RFC 9112 §9.3). */
static void serve_connection(struct conn *c, int tls) {
  for (;;) {
    long length = read_head(c);
    if (length == 0) return;
    if (length < 0) {
      simple(c, 431, "Connection: close\r\n", "Request Header Fields Too Large\n", 0);
      return;
    }
    char head[HEAD_MAX + 1], method[16], version[16], connection[64];
    memcpy(head, c->buf, (size_t)length);
    head[length] = 0;
    consume(c, length);
    char *target = malloc((size_t)length + 1);
    if (sscanf(head, "%15s %s %15s", method, target, version) != 3) {
      free(target);
      simple(c, 400, "Connection: close\r\n", "Bad Request\n", 0);
      return;
    }
    header(head, "Connection", connection, sizeof connection);
    int close_after = strcasecmp(connection, "close") == 0 ||
                      (strcmp(version, "HTTP/1.0") == 0 && strcasecmp(connection, "keep-alive") != 0);
#ifdef MISTAKE_HTTP10_OPEN
    close_after = strcasecmp(connection, "close") == 0; /* the mistake: 1.0 is kept open too */
#endif
#ifdef MISTAKE_ONE_REQUEST
    close_after = 1; /* the mistake: one request per connection, and no Connection: close */
#endif
    int head_only = strcmp(method, "HEAD") == 0;
#ifdef MISTAKE_HEAD_BODY
    head_only = 0; /* the mistake: HEAD is answered like GET, body and all */
#endif
#ifdef MISTAKE_NO_REDIRECT
    tls = 1; /* the mistake: port 80 serves the files too, never a 301 */
#endif
    int result = tls ? serve(c, head, target, head_only) : redirect(c, head, target);
    free(target);
    if (result != 0 || close_after) return;
  }
}

struct job {
  int fd;
  int tls;
  int *clients; /* MISTAKE_TEN_CLIENTS: the count to give back when this connection ends */
};

static void *connection_thread(void *arg) {
  struct job job = *(struct job *)arg;
  free(arg);
  struct conn *c = calloc(1, sizeof *c);
  c->fd = job.fd;
  /* A client that says nothing for 10 s is dropped, so that it cannot hold a thread forever. */
  struct timeval idle = {10, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
  if (job.tls) {
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_accept(c->ssl) <= 0) {
#ifdef MISTAKE_EXIT_ON_HANDSHAKE
      /* The mistake: one failed handshake (a port scan, plain HTTP on 443) ends the server. */
      ERR_print_errors_fp(stderr);
      exit(1);
#endif
      SSL_free(c->ssl);
      c->ssl = NULL;
    }
  }
  if (!job.tls || c->ssl) serve_connection(c, job.tls);
  if (c->ssl) {
    SSL_shutdown(c->ssl);
    SSL_free(c->ssl);
  }
  close(c->fd);
  free(c);
  if (job.clients) __atomic_sub_fetch(job.clients, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); /* restart without TIME_WAIT errors */
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 128) < 0) {
    perror("bind/listen");
    exit(1);
  }
  return fd;
}

struct listener {
  int fd;
  int tls;
};

/* One accept loop per port; each connection gets its own thread, so a silent client blocks
 * nobody but itself. */
static void *accept_loop(void *arg) {
  struct listener *l = arg;
  for (;;) {
    struct job *job = calloc(1, sizeof *job);
    job->fd = accept(l->fd, NULL, NULL);
    job->tls = l->tls;
    if (job->fd < 0) {
      free(job);
      continue;
    }
#ifdef MISTAKE_TEN_CLIENTS
    /* The mistake: a fixed table of 10 clients; the 11th is closed at once. */
    static int clients; /* (counted without a lock, as such code usually is) */
    if (__atomic_load_n(&clients, __ATOMIC_SEQ_CST) >= 10) {
      close(job->fd);
      free(job);
      continue;
    }
    __atomic_add_fetch(&clients, 1, __ATOMIC_SEQ_CST);
    job->clients = &clients;
#endif
#ifdef MISTAKE_ONE_THREAD
    /* The mistake: the connection is served in the accept loop itself: while one client is
     * silent, nobody else is accepted on this port. */
    connection_thread(job);
#else
    pthread_t thread;
    pthread_create(&thread, NULL, connection_thread, job);
    pthread_detach(thread);
#endif
  }
  return NULL;
}

int main(int argc, char **argv) {
  int http_port = argc > 2 ? atoi(argv[1]) : 80;
  https_port = argc > 2 ? atoi(argv[2]) : 443;
  const char *cert = argc > 4 ? argv[3] : "keys/cnlab.cert";
  const char *key = argc > 4 ? argv[4] : "keys/cnlab.prikey";
#ifndef MISTAKE_SIGPIPE
  signal(SIGPIPE, SIG_IGN); /* a vanished client is a failed write, not the end of the server */
#endif
  ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) <= 0 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) <= 0) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  stat(key, &key_stat);
  static struct listener plain, secure;
  plain = (struct listener){listen_on(http_port), 0};
  secure = (struct listener){listen_on(https_port), 1};
  printf("listening on %d and %d\n", http_port, https_port);
  fflush(stdout);
  pthread_t http;
  pthread_create(&http, NULL, accept_loop, &plain);
  accept_loop(&secure); /* port 443 in this thread */
  return 0;
}
