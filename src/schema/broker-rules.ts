/**
 * Rules about `brokers`: the server.properties keys that streamchaos owns, and JVM flags that
 * must agree with the heap.
 */
import { initialHeapProblem } from './jvm-options.js';
import { LIMITS } from './limits.js';
import { field, isRecord, type Rule } from './view.js';

/**
 * server.properties keys streamchaos writes itself for every broker. Each listener is reached
 * through a link proxy (see DESIGN.md, "Link proxies"), so node ids, roles, listeners, the
 * controller quorum and the log directories must match the topology it builds.
 */
export const MANAGED_BROKER_CONFIGS: readonly string[] = [
  'node.id',
  'broker.id',
  'process.roles',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'controller.listener.names',
  'controller.quorum.voters',
  'controller.quorum.bootstrap.servers',
  'log.dirs',
  'log.dir',
];

/** `brokers.config` must not set a key streamchaos manages. */
export const noManagedBrokerConfigs: Rule = (document) => {
  const config = field(field(document, 'brokers'), 'config');
  // a mapping past the limit is refused as a whole by its schema
  if (!isRecord(config) || Object.keys(config).length > LIMITS.brokerConfigs) return [];
  return Object.keys(config)
    .filter((key) => MANAGED_BROKER_CONFIGS.includes(key))
    .map((key) => ({
      path: ['brokers', 'config', key],
      atKey: true,
      message: `'${key}' cannot be set here: streamchaos sets it itself, because every broker's listeners go through its link proxies; remove this line`,
    }));
};

/** The broker heap when the file gives none. */
export const DEFAULT_HEAP = '512m';

/** An initial heap in `brokers.jvmOptions` (-Xms, -XX:InitialHeapSize) within `brokers.heap`, as the JVM requires. */
export const heapFlagsAgree: Rule = (document) => {
  const brokers = field(document, 'brokers');
  const flags = field(brokers, 'jvmOptions');
  const heap = field(brokers, 'heap') ?? DEFAULT_HEAP;
  if (!Array.isArray(flags) || flags.length > LIMITS.jvmOptions || typeof heap !== 'string') return [];
  return flags.flatMap((flag: unknown, index) => {
    const problem = typeof flag === 'string' ? initialHeapProblem(flag, heap) : undefined;
    return problem === undefined ? [] : [{ path: ['brokers', 'jvmOptions', index], message: problem }];
  });
};
