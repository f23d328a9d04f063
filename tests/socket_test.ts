// tests/socket_test.ts — sockaddrPort (lib/socket.ts).
import { assertEquals } from "@std/assert";
import { sockaddrPort, unmappedAddress } from "../lib/socket.ts";

// The bytes are what Linux on x86_64 writes for getsockname(2): family (little-endian), port
// (big-endian), then the address.
// deno-fmt-ignore
const rows: [rule: string, bytes: number[], want: number | undefined][] = [
  ["IPv4 127.0.0.1:443: port bytes 0x01 0xBB",     [2, 0, 0x01, 0xbb, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 443],
  ["IPv4 0.0.0.0:80",                              [2, 0, 0x00, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],   80],
  ["IPv4 port 8443 = 0x20FB, high byte first",     [2, 0, 0x20, 0xfb, 10, 0, 0, 1],                         8443],
  ["IPv6 [::1]:65535",                             [10, 0, 0xff, 0xff, 0, 0, 0, 0, ...new Array(16).fill(0)], 65535],
  ["a Unix socket (family 1) has no port",         [1, 0, 0x2f, 0x74, 0x6d, 0x70],                          undefined],
  ["family 0 (nothing filled in) has no port",     [0, 0, 0, 0],                                            undefined],
  ["fewer than 4 bytes",                           [2, 0, 1],                                               undefined],
  ["a big-endian family 0x0200 is not AF_INET",    [0, 2, 0x01, 0xbb],                                      undefined],
];
for (const [rule, bytes, want] of rows) {
  Deno.test(`sockaddrPort() ${rule}`, () => {
    assertEquals(sockaddrPort(new Uint8Array(bytes)), want);
  });
}

// deno-fmt-ignore
const addresses: [rule: string, address: string, want: string][] = [
  ["an IPv4-mapped address is IPv4 (RFC 4291 §2.5.5.2)", "::ffff:10.0.0.2",  "10.0.0.2"],
  ["upper-case hex digits too",                          "::FFFF:127.0.0.1", "127.0.0.1"],
  ["a plain IPv4 address stays",                         "10.0.0.2",         "10.0.0.2"],
  ["an IPv6 address stays",                              "::1",              "::1"],
  ["an IPv6 address ending in hex, not IPv4, stays",     "::ffff:a00:2",     "::ffff:a00:2"],
];
for (const [rule, address, want] of addresses) {
  Deno.test(`unmappedAddress() ${rule} (${address})`, () => {
    assertEquals(unmappedAddress(address), want);
  });
}
