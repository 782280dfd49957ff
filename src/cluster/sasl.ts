/**
 * SASL authentication for the raw wire-protocol clients (wire.ts): SaslHandshake v1, then
 * SaslAuthenticate v0 frames carrying PLAIN or SCRAM-SHA-256/512 (RFC 5802). Errors name the
 * broker, the mechanism and the user, never the password.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SaslMechanism } from '../schema/external-environment.js';
import type { ClientSecurity } from './security.js';
import { Reader, Writer } from './wire-buffers.js';

/** What SASL needs of a broker connection: one request, its response body. */
export interface RequestChannel {
  send(apiKey: number, apiVersion: number, body: Buffer): Promise<Buffer>;
}

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

type Credentials = NonNullable<ClientSecurity['sasl']>;

/** Authenticates `conn` as `credentials.username`; rejects with a message naming the broker and the reason. */
export async function authenticate(conn: RequestChannel, credentials: Credentials, hostPort: string): Promise<void> {
  const { mechanism, username } = credentials;
  const failed = (why: string): Error => new Error(`SASL ${mechanism} authentication of user '${username}' at ${hostPort} failed: ${why}`);
  const h = new Reader(await conn.send(SASL_HANDSHAKE, 1, new Writer().string(mechanism).buffer()));
  const error = h.int16();
  const enabled = h.array((r) => r.string() ?? '');
  if (error !== 0) throw failed(`the broker does not enable ${mechanism} (it enables ${enabled.join(', ') || 'none'})`);
  const step = async (bytes: Buffer): Promise<Buffer> => {
    const r = new Reader(await conn.send(SASL_AUTHENTICATE, 0, new Writer().bytes(bytes).buffer()));
    const code = r.int16();
    const message = r.string();
    const answer = r.bytes() ?? Buffer.alloc(0);
    if (code !== 0) throw failed(message ?? `error code ${code}`);
    return answer;
  };
  if (mechanism === 'PLAIN') {
    await step(Buffer.from(`\u0000${username}\u0000${credentials.password}`, 'utf8'));
    return;
  }
  const scram = new Scram(mechanism, username, credentials.password);
  const serverFirst = await step(Buffer.from(scram.clientFirst(), 'utf8'));
  const serverFinal = await step(Buffer.from(scram.clientFinal(serverFirst.toString('utf8')), 'utf8'));
  if (!scram.verifyServer(serverFinal.toString('utf8'))) throw failed("the broker's signature does not match (is it the broker you meant?)");
}

/** One SCRAM exchange (RFC 5802), client side, without channel binding. */
export class Scram {
  private readonly hash: 'sha256' | 'sha512';
  private clientFirstBare = '';
  private serverSignature: Buffer | undefined;

  constructor(
    mechanism: Exclude<SaslMechanism, 'PLAIN'>,
    private readonly username: string,
    private readonly password: string,
    /** The client nonce; random unless a test gives one (RFC test vectors). */
    private readonly nonce = randomBytes(24).toString('base64').replace(/[=,]/g, ''),
  ) {
    this.hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  }

  clientFirst(): string {
    this.clientFirstBare = `n=${this.username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  clientFinal(serverFirst: string): string {
    const fields = new Map(serverFirst.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    const nonce = fields.get('r') ?? '';
    const salt = Buffer.from(fields.get('s') ?? '', 'base64');
    const iterations = Number(fields.get('i'));
    if (!nonce.startsWith(this.nonce) || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1)
      throw new Error('the broker sent a malformed SCRAM challenge');
    const withoutProof = `c=biws,r=${nonce}`;
    const salted = pbkdf2Sync(this.password, salt, iterations, this.hash === 'sha256' ? 32 : 64, this.hash);
    const clientKey = this.hmac(salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = this.hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
    this.serverSignature = this.hmac(this.hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verifyServer(serverFinal: string): boolean {
    const v = /(?:^|,)v=([^,]+)/.exec(serverFinal)?.[1];
    if (v === undefined || this.serverSignature === undefined) return false;
    const got = Buffer.from(v, 'base64');
    return got.length === this.serverSignature.length && timingSafeEqual(got, this.serverSignature);
  }

  private hmac(key: Buffer, text: string): Buffer {
    return createHmac(this.hash, key).update(text, 'utf8').digest();
  }
}
