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
  /** The address both ports listen on; 0.0.0.0 means every IPv4 address of this host. */
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
  --hostname ADDR     address to listen on                (default: 0.0.0.0)
  --cert FILE         TLS certificate, PEM                (default: certs/cert.pem)
  --key FILE          TLS private key, PEM                (default: certs/key.pem)
  --dotfiles          also serve names starting with "."
  --quiet             no access log lines
  --log FILE          append the access log to FILE           (default: - for stdout)
  --trace             show each request and response head, and the range arithmetic
  --header-timeout S  seconds to send a whole request head      (default: 10)
  --idle-timeout S    seconds a keep-alive connection may idle   (default: 15)
  --handshake-timeout S  seconds for the TLS handshake           (default: 10)
  --send-timeout S    seconds a client may take to accept data   (default: 30)
  --max-connections N connections at once; more get 503          (default: 512)
  --help              show this text`;

const STRING_FLAGS = ["root", "http-port", "https-port", "hostname", "cert", "key", "log"];
/** The time limits: flag name → default in seconds. */
const TIMEOUT_FLAGS = {
  "header-timeout": 10,
  "idle-timeout": 15,
  "handshake-timeout": 10,
  "send-timeout": 30,
} as const;
const BOOLEAN_FLAGS = ["dotfiles", "quiet", "trace", "help"];

/** parseConfig reads command-line arguments into a Config. Unknown flags, stray words, flags
 * without their value, ports outside 0–65535, timeouts that are not positive numbers of seconds
 * and a connection limit below 1 give `{ kind: "error" }` with a sentence that names the flag,
 * so a typo is never silently ignored. */
export function parseConfig(args: string[]): ConfigAnswer {
  const unknown: string[] = [];
  const flags = parseArgs(args, {
    string: [...STRING_FLAGS, ...Object.keys(TIMEOUT_FLAGS), "max-connections"],
    boolean: BOOLEAN_FLAGS,
    default: {
      root: "static",
      "http-port": "80",
      "https-port": "443",
      hostname: "0.0.0.0",
      log: "-",
    },
    unknown: (arg: string) => void unknown.push(arg),
  });
  if (unknown.length > 0) return { kind: "error", message: `Unknown option: ${unknown[0]}` };
  if (flags.help) return { kind: "help" };
  for (const name of STRING_FLAGS) {
    if (flags[name] === "") return { kind: "error", message: `Option --${name} needs a value` };
  }
  const ms: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(TIMEOUT_FLAGS)) {
    const value = Number(flags[name] ?? seconds);
    if (!(value > 0 && value <= 86400)) {
      return { kind: "error", message: `--${name} must be a number of seconds, 0 < S ≤ 86400` };
    }
    ms[name] = Math.round(value * 1000);
  }
  const maxConnections = Number(flags["max-connections"] ?? 512);
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    return { kind: "error", message: "--max-connections must be a whole number ≥ 1" };
  }
  const httpPort = parsePort(flags["http-port"]);
  const httpsPort = parsePort(flags["https-port"]);
  if (httpPort === undefined) return { kind: "error", message: "--http-port must be 0–65535" };
  if (httpsPort === undefined) return { kind: "error", message: "--https-port must be 0–65535" };
  return {
    kind: "config",
    config: {
      root: flags.root,
      httpPort,
      httpsPort,
      hostname: flags.hostname,
      cert: flags.cert ?? "certs/cert.pem",
      key: flags.key ?? "certs/key.pem",
      dotfiles: flags.dotfiles,
      quiet: flags.quiet,
      log: flags.log,
      trace: flags.trace,
      headerTimeoutMs: ms["header-timeout"],
      idleTimeoutMs: ms["idle-timeout"],
      handshakeTimeoutMs: ms["handshake-timeout"],
      sendTimeoutMs: ms["send-timeout"],
      maxConnections,
    },
  };
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}
