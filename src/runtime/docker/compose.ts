import type { ManagedEnvironmentSpec } from '../../schema/environment.js';
import { hostsFileFor, topology } from '../../network/topology.js';
import { PUBLIC_IMAGES } from '../../provision/image-names.js';
import { brokerProperties, escapeProperty } from '../broker-config.js';

/** A fixed cluster id for hand-started clusters (22 base64url characters, not starting with '-'). */
const CLUSTER_ID = 'c3RyZWFtY2hhb3MtbG9jYWw';

/**
 * The environment as a docker-compose file for an engineer to start by hand with the public
 * images: one container per broker and one Toxiproxy with every link proxy, all on host
 * networking with the same loopback addresses and ports as the process runtime. Each broker's
 * peers resolve (extra_hosts) to that broker's own link proxies, as its hosts file does for a
 * JVM process. Returns the compose YAML and the Toxiproxy config it mounts.
 */
export function composeFiles(env: ManagedEnvironmentSpec, toxiproxyConfigPath: string): { compose: string; toxiproxy: string } {
  const topo = topology(env.brokers.count, env.ports.base);
  const toxiproxy = JSON.stringify(
    topo.links.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream, enabled: true })),
    null,
    2,
  );
  const out: string[] = [
    `# The ${env.name} environment for poking at by hand: ${env.brokers.count} KRaft brokers (apache/kafka) and`,
    '# Toxiproxy (shopify/toxiproxy) with every link proxy, on host networking, loopback only: the',
    '# same addresses and ports as `streamchaos env up`. Written by `npm run compose` from',
    `# environments/${env.name}.yaml; do not edit by hand.`,
    '#',
    `#   docker-compose up -d       clients: ${topo.bootstrap}`,
    `#   Toxiproxy API:             ${topo.toxiproxyApi}`,
    '#   docker-compose down -v',
    'services:',
    '  toxiproxy:',
    `    image: ${env.images?.toxiproxy ?? PUBLIC_IMAGES.toxiproxy}`,
    '    network_mode: host',
    `    command: ["-host=127.0.0.1", "-port=${new URL(topo.toxiproxyApi).port}", "-config=/config/toxiproxy.json"]`,
    '    volumes:',
    `      - ./${toxiproxyConfigPath}:/config/toxiproxy.json:ro`,
  ];
  for (const b of topo.brokers) {
    const properties = Object.entries(brokerProperties(env, topo, b.id, '/tmp/kraft-combined-logs', env.kafka.version));
    const hosts = hostsFileFor(b.id, topo)
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(' '));
    out.push(
      `  kafka-${b.id}:`,
      `    image: ${env.images?.kafka ?? PUBLIC_IMAGES.kafka(env.kafka.version)}`,
      '    network_mode: host',
      '    depends_on: [toxiproxy]',
      '    extra_hosts:',
      ...hosts.map(([address, name]) => `      - "${name}:${address}"`),
      '    environment:',
      `      CLUSTER_ID: ${CLUSTER_ID}`,
      `      KAFKA_HEAP_OPTS: ${yamlString(`-Xmx${env.brokers.heap} -Xms${env.brokers.heap}`)}`,
      // the image writes each value into server.properties as it is: escaped as serverProperties escapes it
      ...properties.map(([key, value]) => `      ${envName(key)}: ${yamlString(escapeProperty(value, 'value'))}`),
    );
  }
  const bootstrap = topo.brokers[0]!.observer;
  const creates = env.topics.map((t) =>
    [
      '/opt/kafka/bin/kafka-topics.sh --bootstrap-server',
      shellWord(bootstrap),
      '--create --if-not-exists --topic',
      shellWord(t.name),
      `--partitions ${t.partitions} --replication-factor ${t.replicationFactor}`,
      ...Object.entries(t.config).map(([k, v]) => `--config ${shellWord(`${k}=${v}`)}`),
    ].join(' '),
  );
  out.push(
    '  topics:',
    `    image: ${env.images?.kafka ?? PUBLIC_IMAGES.kafka(env.kafka.version)}`,
    '    network_mode: host',
    `    depends_on: [${topo.brokers.map((b) => `kafka-${b.id}`).join(', ')}]`,
    '    restart: on-failure',
    '    entrypoint: ["/bin/sh", "-c"]',
    `    command: [${yamlString(creates.join(' && '))}]`,
  );
  return { compose: `${out.join('\n')}\n`, toxiproxy: `${toxiproxy}\n` };
}

/**
 * `text` as one word of `sh -c`, inert whatever it holds: in single quotes, where the shell
 * expands nothing (`$(…)`, backticks, `;`, `&&`, globs), each `'` written as `'\''`. Words of
 * letters, digits and `._-:=,/@` need no quotes and get none, so ordinary commands stay readable.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9._:=,/@-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * `text` as a YAML double-quoted string that docker-compose reads back unchanged: JSON's escapes
 * (a subset of YAML's) for quotes, backslashes and control characters, and every `$` doubled, since
 * compose replaces `$NAME` and `${NAME}` with the host's environment variables, and `$$` with `$`.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text).replaceAll('$', '$$$$');
}

/** The apache/kafka image's convention: a property `a.b_c` is the variable `KAFKA_A_B__C`. */
function envName(property: string): string {
  const name = `KAFKA_${property.replace(/_/g, '__').replace(/\./g, '_').replace(/-/g, '___').toUpperCase()}`;
  // the schema refuses any other name (schema/settings.ts); one that got here anyway is not written
  if (!/^[A-Z0-9_]+$/.test(name)) throw new RangeError(`brokers.config name ${JSON.stringify(property)} has no apache/kafka image variable`);
  return name;
}
