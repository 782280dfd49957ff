import { connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { securityFor, tlsOptions } from './security.js';

/**
 * Asks one Kafka listener for its API versions over a fresh TCP connection and resolves
 * true when a well-formed answer arrives within `timeoutMs`. Independent of any client
 * library, it tells "the broker process answers on this port" apart from "a connection
 * is accepted by the kernel but nobody reads it" (a paused JVM) and "refused" (dead).
 * Over TLS when the address has TLS settings; brokers answer ApiVersions before SASL.
 * Never rejects.
 */
export function probeKafka(hostPort: string, timeoutMs = 2000): Promise<boolean> {
  const colon = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, colon);
  const port = Number(hostPort.slice(colon + 1));
  const clientId = Buffer.from('streamchaos-probe');
  const correlationId = 0x5c0ffee;
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0: every Kafka since 0.10 answers it
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);

  return new Promise((resolve) => {
    const tls = securityFor(hostPort)?.tls;
    const send = (): void => void socket.write(Buffer.concat([size, body]));
    const socket =
      tls === undefined ? connect(port, host, send) : tlsConnect({ host, port, ...tlsOptions(tls), ...(isIP(host) === 0 ? { servername: host } : {}) }, send);
    let received = Buffer.alloc(0);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 8) finish(received.readInt32BE(4) === correlationId);
    });
  });
}
