/**
 * How much of each thing a file may hold. Each limit is far beyond what a real experiment or
 * environment needs (Kafka has 34 topic configs; a cluster here has at most 9 brokers), so only a
 * generated or hostile file reaches one; it is refused at that place with the limit named, and
 * nothing past a limit is checked one by one, so the cost of checking any file stays bounded.
 */
export const LIMITS = {
  /** Topics an environment declares. */
  topics: 1_000,
  /** Settings under `brokers.config`. */
  brokerConfigs: 1_000,
  /** Settings under one topic's `config`. */
  topicConfigs: 100,
  /** Flags under `brokers.jvmOptions`. */
  jvmOptions: 200,
  /** Variables under a processor's `env`. */
  environmentVariables: 500,
  /** Proxies an external environment declares (12 brokers need 12 client proxies and 132 broker → broker ones). */
  proxies: 300,
  /** Addresses in `bootstrap` or `observer`. */
  addresses: 100,
  /** Faults on an experiment's timeline (a gameday has a handful; each is run and judged). */
  faults: 1_000,
  /** Producers of a workload, and consumer groups. */
  producers: 100,
  consumers: 100,
  /** Characters of a setting's name (a Kafka config, an environment variable). */
  nameLength: 256,
  /** Characters of a setting's value, a JVM flag, an address or a URL. */
  valueLength: 65_536,
  /** Problems listed for one mapping or list; the rest are counted. */
  problemsShown: 20,
} as const;

/** `1000` → `1,000`: numbers in messages, grouped as people read them. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
