/**
 * One keep-alive HTTP/1.1 connection to a worker, written on `net` for the predict hot path.
 *
 * Node's http client (Agent, ClientRequest, IncomingMessage streams) was about a quarter of the
 * gateway's CPU per sync task (issue 5, scripts/bench/profile.mjs). A worker answers one request at a
 * time per connection (the dispatcher bounds concurrency, one connection per slot), so a connection
 * needs only: one write per request (head and body together, so Nagle and delayed ACK never meet),
 * and a response parser for what a worker may send: a status line, headers, then a Content-Length
 * body, a chunked body, or (no length, HTTP/1.0 style) a body ending with the connection. 1xx
 * interim answers are skipped. Anything unparseable ends the connection with an error.
 *
 * Reads land in one buffer shared by every connection (net's `onread`): no stream machinery and no
 * allocation per read. A read is parsed before its callback returns; what must outlive it (a partial
 * answer) is copied out, and a complete answer leaves as a decoded string. A streamed answer
 * (`stream`) hands its body on as decoded text as each read arrives instead, the same parser
 * underneath (Node's http client was most of the gateway's CPU per streamed LLM token, issue 20).
 */
import net from "node:net";
import { StringDecoder } from "node:string_decoder";

const CRLF_CRLF = Buffer.from("\r\n\r\n");
const MAX_HEAD_BYTES = 64 * 1024;
/** Where every connection's reads land; valid only until the read's callback returns. */
const sharedReadBuffer = Buffer.alloc(64 * 1024);
const isBorrowed = (bytes: Buffer): boolean => bytes.buffer === sharedReadBuffer.buffer;
const EMPTY = Buffer.alloc(0);

export interface RawReply {
  status: number;
  /** The body, decoded as UTF-8. */
  text: string;
}

/** Where a streamed answer goes: its status once the head is in, its body as text, then its end. */
export interface StreamReceiver {
  head(status: number): void;
  data(text: string): void;
  /** null: the body ended as framed; an error: the connection broke first (or before the head). */
  end(error: Error | null): void;
}

interface Pending {
  resolve(reply: RawReply): void;
  reject(error: Error): void;
  /** A streamed answer's receiver and decoder (multi-byte characters may straddle reads). */
  stream: { receiver: StreamReceiver; decoder: StringDecoder } | null;
}

type BodyMode = { kind: "length"; remaining: number } | { kind: "chunked" } | { kind: "until-close" };

export class WorkerConnection {
  private readonly socket: net.Socket;
  private buffered: Buffer = EMPTY;
  private pending: Pending | null = null;
  private status = 0;
  private mode: BodyMode | null = null;
  private parts: Buffer[] = [];
  private isClosing = false;
  private isDead = false;

  /** `onIdle` runs after each complete answer the connection survives; `onClose` once, at the end. */
  constructor(
    host: string,
    port: number,
    private readonly onIdle: (connection: WorkerConnection) => void,
    private readonly onClose: (connection: WorkerConnection) => void,
  ) {
    const callback = (size: number): boolean => {
      this.onRead(size);
      return true; // false would pause the socket
    };
    this.socket = net.connect({ host, port, noDelay: true, onread: { buffer: sharedReadBuffer, callback } });
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => this.onSocketClose());
  }

  get isUsable(): boolean {
    return !this.isDead && !this.isClosing;
  }

  /** Sends one request (`head` ends with the blank line); resolves with the whole answer. */
  request(head: string, body: string | Uint8Array): Promise<RawReply> {
    return new Promise<RawReply>((resolve, reject) => this.send(head, body, { resolve, reject, stream: null }));
  }

  /**
   * Sends one request whose answer is read as it arrives: `receiver` gets the status, the body's
   * text read by read, then the end. The connection is reused only once the body ended as framed.
   */
  stream(head: string, body: string | Uint8Array, receiver: StreamReceiver): void {
    const stream = { receiver, decoder: new StringDecoder("utf8") };
    this.send(head, body, { resolve: () => receiver.end(null), reject: (error) => receiver.end(error), stream });
  }

  /** Stops reading (a streamed answer's reader is behind); `resume` starts again. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private send(head: string, body: string | Uint8Array, pending: Pending): void {
    if (this.pending !== null || !this.isUsable) {
      pending.reject(new Error("connection is busy or closed"));
      return;
    }
    this.pending = pending;
    this.status = 0;
    this.mode = null;
    this.parts = [];
    this.socket.write(typeof body === "string" ? head + body : Buffer.concat([Buffer.from(head, "latin1"), body]));
  }

  destroy(error?: Error): void {
    this.fail(error ?? new Error("connection destroyed"));
  }

  /** `size` bytes arrived in the shared read buffer: nothing may keep a view of it once this returns. */
  private onRead(size: number): void {
    const chunk = sharedReadBuffer.subarray(0, size);
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      this.parse();
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
    // An answer split across reads: keep its bytes so far in memory of their own.
    if (this.buffered.length === 0) this.buffered = EMPTY;
    else if (isBorrowed(this.buffered)) this.buffered = Buffer.from(this.buffered);
    if (this.parts.some(isBorrowed)) this.parts = this.parts.map((part) => (isBorrowed(part) ? Buffer.from(part) : part));
  }

  private parse(): void {
    for (;;) {
      if (this.pending === null) {
        if (this.buffered.length > 0) throw new Error("the worker sent bytes nobody asked for");
        return;
      }
      if (this.mode === null) {
        if (!this.parseHead()) return;
        continue;
      }
      if (!this.parseBody(this.mode)) return;
      this.complete();
    }
  }

  /** Reads a status line and headers; false when more bytes are needed. */
  private parseHead(): boolean {
    const end = this.buffered.indexOf(CRLF_CRLF);
    if (end < 0) {
      if (this.buffered.length > MAX_HEAD_BYTES) throw new Error("response head too large");
      return false;
    }
    const lines = this.buffered.toString("latin1", 0, end).split("\r\n");
    this.buffered = this.buffered.subarray(end + 4);
    const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
    if (statusLine === null) throw new Error(`malformed status line: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`);
    const status = Number(statusLine[1]);
    if (status >= 100 && status < 200) return true; // an interim answer (100 Continue): the real one follows
    let length: number | null = null;
    let isChunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error("malformed header line");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (!/^\d+$/.test(value)) throw new Error("invalid Content-Length");
        length = Number(value);
      } else if (name === "transfer-encoding") {
        isChunked = value
          .toLowerCase()
          .split(",")
          .some((coding) => coding.trim() === "chunked");
      } else if (name === "connection") {
        if (
          value
            .toLowerCase()
            .split(",")
            .some((token) => token.trim() === "close")
        )
          this.isClosing = true;
      }
    }
    this.status = status;
    if (status === 204 || status === 304) this.mode = { kind: "length", remaining: 0 };
    else if (isChunked) this.mode = { kind: "chunked" };
    else if (length !== null) this.mode = { kind: "length", remaining: length };
    else {
      this.mode = { kind: "until-close" };
      this.isClosing = true;
    }
    this.pending?.stream?.receiver.head(status);
    return true;
  }

  /** Body bytes: handed on as text for a stream (before the read buffer is reused), else kept. */
  private take(bytes: Buffer): void {
    const stream = this.pending?.stream;
    if (stream === null || stream === undefined) this.parts.push(bytes);
    else {
      const text = stream.decoder.write(bytes);
      if (text !== "") stream.receiver.data(text);
    }
  }

  /** Consumes body bytes; true once the body is complete. */
  private parseBody(mode: BodyMode): boolean {
    if (mode.kind === "until-close") {
      this.take(this.buffered);
      this.buffered = EMPTY;
      return false;
    }
    if (mode.kind === "length") {
      const take = Math.min(mode.remaining, this.buffered.length);
      if (take > 0) this.take(this.buffered.subarray(0, take));
      this.buffered = this.buffered.subarray(take);
      mode.remaining -= take;
      return mode.remaining === 0;
    }
    for (;;) {
      const lineEnd = this.buffered.indexOf("\r\n");
      if (lineEnd < 0) return false;
      const size = parseInt(this.buffered.toString("latin1", 0, lineEnd).split(";")[0] ?? "", 16);
      if (!Number.isFinite(size) || size < 0) throw new Error("invalid chunk size");
      if (size === 0) {
        // The last chunk, then optional trailers, then a blank line ("0\r\n\r\n" without trailers).
        const end = this.buffered.indexOf(CRLF_CRLF, lineEnd);
        if (end < 0) return false;
        this.buffered = this.buffered.subarray(end + 4);
        return true;
      }
      const dataStart = lineEnd + 2;
      if (this.buffered.length < dataStart + size + 2) return false;
      this.take(this.buffered.subarray(dataStart, dataStart + size));
      this.buffered = this.buffered.subarray(dataStart + size + 2);
    }
  }

  private complete(): void {
    const pending = this.pending;
    const tail = pending?.stream?.decoder.end() ?? "";
    if (tail !== "") pending?.stream?.receiver.data(tail);
    const [only] = this.parts;
    const reply = {
      status: this.status,
      text: this.parts.length === 1 && only !== undefined ? only.toString("utf8") : Buffer.concat(this.parts).toString("utf8"),
    };
    this.pending = null;
    this.mode = null;
    this.parts = [];
    if (this.isClosing) this.socket.destroy();
    else this.onIdle(this);
    pending?.resolve(reply);
  }

  private onSocketClose(): void {
    if (this.pending !== null && this.mode?.kind === "until-close") {
      this.complete();
    }
    this.fail(new Error("connection closed before the answer was complete"));
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    if (!this.isDead) {
      this.isDead = true;
      this.socket.destroy();
      this.onClose(this);
    }
    pending?.reject(error);
  }
}
