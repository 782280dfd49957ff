import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.js';

/** Resolves true when host:port can be bound right now. */
export function portFree(hostPort: string): Promise<boolean> {
  const colon = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)), exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws EnvironmentError naming the first addresses already in use. */
export async function assertPortsFree(addresses: readonly string[]): Promise<void> {
  const busy: string[] = [];
  for (const a of addresses) if (!(await portFree(a))) busy.push(a);
  if (busy.length > 0) {
    throw new EnvironmentError(`cannot start the environment: ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''} already in use`, {
      hint: 'Another environment may still be running: see `streamchaos env status` and stop it with `streamchaos env down`, or give this environment another `ports.base`.',
    });
  }
}
