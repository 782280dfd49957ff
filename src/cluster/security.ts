/**
 * How the harness's clients reach a cluster that wants TLS and/or SASL (an external environment).
 *
 * The settings are resolved once from environment variables (the environment file names the
 * variables, never the secrets) and registered for the cluster's addresses; every client the
 * harness builds for those addresses — kafkajs clients and the raw wire-protocol requests of the
 * observer — looks them up by address, and processors get them through their STREAMCHAOS_*
 * variables. Secret values live in this process's memory and in a processor's environment
 * only: never in argv, a file, the history, a report or a message.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { UsageError } from '../errors.js';
import type { SaslMechanism, SecurityProtocol, SecuritySpec } from '../schema/external-environment.js';

export interface ClientSecurity {
  protocol: SecurityProtocol;
  /** TLS settings, for SSL and SASL_SSL. File contents (PEM), not paths. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

const byAddress = new Map<string, ClientSecurity>();

/** Every client for these `host:port` addresses uses `security` from now on. Returns the undo. */
export function useSecurity(addresses: readonly string[], security: ClientSecurity): () => void {
  const added = addresses.filter((a) => !byAddress.has(a));
  for (const a of added) byAddress.set(a, security);
  return () => {
    for (const a of added) if (byAddress.get(a) === security) byAddress.delete(a);
  };
}

/** The settings registered for `address`; undefined for plain connections. */
export function securityFor(address: string): ClientSecurity | undefined {
  return byAddress.get(address);
}

/** The settings of a list of bootstrap addresses (comma-separated or a list): those of the first one registered. */
export function securityOf(bootstrap: string | readonly string[]): ClientSecurity | undefined {
  const list = typeof bootstrap === 'string' ? bootstrap.split(',') : bootstrap;
  for (const a of list) {
    const s = byAddress.get(a.trim());
    if (s !== undefined) return s;
  }
  return undefined;
}

/** The kafkajs `ssl` and `sasl` options for `bootstrap`: nothing for plain connections. */
export function kafkajsSecurity(bootstrap: string | readonly string[]): { ssl?: ConnectionOptions | true; sasl?: KafkajsSasl } {
  return kafkajsOptions(securityOf(bootstrap));
}

export type KafkajsSasl =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'scram-sha-512'; username: string; password: string };

export function kafkajsOptions(security: ClientSecurity | undefined): { ssl?: ConnectionOptions | true; sasl?: KafkajsSasl } {
  if (security === undefined) return {};
  const out: { ssl?: ConnectionOptions | true; sasl?: KafkajsSasl } = {};
  if (security.tls !== undefined) out.ssl = tlsOptions(security.tls);
  if (security.sasl !== undefined) {
    const { username, password } = security.sasl;
    const mechanism = security.sasl.mechanism === 'PLAIN' ? 'plain' : security.sasl.mechanism === 'SCRAM-SHA-256' ? 'scram-sha-256' : 'scram-sha-512';
    out.sasl = { mechanism, username, password };
  }
  return out;
}

export function tlsOptions(tls: NonNullable<ClientSecurity['tls']>): ConnectionOptions {
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
  };
}

/**
 * Reads the variables `spec` names from `env` (and the PEM files they point at). Throws a
 * UsageError naming the first variable that is not set, or the file that cannot be read; the
 * message never contains a variable's value except a file path.
 */
export function resolveSecurity(spec: SecuritySpec, env: NodeJS.ProcessEnv, environmentName: string): ClientSecurity {
  const variable = (name: string, what: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new UsageError(`environment variable ${name} is not set; environment ${environmentName} reads ${what} from it`, {
        hint: `set it in the shell that runs streamchaos, e.g. \`export ${name}=…\` (or read it from your secret store); the environment file names the variable, never the secret`,
      });
    }
    return value;
  };
  const pem = (name: string | undefined, what: string): string | undefined => {
    if (name === undefined) return undefined;
    const path = variable(name, `the path of ${what}`);
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
      throw new UsageError(`cannot read ${what} at ${path} (from ${name}): ${code}`);
    }
  };
  const out: ClientSecurity = { protocol: spec.protocol };
  if (spec.protocol === 'SSL' || spec.protocol === 'SASL_SSL') {
    const ssl = spec.ssl;
    const ca = pem(ssl?.caFileEnv, 'the CA certificate');
    const cert = pem(ssl?.certFileEnv, "the client's certificate");
    const key = pem(ssl?.keyFileEnv, "the client's key");
    out.tls = {
      rejectUnauthorized: ssl?.rejectUnauthorized ?? true,
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    };
  }
  if (spec.sasl !== undefined && spec.protocol.startsWith('SASL_')) {
    out.sasl = {
      mechanism: spec.sasl.mechanism,
      username: variable(spec.sasl.usernameEnv, 'the SASL user name'),
      password: variable(spec.sasl.passwordEnv, 'the SASL password'),
    };
  }
  return out;
}

/** Variables that carry `security` to a processor process (its STREAMCHAOS_* contract); none for plain connections. */
export function securityEnv(security: ClientSecurity | undefined): Record<string, string> {
  if (security === undefined || security.protocol === 'PLAINTEXT') return {};
  return {
    STREAMCHAOS_SECURITY_PROTOCOL: security.protocol,
    ...(security.sasl === undefined
      ? {}
      : {
          STREAMCHAOS_SASL_MECHANISM: security.sasl.mechanism,
          STREAMCHAOS_SASL_USERNAME: security.sasl.username,
          STREAMCHAOS_SASL_PASSWORD: security.sasl.password,
        }),
    ...(security.tls === undefined
      ? {}
      : {
          STREAMCHAOS_SSL_REJECT_UNAUTHORIZED: String(security.tls.rejectUnauthorized),
          ...(security.tls.ca === undefined ? {} : { STREAMCHAOS_SSL_CA: security.tls.ca }),
          ...(security.tls.cert === undefined ? {} : { STREAMCHAOS_SSL_CERT: security.tls.cert }),
          ...(security.tls.key === undefined ? {} : { STREAMCHAOS_SSL_KEY: security.tls.key }),
        }),
  };
}

/** The inverse of securityEnv, in a processor process; undefined when none is set. */
export function securityFromEnv(env: NodeJS.ProcessEnv): ClientSecurity | undefined {
  const protocol = env.STREAMCHAOS_SECURITY_PROTOCOL;
  if (protocol !== 'SSL' && protocol !== 'SASL_SSL' && protocol !== 'SASL_PLAINTEXT') return undefined;
  const mechanism = env.STREAMCHAOS_SASL_MECHANISM;
  const out: ClientSecurity = { protocol };
  if (protocol !== 'SSL' && (mechanism === 'PLAIN' || mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512')) {
    out.sasl = { mechanism, username: env.STREAMCHAOS_SASL_USERNAME ?? '', password: env.STREAMCHAOS_SASL_PASSWORD ?? '' };
  }
  if (protocol !== 'SASL_PLAINTEXT') {
    const opt = (name: string): string | undefined => env[name];
    const ca = opt('STREAMCHAOS_SSL_CA');
    const cert = opt('STREAMCHAOS_SSL_CERT');
    const key = opt('STREAMCHAOS_SSL_KEY');
    out.tls = {
      rejectUnauthorized: env.STREAMCHAOS_SSL_REJECT_UNAUTHORIZED !== 'false',
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    };
  }
  return out;
}
