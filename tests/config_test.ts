// tests/config_test.ts — parseConfig (lib/config.ts).
import { assertEquals } from "@std/assert";
import { type Config, parseConfig, parseConfigFile } from "../lib/config.ts";

const defaults: Config = {
  root: "static",
  httpPort: 80,
  httpsPort: 443,
  hostname: "::",
  cert: "certs/cert.pem",
  key: "certs/key.pem",
  dotfiles: false,
  quiet: false,
  log: "-",
  trace: false,
  noRedirect: false,
  list: false,
  cgi: false,
  cgiTimeoutMs: 10_000,
  configFile: "",
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  handshakeTimeoutMs: 10_000,
  sendTimeoutMs: 30_000,
  maxConnections: 512,
};

Deno.test("parseConfig() no flags: the lab's defaults (ports 80 and 443, static/)", () => {
  assertEquals(parseConfig([]), { kind: "config", config: defaults });
});

Deno.test("parseConfig() every flag, in both --flag value and --flag=value forms", () => {
  const answer = parseConfig([
    "--root",
    "/srv",
    "--http-port=8080",
    "--https-port",
    "0",
    "--hostname",
    "127.0.0.1",
    "--cert",
    "c.pem",
    "--key=k.pem",
    "--dotfiles",
    "--quiet",
    "--log",
    "logs/access.log",
    "--trace",
    "--no-redirect",
    "--list",
    "--cgi",
    "--cgi-timeout",
    "5",
    "--config",
    "my.conf",
    "--header-timeout",
    "0.5",
    "--idle-timeout=2",
    "--handshake-timeout",
    "3",
    "--send-timeout",
    "4",
    "--max-connections",
    "7",
  ]);
  assertEquals(answer, {
    kind: "config",
    config: {
      root: "/srv",
      httpPort: 8080,
      httpsPort: 0,
      hostname: "127.0.0.1",
      cert: "c.pem",
      key: "k.pem",
      dotfiles: true,
      quiet: true,
      log: "logs/access.log",
      trace: true,
      noRedirect: true,
      list: true,
      cgi: true,
      cgiTimeoutMs: 5000,
      configFile: "my.conf",
      headerTimeoutMs: 500,
      idleTimeoutMs: 2000,
      handshakeTimeoutMs: 3000,
      sendTimeoutMs: 4000,
      maxConnections: 7,
    },
  });
});

Deno.test("parseConfig() --help asks for the usage", () => {
  assertEquals(parseConfig(["--help"]), { kind: "help" });
});

// deno-fmt-ignore
const errors: [rule: string, args: string[], want: string][] = [
  ["an unknown flag is an error, not ignored", ["--prot", "80"],          "Unknown option: --prot"],
  ["a stray word is an error",                 ["80"],                    "Unknown option: 80"],
  ["a port above 65535 is refused",            ["--http-port", "65536"],  "--http-port must be 0–65535"],
  ["a port that is not a number is refused",   ["--https-port", "abc"],   "--https-port must be 0–65535"],
  ["a flag without its value is refused",      ["--root"],                "Option --root needs a value"],
  ["a timeout of 0 is refused",                ["--idle-timeout", "0"],   "--idle-timeout must be a number of seconds, 0 < S ≤ 86400"],
  ["a timeout that is not a number is refused", ["--header-timeout", "x"], "--header-timeout must be a number of seconds, 0 < S ≤ 86400"],
  ["a fractional connection limit is refused", ["--max-connections", "1.5"], "--max-connections must be a whole number ≥ 1"],
];
for (const [rule, args, want] of errors) {
  Deno.test(`parseConfig() ${rule} (${args.join(" ")})`, () => {
    assertEquals(parseConfig(args), { kind: "error", message: want });
  });
}

// ── parseConfigFile ──
Deno.test("parseConfigFile() reads seed 001's file: Port=80, Directory=/var/www", () => {
  assertEquals(parseConfigFile("Port=80\nDirectory=/var/www\n"), {
    kind: "flags",
    flags: ["--http-port=80", "--root=/var/www"],
  });
});

Deno.test("parseConfigFile() ignores comments and blank lines, keys in any case, spaces around '='", () => {
  const text = "# tinyhttps\n\n; also a comment\nHTTPSPORT = 8443\r\nlog=logs/a.log\n";
  assertEquals(parseConfigFile(text), {
    kind: "flags",
    flags: ["--https-port=8443", "--log=logs/a.log"],
  });
});

Deno.test("parseConfigFile() switches take yes or no", () => {
  assertEquals(parseConfigFile("List=yes\nCgi=no\nTrace=on"), {
    kind: "flags",
    flags: ["--list", "--trace"],
  });
});

// deno-fmt-ignore
const fileErrors: [rule: string, text: string, want: string][] = [
  ["an unknown key names its line",       "Port=80\nProt=80",   "line 2: Prot=80: unknown key"],
  ["a line without '=' names its line",   "Port 80",            "line 1: Port 80: expected Key=Value"],
  ["a bad port names its line",           "\nPort=eighty",      "line 2: Port=eighty: --http-port must be 0–65535"],
  ["a switch that is not yes/no",         "List=maybe",         "line 1: List=maybe: expected yes or no"],
  ["a bad timeout names its line",        "IdleTimeout=-1",     "line 1: IdleTimeout=-1: --idle-timeout must be a number of seconds, 0 < S ≤ 86400"],
];
for (const [rule, text, want] of fileErrors) {
  Deno.test(`parseConfigFile() ${rule} (${JSON.stringify(text)})`, () => {
    assertEquals(parseConfigFile(text), { kind: "error", message: want });
  });
}

Deno.test("parseConfigFile() flags typed on the command line win over the file", () => {
  const file = parseConfigFile("Port=8080\nDirectory=/tmp/www");
  if (file.kind !== "flags") throw new Error(file.message);
  const answer = parseConfig([...file.flags, "--http-port", "9090"]);
  assertEquals(answer.kind === "config" && [answer.config.httpPort, answer.config.root], [
    9090,
    "/tmp/www",
  ]);
});
