// tests/exercises/config.ts — your version of lib/config.ts (see tests/tools/exercise.ts).
// Write each function marked TODO, then: deno task exercise config

// lib/config.ts — the command line of server.ts, read into a checked Config (or a readable error).
// Pure: it gets the arguments as strings; server.ts prints the error or the usage and exits.

import { parseArgs } from "@std/cli";

/** Everything server.ts needs to know before it opens a socket. */
export interface Config {
  /** The folder whose files port 443 serves. */
  root: string;
  /** The plain-HTTP port that redirects to HTTPS; 0 asks the OS for a free port (tests). */
  httpPort: number;
  /** The TLS port that serves files; 0 asks the OS for a free port. */
  httpsPort: number;
  /** The address both ports listen on; "::" means every address of this host, IPv6 and IPv4
   * (a dual-stack socket), "0.0.0.0" every IPv4 address only. */
  hostname: string;
  /** PEM files: the certificate (chain) and its private key. */
  cert: string;
  key: string;
  /** Serve names starting with "." (hidden by default: .git, .env). */
  dotfiles: boolean;
  /** Print nothing per request (the access log is off); errors are still printed. */
  quiet: boolean;
  /** Where the access log goes: "-" for stdout, else a file that lines are appended to. */
  log: string;
  /** Print every request head and response head as they cross the wire, for the classroom. */
  trace: boolean;
  /** The plain port serves files too, instead of redirecting (to watch HTTP in Wireshark). */
  noRedirect: boolean;
  /** A folder without index.html gets a listing of its files (instead of 404). */
  list: boolean;
  /** Executable files under cgi-bin/ of the root run as CGI programs (RFC 3875). */
  cgi: boolean;
  /** How long a CGI program may run before it is killed, in milliseconds. */
  cgiTimeoutMs: number;
  /** The --config file these settings were read from, if any ("" if none). */
  configFile: string;
  /** Time limits, in milliseconds (see the flags in USAGE and part 4 of LESSON.md). */
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  sendTimeoutMs: number;
  /** Connections served at once; more are answered 503 and closed. */
  maxConnections: number;
}

/** parseConfig's answer: a config, a request for the usage text, or what was wrong. */
export type ConfigAnswer =
  | { kind: "config"; config: Config }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** The usage text `--help` prints. */
export const USAGE = `tinyhttps — a small HTTP + HTTPS file server for teaching

Usage: deno task start [options]        (ports 80 and 443 need root)
       deno task dev   [options]        (ports 8080 and 8443)

Options:
  --root DIR          folder to serve                     (default: static)
  --http-port N       plain HTTP port, answers 301        (default: 80)
  --https-port N      HTTPS port, serves files            (default: 443)
  --hostname ADDR     address to listen on      (default: ::, IPv6 and IPv4)
  --cert FILE         TLS certificate, PEM                (default: certs/cert.pem)
  --key FILE          TLS private key, PEM                (default: certs/key.pem)
  --dotfiles          also serve names starting with "."
  --quiet             no access log lines
  --log FILE          append the access log to FILE           (default: - for stdout)
  --trace             show each request and response head, and the range arithmetic
  --no-redirect       port 80 serves the files too, in plain text (for Wireshark)
  --list              list a folder's files when it has no index.html
  --cgi               run executables under cgi-bin/ as CGI programs (needs
                      deno task start:cgi, which allows running programs)
  --cgi-timeout S     seconds a CGI program may run                (default: 10)
  --config FILE       read Key=Value settings (Port=80, Directory=/var/www, ...);
                      flags given on the command line win
  --header-timeout S  seconds to send a whole request head      (default: 10)
  --idle-timeout S    seconds a keep-alive connection may idle   (default: 15)
  --handshake-timeout S  seconds for the TLS handshake           (default: 10)
  --send-timeout S    seconds a client may take to accept data   (default: 30)
  --max-connections N connections at once; more get 503          (default: 512)
  --help              show this text`;

const STRING_FLAGS = [
  "root",
  "http-port",
  "https-port",
  "hostname",
  "cert",
  "key",
  "log",
  "config",
];
/** The time limits: flag name → default in seconds. */
const TIMEOUT_FLAGS = {
  "header-timeout": 10,
  "idle-timeout": 15,
  "handshake-timeout": 10,
  "send-timeout": 30,
  "cgi-timeout": 10,
} as const;
const BOOLEAN_FLAGS = ["dotfiles", "quiet", "trace", "no-redirect", "list", "cgi", "help"];

/** The values of the text flags when they are not given: the lab's ports, static/, stdout. */
const DEFAULTS = {
  root: "static",
  "http-port": "80",
  "https-port": "443",
  hostname: "::",
  log: "-",
};

/** parseConfig reads command-line arguments into a Config. Unknown flags, stray words, flags
 * without their value, ports outside 0–65535, timeouts that are not positive numbers of seconds
 * and a connection limit below 1 give `{ kind: "error" }` with a sentence that names the flag,
 * so a typo is never silently ignored. */
export function parseConfig(args: string[]): ConfigAnswer {
  // TODO: write parseConfig. Its lesson: "## parseConfig" in LESSON.md.
  throw new Error("TODO: parseConfig");
}

type Numbers = Pick<
  Config,
  | "httpPort"
  | "httpsPort"
  | "headerTimeoutMs"
  | "idleTimeoutMs"
  | "handshakeTimeoutMs"
  | "sendTimeoutMs"
  | "cgiTimeoutMs"
  | "maxConnections"
>;

/** The keys a --config file may hold, and the flag each one stands for. The first two are the
 * ones seed 001's exercise uses (`/etc/myhttpd.conf`: `Port=80`, `Directory=/var/www`). */
const FILE_KEYS: Record<string, string> = {
  port: "http-port",
  directory: "root",
  httpsport: "https-port",
  hostname: "hostname",
  cert: "cert",
  key: "key",
  log: "log",
  dotfiles: "dotfiles",
  quiet: "quiet",
  trace: "trace",
  noredirect: "no-redirect",
  list: "list",
  cgi: "cgi",
  cgitimeout: "cgi-timeout",
  headertimeout: "header-timeout",
  idletimeout: "idle-timeout",
  handshaketimeout: "handshake-timeout",
  sendtimeout: "send-timeout",
  maxconnections: "max-connections",
};
const YES = ["yes", "true", "on", "1"], NO = ["no", "false", "off", "0"];

/** parseConfigFile turns the text of a config file into command-line flags, which go before the
 * real command line so that flags typed there win. One `Key=Value` per line, keys in any case,
 * spaces around `=` allowed; blank lines and lines starting with `#` or `;` are comments; a
 * switch takes yes/no (true/false, on/off, 1/0). An unknown key, a line without `=`, or a value
 * parseConfig refuses gives `{ kind: "error" }` naming the line: "line 3: Prot=80: unknown key". */
export function parseConfigFile(
  text: string,
): { kind: "flags"; flags: string[] } | { kind: "error"; message: string } {
  // TODO: write parseConfigFile. Its lesson: "## parseConfigFile" in LESSON.md.
  throw new Error("TODO: parseConfigFile");
}
