/* bench/reconnect.c — a load client that opens a new TLS connection for every request, and can
 * resume the TLS session of its previous connection, as browsers do.
 *
 *     reconnect full|resume HOST PORT PATH CONNECTIONS SECONDS EXPECTED_LENGTH
 *
 * wrk opens a new connection for each request when asked to (Connection: close), but it always
 * resumes the TLS session of the connection before (a capture of its ClientHellos: all but the
 * first carry a pre_shared_key), so it cannot measure a full handshake, with its signature
 * (RSA-2048 by default: the most expensive step of all). A browser that comes back keeps the
 * ticket the server sent after the last handshake (RFC 8446 §4.6.1) and offers it (§2.2): the
 * server checks it and skips the certificate and the signature. reconnect runs CONNECTIONS threads;
 * each, until SECONDS are over: connects, handshakes (with "resume", offering the newest session
 * ticket it got on its previous connection), sends `GET PATH` with Connection: close, reads the
 * answer to the end, and closes. Every answer must be 200 with Content-Length EXPECTED_LENGTH and
 * that many bytes; anything else is counted as an error. It prints one line:
 *
 *     responses=R seconds=S resumed=N errors=E cpu=C tls=VERSION/CIPHER
 *
 * where R counts whole answers before the deadline (R / SECONDS is the rate), N how many of them
 * came on a resumed session (with "resume", all but each thread's first should), and C the client's
 * own CPU time divided by S: near its core's 1.0 means the client, not the server, set the rate.
 * bench/run.py compiles it at bench time:
 *     gcc -O2 -pthread bench/reconnect.c -o DIR/reconnect -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int resume;
static const char *host, *port, *path;
static long long expected;
static double deadline;
static SSL_CTX *ctx;
static struct addrinfo *address;
static atomic_llong responses, resumed, errors;
static char tls_name[128] = "-";

/* Every socket waits at most 2 s to connect, send or receive: a silent server cannot hold a thread
 * (or the first probe) past the end. */
static int dial(void) {
  int fd = socket(address->ai_family, SOCK_STREAM, 0);
  struct timeval timeout = {.tv_sec = 2};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* One request on a new connection. Takes the session to offer (or NULL), and returns the one
 * to offer next time (the server's newest ticket, or NULL), or NULL after any failure. */
static SSL_SESSION *one_request(SSL_SESSION *offer, const char *request, int request_len, char *buf,
                                long size) {
  SSL_SESSION *next = NULL;
  SSL *ssl = NULL;
  int fd = dial();
  if (fd < 0) goto failed;
  ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, host);
  if (offer) SSL_set_session(ssl, offer);
  if (SSL_connect(ssl) != 1) goto failed;
  size_t put = 0;
  if (SSL_write_ex(ssl, request, request_len, &put) != 1 || (int)put != request_len) goto failed;
  /* The whole answer: the server closes after it (Connection: close), with a close_notify. */
  long have = 0;
  size_t got = 0;
  while (have < size && SSL_read_ex(ssl, buf + have, size - have, &got) == 1) have += (long)got;
  if (SSL_get_error(ssl, 0) != SSL_ERROR_ZERO_RETURN && have < size) goto failed;
  buf[have] = '\0'; /* for sscanf and strstr: the buffer has one byte more than size */
  char *end = memmem(buf, have, "\r\n\r\n", 4);
  int status = 0;
  if (end == NULL || sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || status != 200) goto failed;
  long long length = -1;
  for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Content-Length:", 15) == 0) length = atoll(line + 17);
  }
  if (length != expected || have - (end + 4 - buf) != length) goto failed;
  if (now() < deadline) {
    atomic_fetch_add(&responses, 1);
    if (SSL_session_reused(ssl)) atomic_fetch_add(&resumed, 1);
  }
  /* The ticket arrived after the handshake, before the answer; OpenSSL keeps the newest. A
   * session is resumable only after a clean close, so we answer the server's close_notify. */
  if (resume) next = SSL_get1_session(ssl);
  SSL_shutdown(ssl);
  SSL_free(ssl);
  close(fd);
  return next;
failed:
  if (now() < deadline) atomic_fetch_add(&errors, 1);
  if (ssl) SSL_free(ssl);
  if (fd >= 0) close(fd);
  usleep(1000); /* a server that refuses is not asked again at once */
  return NULL;
}

static void *worker(void *unused) {
  (void)unused;
  long size = expected + 64 * 1024; /* the answer's head is far smaller than 64 KiB */
  char *buf = malloc(size + 1);
  char request[1024];
  int request_len = snprintf(request, sizeof request,
                             "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n", path, host, port);
  SSL_SESSION *session = NULL;
  while (now() < deadline) {
    SSL_SESSION *next = one_request(session, request, request_len, buf, size);
    if (session) SSL_SESSION_free(session);
    session = next;
  }
  if (session) SSL_SESSION_free(session);
  free(buf);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 8 || (strcmp(argv[1], "full") != 0 && strcmp(argv[1], "resume") != 0)) {
    fprintf(stderr, "usage: reconnect full|resume HOST PORT PATH CONNECTIONS SECONDS EXPECTED_LENGTH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a server that resets a connection is one error, not our end */
  resume = strcmp(argv[1], "resume") == 0;
  host = argv[2];
  port = argv[3];
  path = argv[4];
  int n = atoi(argv[5]);
  double seconds = atof(argv[6]);
  expected = atoll(argv[7]);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  if (getaddrinfo(host, port, &hints, &address) != 0) {
    fprintf(stderr, "reconnect: cannot resolve %s\n", host);
    return 2;
  }
  ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); /* the bench's self-signed certificate */
  { /* which TLS was agreed: once, on a connection of its own */
    SSL *ssl = SSL_new(ctx);
    int fd = dial();
    if (fd >= 0) {
      SSL_set_fd(ssl, fd);
      SSL_set_tlsext_host_name(ssl, host);
      if (SSL_connect(ssl) == 1) {
        snprintf(tls_name, sizeof tls_name, "%s/%s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
      }
    }
    SSL_free(ssl);
    if (fd >= 0) close(fd);
  }
  pthread_t *threads = calloc(n, sizeof *threads);
  double start = now();
  deadline = start + seconds;
  for (int i = 0; i < n; i++) pthread_create(&threads[i], NULL, worker, NULL);
  for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
  double took = now() - start;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("responses=%lld seconds=%.3f resumed=%lld errors=%lld cpu=%.2f tls=%s\n", (long long)responses, took,
         (long long)resumed, (long long)errors, cpu / took, tls_name);
  return 0;
}
