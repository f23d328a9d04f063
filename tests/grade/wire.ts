// tests/grade/wire.ts — raw bytes to and from the server being graded, each step with a
// deadline, so that a broken server can make a check fail but never make the grader hang.
// The checks that use this are in tests/grade/checks.ts; reading a head and finding where a
// body ends are pure functions of lib/client.ts (parseResponseHead, responseFraming).

import {
  parseResponseHead,
  type ResponseFraming,
  responseFraming,
  type ResponseHead,
} from "../../lib/client.ts";

/** One port of the server: plain TCP (port 80) or TLS (port 443). */
export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** What one read of a response gave: a whole response, or how it went wrong. */
export type Got =
  | {
    kind: "response";
    head: ResponseHead;
    body: Uint8Array;
    framing: ResponseFraming;
    /** False if the body stopped short of its Content-Length (the server stalled or closed). */
    complete: boolean;
  }
  | { kind: "closed"; bytes: Uint8Array } // the server closed before a whole head
  | { kind: "timeout"; bytes: Uint8Array; head?: ResponseHead } // nothing more came in time
  | { kind: "invalid"; bytes: Uint8Array; why: string } // the bytes are no response
  | { kind: "error"; bytes: Uint8Array; cause: unknown }; // reset, TLS alert, a Timeout, …

/** A deadline of the grader's passed. The report says so in its own language (messages.ts,
 * wire.noAnswerWithin); the message is for a stack trace only. */
export class Timeout extends Error {
  constructor(readonly ms: number) {
    super(`${ms} ms`);
  }
}

/** No byte for this long in the middle of a body: the server has stopped sending. */
export const STALL_MS = 3000;
/** A head that has not ended after this many bytes is no head: a server streaming garbage
 * must not fill the grader's memory. */
const MAX_HEAD = 64 * 1024;
/** A body without Content-Length is read until close, but no further than this. */
const MAX_UNFRAMED = 128 * 1024 * 1024;

/** Runs `work` with a deadline; on timeout calls `onTimeout` (closing a socket makes a pending
 * read fail at once) and throws Timeout. */
export async function within<T>(ms: number, work: Promise<T>, onTimeout = () => {}): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Timeout(ms));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A plain TCP connection within `ms` (an address that drops SYNs would otherwise keep a
 * connect waiting for minutes); a connect that outlives its deadline is closed when it ends. */
export async function connectTcp(endpoint: Endpoint, ms = 5000): Promise<Deno.TcpConn> {
  let timedOut = false;
  const connecting = Deno.connect({ hostname: endpoint.host, port: endpoint.port });
  connecting.then((c) => timedOut && c.close(), () => {});
  return await within(ms, connecting, () => timedOut = true);
}

/** A connection to the server and the bytes read from it that no response has used yet. */
export class Wire {
  #buffer = new Uint8Array(0);
  #length = 0;
  #closed = false;
  private constructor(
    readonly conn: Deno.Conn | Deno.TlsConn,
    readonly endpoint: Endpoint,
    readonly tls?: Deno.TlsConn,
  ) {}

  /** Opens a connection (and for TLS, does the handshake, offering `alpn`) within `ms`. */
  static async open(endpoint: Endpoint, ms = 5000, alpn = ["http/1.1"]): Promise<Wire> {
    const { host: hostname, port } = endpoint;
    const connecting: Promise<Deno.TcpConn | Deno.TlsConn> = endpoint.tls
      ? Deno.connectTls({ hostname, port, alpnProtocols: alpn })
      : Deno.connect({ hostname, port });
    // A connect that outlives its deadline is closed when it finally succeeds.
    let timedOut = false;
    connecting.then((c) => timedOut && c.close(), () => {});
    const conn = await within(ms, connecting, () => timedOut = true);
    if (!("handshake" in conn)) return new Wire(conn, endpoint);
    await within(ms, conn.handshake(), () => conn.close()).catch((e) => {
      try {
        conn.close();
      } catch { /* closed by the deadline */ }
      throw e;
    });
    return new Wire(conn, endpoint, conn);
  }

  /** The ALPN protocol the TLS handshake chose (RFC 7301), or null. */
  async alpn(): Promise<string | null> {
    return this.tls ? (await this.tls.handshake()).alpnProtocol : null;
  }

  /** Writes all of `data` within `ms` (a server that never reads can block a big write). */
  async send(data: string | Uint8Array, ms = 5000): Promise<void> {
    const bytes = typeof data === "string" ? latin1(data) : data;
    const all = async () => {
      for (let sent = 0; sent < bytes.length;) sent += await this.conn.write(bytes.subarray(sent));
    };
    await within(ms, all(), () => this.close());
  }

  /** Reads more bytes into the buffer; false at EOF. The buffer doubles when full, so a 64 MB
   * body costs a few copies, not one per read. */
  async #fill(): Promise<boolean> {
    if (this.#buffer.length - this.#length < 256 * 1024) {
      const bigger = new Uint8Array(Math.max(this.#buffer.length * 2, 512 * 1024));
      bigger.set(this.#view());
      this.#buffer = bigger;
    }
    const n = await this.conn.read(this.#buffer.subarray(this.#length));
    if (n === null) return false;
    this.#length += n;
    return true;
  }

  /** The bytes read and not yet used. */
  #view(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Reads one response to a `method` request within `ms`. The body ends where RFC 9112 §6.3
   * says (responseFraming); chunked bodies are not decoded (no server of the lab sends them). */
  async response(method: string, ms = 5000): Promise<Got> {
    let head: ResponseHead | undefined;
    let timedOut = false;
    const read = async (): Promise<Got> => {
      let answer = parseResponseHead(this.#view());
      while (answer.kind === "incomplete") {
        if (this.#length > MAX_HEAD) {
          return { kind: "invalid", bytes: this.#take(200), why: "no end of head in 64 KB" };
        }
        if (!(await this.#fill())) return { kind: "closed", bytes: this.#take(Infinity) };
        answer = parseResponseHead(this.#view());
      }
      if (answer.kind === "invalid") {
        return { kind: "invalid", bytes: this.#take(Infinity), why: answer.why };
      }
      head = answer.head;
      const framing = responseFraming(head, method);
      const bodyEnd = head.length + (framing.kind === "length" ? framing.length : 0);
      const untilClose = framing.kind === "close" || framing.kind === "chunked";
      // In the body, a pause of STALL_MS means the server sent all it will: a body shorter
      // than its Content-Length (strlen() on binary data) is reported then, not at `ms`.
      while ((untilClose && this.#length < MAX_UNFRAMED) || this.#length < bodyEnd) {
        const more = await within(STALL_MS, this.#fill(), () => this.close()).catch((e) => {
          if (e instanceof Timeout) return false; // a stall: the body is what came
          throw e;
        });
        if (!more) break;
      }
      const whole = this.#take(untilClose ? Infinity : bodyEnd);
      const complete = untilClose || whole.length === bodyEnd;
      return { kind: "response", head, body: whole.slice(head.length), framing, complete };
    };
    try {
      return await within(ms, read(), () => {
        timedOut = true;
        this.close();
      });
    } catch (error) {
      const bytes = this.#take(Infinity);
      if (timedOut) return { kind: "timeout", bytes, head };
      return { kind: "error", bytes, cause: error };
    }
  }

  /** Reads only a response head (and whatever body bytes came with it) within `ms`: for a
   * client that will drop the connection in the middle of the body, as VLC does on a seek. */
  async headOnly(ms = 5000): Promise<ResponseHead | undefined> {
    const read = async () => {
      let answer = parseResponseHead(this.#view());
      while (answer.kind === "incomplete" && await this.#fill()) {
        answer = parseResponseHead(this.#view());
      }
      return answer.kind === "head" ? answer.head : undefined;
    };
    try {
      return await within(ms, read(), () => this.close());
    } catch {
      return undefined;
    }
  }

  /** True if the server closes the connection (EOF or reset) within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    try {
      await within(
        ms,
        (async () => {
          while (await this.#fill()) { /* bytes after the end: keep reading until EOF */ }
        })(),
        () => this.close(),
      );
      return true;
    } catch (error) {
      return !(error instanceof Timeout);
    }
  }

  /** The first `n` bytes of the buffer, removed from it. */
  #take(n: number): Uint8Array {
    const taken = this.#view().slice(0, n);
    this.#buffer.copyWithin(0, taken.length, this.#length);
    this.#length -= taken.length;
    return taken;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** One request on a new connection: send, read one response, close. Connection failures come
 * back as a Got of kind "error" too, so a check has one thing to judge. */
export async function exchange(
  endpoint: Endpoint,
  request: string | Uint8Array,
  method = "GET",
  ms = 5000,
): Promise<Got> {
  let wire: Wire;
  try {
    wire = await Wire.open(endpoint, ms);
  } catch (error) {
    return { kind: "error", bytes: new Uint8Array(0), cause: error };
  }
  try {
    await wire.send(request, ms);
    return await wire.response(method, ms);
  } catch (error) {
    return { kind: "error", bytes: new Uint8Array(0), cause: error };
  } finally {
    wire.close();
  }
}

export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The value of a field of a head (the last one, if sent twice), or undefined. */
export function field(head: ResponseHead, name: string): string | undefined {
  return head.fields.findLast(([n]) => n === name)?.[1];
}
