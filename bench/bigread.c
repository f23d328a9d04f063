/* bench/bigread.c — a load client for big files that reads 1 MiB at a time.
 *
 *     bigread http|https HOST PORT PATH CONNECTIONS SECONDS EXPECTED_LENGTH
 *
 * wrk reads 8 KiB per read() and tops out near 2 GB/s on its own, so for a 100 MiB file it measures
 * itself rather than a fast server. bigread opens CONNECTIONS keep-alive connections (one thread
 * each), asks for PATH again and again for SECONDS, and reads with a 1 MiB buffer (for HTTPS, each
 * recv() takes up to 1 MiB of TLS records, which OpenSSL then decrypts from memory). Every
 * answer must be 200 with Content-Length EXPECTED_LENGTH and that many bytes; anything else is
 * counted as an error and the connection is opened again. A server that closes after an answer
 * (HTTP/1.0) is reconnected to, not counted as an error. It prints one line:
 *
 *     bytes=B seconds=S responses=R errors=E cpu=C tls=VERSION/CIPHER
 *
 * where B counts body bytes received before the deadline (so B / SECONDS is the rate), S is the
 * wall time until every thread has stopped, and C is the client's own CPU time
 * (user + system) divided by S: well below 1.0 means the client was waiting for the server, so the
 * server, not the client, set the rate. bench/run.py compiles it at bench time:
 *     gcc -O2 -pthread bench/bigread.c -o DIR/bigread -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BUF (1 << 20)

static int tls;
static const char *host, *port, *path;
static long long expected;
static double deadline;
static SSL_CTX *ctx;
static atomic_llong total_bytes, responses, errors;
static char tls_name[128] = "-";
static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct conn {
  int fd;
  SSL *ssl;
  BIO *in;   /* for HTTPS: what recv() took from the socket, waiting for OpenSSL to decrypt it */
  char *raw; /* the 1 MiB that recv() reads into */
};

static void hang_up(struct conn *c) {
  if (c->ssl) SSL_free(c->ssl);
  if (c->fd >= 0) close(c->fd);
  c->ssl = NULL;
  c->fd = -1;
}

/* For HTTPS we read the socket ourselves, 1 MiB at a time, and hand the bytes to OpenSSL in a
 * memory BIO. (OpenSSL's own read-ahead with a 1 MiB buffer memmoves the rest of that buffer after
 * every 16 KiB record: it spent more time copying than decrypting.) */
static int feed(struct conn *c) {
  long got = recv(c->fd, c->raw, BUF, 0);
  if (got <= 0) return -1;
  BIO_write(c->in, c->raw, (int)got);
  return 0;
}

/* Runs an OpenSSL call until it stops asking for more input; returns its result. */
#define PUMPED(c, call)                                                          \
  ({                                                                             \
    int r_;                                                                      \
    while ((r_ = (call)) <= 0 && SSL_get_error((c)->ssl, r_) == SSL_ERROR_WANT_READ && \
           feed(c) == 0) {                                                       \
    }                                                                            \
    r_;                                                                          \
  })

static int dial(struct conn *c) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
  c->fd = -1;
  c->ssl = NULL;
  c->in = NULL;
  if (getaddrinfo(host, port, &hints, &ai) != 0) return -1;
  c->fd = socket(ai->ai_family, SOCK_STREAM, 0);
  struct timeval timeout = {.tv_sec = 2}; /* so that a silent server cannot hold us past the end */
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int ok = connect(c->fd, ai->ai_addr, ai->ai_addrlen);
  freeaddrinfo(ai);
  if (ok != 0) {
    hang_up(c);
    return -1;
  }
  if (tls) {
    c->ssl = SSL_new(ctx);
    c->in = BIO_new(BIO_s_mem());
    SSL_set_bio(c->ssl, c->in, BIO_new_socket(c->fd, BIO_NOCLOSE)); /* the SSL owns both now */
    SSL_set_tlsext_host_name(c->ssl, host);
    if (PUMPED(c, SSL_connect(c->ssl)) != 1) {
      hang_up(c);
      return -1;
    }
    pthread_mutex_lock(&name_lock);
    snprintf(tls_name, sizeof tls_name, "%s/%s", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
    pthread_mutex_unlock(&name_lock);
  }
  return 0;
}

static long io_read(struct conn *c, char *buf, long n) {
  if (!c->ssl) return recv(c->fd, buf, n, 0);
  size_t got = 0;
  return PUMPED(c, SSL_read_ex(c->ssl, buf, n, &got)) == 1 ? (long)got : -1;
}

static int io_write_all(struct conn *c, const char *buf, long n) {
  while (n > 0) {
    long put;
    if (c->ssl) {
      size_t w = 0;
      put = SSL_write_ex(c->ssl, buf, n, &w) == 1 ? (long)w : -1;
    } else {
      put = send(c->fd, buf, n, MSG_NOSIGNAL);
    }
    if (put <= 0) return -1;
    buf += put;
    n -= put;
  }
  return 0;
}

/* One connection: request, read the head, read the body, again, until the deadline. */
static void *worker(void *unused) {
  (void)unused;
  char *buf = malloc(BUF);
  char request[1024];
  int request_len = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", path, host, port);
  struct conn c = {.fd = -1, .raw = malloc(BUF)};
  long long mine = 0;
  long have = 0; /* bytes of buf holding the start of the next answer */
  while (now() < deadline) {
    if (c.fd < 0) {
      have = 0;
      if (dial(&c) != 0) {
        atomic_fetch_add(&errors, 1);
        usleep(10000);
        continue;
      }
    }
    if (io_write_all(&c, request, request_len) != 0) goto broken;
    /* the head */
    char *end = NULL;
    while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
      if (have >= BUF) goto broken;
      long got = io_read(&c, buf + have, BUF - have);
      if (got <= 0) {
        if (have == 0 && mine > 0) { /* closed after a whole answer: HTTP/1.0 style */
          hang_up(&c);
          goto next;
        }
        goto broken;
      }
      have += got;
    }
    long head_len = end + 4 - buf;
    *end = '\0'; /* the head as a C string, so that sscanf and strstr stop at its end */
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    long long length = -1;
    for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
      if (strncasecmp(line + 2, "Content-Length:", 15) == 0) length = atoll(line + 17);
    }
    int closes = memmem(buf, head_len, "onnection: close", 16) || memmem(buf, head_len, "HTTP/1.0", 8);
    if (status != 200 || length != expected) goto broken;
    /* the body */
    long long body = have - head_len;
    if (body > length) body = length; /* we send one request at a time, so nothing follows */
    mine += body;
    while (body < length) {
      long want = length - body < BUF ? length - body : BUF;
      long got = io_read(&c, buf, want);
      if (now() >= deadline) goto done; /* what arrives after the end is not counted */
      if (got <= 0) goto broken;
      body += got;
      mine += got;
    }
    have = 0;
    atomic_fetch_add(&responses, 1);
    if (closes) hang_up(&c);
  next:
    continue;
  broken:
    if (now() < deadline) atomic_fetch_add(&errors, 1);
    hang_up(&c);
    usleep(1000);
  }
done:
  hang_up(&c);
  atomic_fetch_add(&total_bytes, mine);
  free(buf);
  free(c.raw);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: bigread http|https HOST PORT PATH CONNECTIONS SECONDS EXPECTED_LENGTH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a server that resets a connection is one error, not our end */
  tls = strcmp(argv[1], "https") == 0;
  host = argv[2];
  port = argv[3];
  path = argv[4];
  int n = atoi(argv[5]);
  double seconds = atof(argv[6]);
  expected = atoll(argv[7]);
  if (tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); /* the bench's self-signed certificate */
  }
  pthread_t *threads = calloc(n, sizeof *threads);
  double start = now();
  deadline = start + seconds;
  for (int i = 0; i < n; i++) pthread_create(&threads[i], NULL, worker, NULL);
  for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
  double took = now() - start; /* a little over SECONDS: the last reads end after the deadline */
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("bytes=%lld seconds=%.3f responses=%lld errors=%lld cpu=%.2f tls=%s\n", (long long)total_bytes,
         took, (long long)responses, (long long)errors, cpu / took, tls_name);
  return 0;
}
