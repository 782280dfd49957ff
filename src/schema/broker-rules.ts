/**
 * Rules about `brokers.config`: the server.properties keys that streamchaos owns.
 */
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
  if (!isRecord(config)) return [];
  return Object.keys(config)
    .filter((key) => MANAGED_BROKER_CONFIGS.includes(key))
    .map((key) => ({
      path: ['brokers', 'config', key],
      atKey: true,
      message: `'${key}' cannot be set here: streamchaos sets it itself, because every broker's listeners go through its link proxies; remove this line`,
    }));
};
