/**
 * Addresses and URLs of an external environment, checked as the OS and the clients will take
 * them: `host:port` with a port from 1 to 65535, and never credentials (`user:password@host`):
 * the file is copied into the run's history and the plan prints its addresses, so a URL with a
 * password is refused, and no message quotes it.
 */
import { z } from 'zod';
import { printable } from '../util/printable.js';
import { addressHasCredentials, credentialsInUrlMessage, urlHasCredentials } from './credentials.js';
import { expected } from './fields.js';
import { count, LIMITS } from './limits.js';

const KAFKA_CREDENTIALS = 'give Kafka credentials as security.sasl.usernameEnv and passwordEnv, the names of environment variables that hold them';

/** A TCP port as the OS takes it: 1 to 65535. */
const portProblem = (port: string): string | undefined =>
  Number(port) >= 1 && Number(port) <= 65535 ? undefined : `port ${port} does not exist: ports are 1 to 65535`;

/** What is wrong with one `host:port` address, or undefined. Never quotes an address that holds credentials. */
export function addressProblem(a: string): string | undefined {
  if (addressHasCredentials(a)) return credentialsInUrlMessage('an address', KAFKA_CREDENTIALS);
  if (a.length > 300) return `an address of ${count(a.length)} characters; a host name is at most 253`;
  const m = /^[^\s,:/]+:(\d{1,5})$/.exec(a);
  if (m === null) return `'${printable(a, 64)}' is not a host:port address, e.g. 'kafka-1.staging:9092'`;
  const bad = portProblem(m[1] ?? '');
  return bad === undefined ? undefined : `'${a}': ${bad}`;
}

/** `a:1,b:2` or a YAML list of addresses. */
export const addresses = z
  .union([z.string(), z.array(z.string())], { error: expected("host:port addresses, comma-separated or as a list, e.g. '127.0.0.1:25091,127.0.0.1:25092'") })
  .transform((value, ctx): string[] => {
    const list = (typeof value === 'string' ? value.split(',') : value).map((a) => a.trim()).filter((a) => a !== '');
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one host:port address' });
    if (list.length > LIMITS.addresses) {
      ctx.addIssue({ code: 'custom', message: `${count(list.length)} addresses; at most ${LIMITS.addresses} (a few brokers are enough to bootstrap from)` });
      return list;
    }
    for (const a of list) {
      const problem = addressProblem(a);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }
    return list;
  });

/** What is wrong with the Toxiproxy API URL, or undefined. Never quotes a URL that holds credentials. */
export function toxiproxyApiProblem(u: string): string | undefined {
  if (urlHasCredentials(u)) {
    return credentialsInUrlMessage(
      'the Toxiproxy API URL',
      "Toxiproxy's API takes no credentials of its own: reach it on a network only the harness can reach (a tunnel, a private address), never with a password in the file",
    );
  }
  const m = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(u);
  if (m === null) return `'${printable(u, 64)}' is not a Toxiproxy API URL; write http://host:port, e.g. 'http://127.0.0.1:8474'`;
  const bad = m[1] === undefined ? undefined : portProblem(m[1]);
  return bad === undefined ? undefined : `'${u}': ${bad}`;
}
