#!/bin/sh
# static/cgi-bin/hello.sh — a CGI program (RFC 3875). With `deno task start:cgi`, tinyhttps runs it
# for https://HOST/cgi-bin/hello.sh, with the request in environment variables and the body on
# stdin; what it prints (a header block, an empty line, the body) becomes the response.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
echo "Hello from a CGI program."
echo "REQUEST_METHOD=$REQUEST_METHOD"
echo "QUERY_STRING=$QUERY_STRING"
echo "PATH_INFO=$PATH_INFO"
echo "REMOTE_ADDR=$REMOTE_ADDR"
if [ -n "$CONTENT_LENGTH" ]; then
  echo "body ($CONTENT_LENGTH bytes): $(head -c "$CONTENT_LENGTH")"
fi
