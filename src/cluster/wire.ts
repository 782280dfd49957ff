import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { authenticate } from './sasl.js';
import { Reader, Writer } from './wire-buffers.js';
import { securityFor, tlsOptions, type ClientSecurity } from './security.js';

/**
 * Just enough of Kafka's wire protocol for the observer to ask one specific broker a question
 * (client libraries pick a broker for you; during a partition, which broker answers matters).
 * Non-flexible request versions only: header v1, response header v0.
 */

let nextCorrelation = 1;

/**
 * Sends one request to the broker at `hostPort` on a fresh connection and resolves with the
 * response body (after the correlation id). The connection uses TLS and authenticates with SASL
 * first when the address has security settings (see security.ts). Rejects on connection or
 * authentication errors, a closed socket or when no complete answer arrives within `timeoutMs`.
 */
export async function request(hostPort: string, apiKey: number, apiVersion: number, body: Buffer, timeoutMs: number, flexible = false): Promise<Buffer> {
  const security = securityFor(hostPort);
  const conn = new Connection(hostPort, security?.tls, timeoutMs);
  try {
    await conn.opened;
    if (security?.sasl !== undefined) await authenticate(conn, security.sasl, hostPort);
    const rest = await conn.send(apiKey, apiVersion, body, flexible);
    return flexible ? rest.subarray(new Reader(rest).skipTags()) : rest; // response header v1 ends with tagged fields
  } finally {
    conn.close();
  }
}

/** One connection to a broker (plain TCP or TLS), requests sent one after the other, all within one time limit. */
export class Connection {
  readonly opened: Promise<void>;
  private readonly socket: Socket;
  private received = Buffer.alloc(0);
  private pending: { correlationId: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly hostPort: string,
    tls: ClientSecurity['tls'],
    timeoutMs: number,
  ) {
    const colon = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, colon);
    const port = Number(hostPort.slice(colon + 1));
    let connected!: () => void;
    this.opened = new Promise<void>((resolve, reject) => {
      connected = resolve;
      this.fail = (e: Error): void => {
        if (this.failure !== undefined) return;
        this.failure = e;
        reject(e);
        this.pending?.reject(e);
        this.pending = undefined;
        this.socket.destroy();
      };
    });
    this.opened.catch(() => undefined); // a failure also reaches whoever waits on a request
    this.timer = setTimeout(() => this.fail(new Error(`no answer from ${hostPort} within ${timeoutMs} ms`)), timeoutMs);
    this.socket =
      tls === undefined
        ? connect(port, host, () => connected())
        : tlsConnect({ host, port, ...tlsOptions(tls), ...(isIP(host) === 0 ? { servername: host } : {}) }, () => connected());
    this.socket.once('error', (e) => this.fail(e));
    this.socket.once('close', () => this.fail(new Error(`${hostPort} closed the connection`)));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private fail: (e: Error) => void = () => undefined;

  /** Sends one request (header v1, or v2 when `flexible`) and resolves with the response after its correlation id. */
  send(apiKey: number, apiVersion: number, body: Buffer, flexible = false): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const correlationId = nextCorrelation++ & 0x7fffffff;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string('streamchaos-observer');
    if (flexible) header.uvarint(0); // request header v2: no tagged fields
    const headerBytes = header.buffer();
    const size = new Writer().int32(headerBytes.length + body.length).buffer();
    return new Promise<Buffer>((resolve, reject) => {
      this.pending = { correlationId, resolve, reject };
      this.socket.write(Buffer.concat([size, headerBytes, body]));
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.failure ??= new Error('closed');
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    if (this.received.length < 4) return;
    const length = this.received.readInt32BE(0);
    if (this.received.length < 4 + length) return;
    const frame = this.received.subarray(4, 4 + length);
    this.received = this.received.subarray(4 + length);
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    if (frame.readInt32BE(0) !== pending.correlationId) pending.reject(new Error(`${this.hostPort} answered another request`));
    else pending.resolve(frame.subarray(4));
  }
}
