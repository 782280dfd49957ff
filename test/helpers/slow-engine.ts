import { existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '../../src/util/time.js';

/**
 * A Docker engine that is slow to create containers: a proxy on a unix socket in front of a
 * real engine that holds every `POST …/containers/create` for `delayMs` before passing it on.
 * Like the engine itself, it passes the create on even when its client has gone meanwhile (a
 * harness that was killed, or exited), so the container appears after the client stopped
 * waiting for it: the race of a teardown that runs while a create is in flight, made certain.
 * Everything else passes straight through.
 */
export class SlowEngine {
  private held = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
  ) {}

  /** Listens on `socketPath` (a unix socket: no network address at all) in front of the engine at `upstream` (`unix://…`). */
  static async start(socketPath: string, upstream: string, delayMs: number): Promise<SlowEngine> {
    if (!upstream.startsWith('unix://')) throw new Error(`the slow engine needs an engine on a unix socket, not ${upstream}`);
    const target = upstream.slice('unix://'.length);
    if (existsSync(socketPath)) rmSync(socketPath);
    let engine: SlowEngine | undefined;
    const server = createServer((client) => engine?.relay(client, target, delayMs));
    engine = new SlowEngine(server, socketPath);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, resolve);
    });
    return engine;
  }

  /** For DOCKER_HOST. */
  get host(): string {
    return `unix://${this.socketPath}`;
  }

  /** Creates held or passed on but not yet answered by the engine. */
  get inFlight(): number {
    return this.held;
  }

  /** Resolves once every create it received has been answered by the engine. */
  async settled(timeoutMs = 60_000): Promise<void> {
    await waitFor(() => this.held === 0, { what: 'every held container create to be answered by the engine', timeoutMs, intervalMs: 50 });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, target: string, delayMs: number): void {
    const upstream = createConnection(target);
    this.sockets.add(client).add(upstream);
    let releaseAt = 0;
    let queue: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let awaitingAnswer = 0;
    let clientGone = false;
    const flush = (): void => {
      timer = undefined;
      for (const chunk of queue) upstream.write(chunk);
      queue = [];
    };
    client.on('data', (chunk: Buffer) => {
      // one request at a time per connection (HTTP/1.1, no pipelining): a create starts a chunk
      if (/^POST \S*\/containers\/create/.test(chunk.toString('latin1', 0, 200))) {
        this.held++;
        awaitingAnswer++;
        releaseAt = Date.now() + delayMs;
      }
      if (Date.now() < releaseAt) {
        queue.push(chunk);
        timer ??= setTimeout(flush, releaseAt - Date.now());
      } else if (queue.length > 0) queue.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (awaitingAnswer > 0) {
        awaitingAnswer--;
        this.held--;
      }
      if (!clientGone) client.write(chunk);
    });
    const forget = (): void => {
      this.held -= awaitingAnswer;
      awaitingAnswer = 0;
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    // the client going away does not take back what it asked: the upstream stays until answered
    client.on('close', () => {
      clientGone = true;
      if (awaitingAnswer === 0 && timer === undefined) upstream.end();
      else upstream.once('data', () => upstream.end());
    });
    client.on('error', () => undefined);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      client.destroy();
      forget();
    });
  }
}
