// tests/exercises/socket.ts — your version of lib/socket.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise socket

// lib/socket.ts — reading the C socket structures the kernel fills in (sockaddr, RFC 3493 §3.3).
// Pure: server.ts asks the kernel through getsockname(2); this file only reads the bytes back.

/** Address families, as Linux numbers them (<sys/socket.h>): IPv4 and IPv6. */
const AF_INET = 2;
const AF_INET6 = 10;

/** sockaddrPort reads the port out of the `struct sockaddr` that getsockname(2) fills in, or
 * returns undefined when the address is not IPv4 or IPv6 (a Unix socket, a pipe's nothing).
 * Both sockaddr_in and sockaddr_in6 start the same way: a 16-bit family in the machine's own byte
 * order (little-endian on x86 and ARM), then the 16-bit port in **network byte order**, which is
 * big-endian: RFC 791 and RFC 1700 send the most significant byte first, and C code converts with
 * htons() and ntohs(). Port 443 is 0x01BB, so its two bytes are 0x01 then 0xBB. */
export function sockaddrPort(bytes: Uint8Array): number | undefined {
  // TODO: write sockaddrPort. Its lesson: "## sockaddrPort" in LESSON.md.
  throw new Error("TODO: sockaddrPort");
}

/** unmappedAddress writes an IPv4 client of a dual-stack socket as IPv4. A socket listening on
 * "::" takes IPv4 connections too, and the kernel names their peer as an IPv4-mapped IPv6 address
 * (RFC 4291 §2.5.5.2): 10.0.0.2 arrives as `::ffff:10.0.0.2`. Logs and redirects show the
 * address the client used; any other address stays as it is. */
export function unmappedAddress(address: string): string {
  // TODO: write unmappedAddress. Its lesson: "## unmappedAddress" in LESSON.md.
  throw new Error("TODO: unmappedAddress");
}
