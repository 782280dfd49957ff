/**
 * Target rules: the strings a fault names its node with (`broker-2`, `leader of orders-0`,
 * `coordinator of group g`…), parsed into TargetRule and checked against the environment.
 */
import { z } from 'zod';
import { environmentBrokerIds, type EnvironmentSpec } from './environment.js';
import type { TargetRule } from './experiment.js';
import { expected } from './fields.js';
import { didYouMean } from './suggest.js';
import { count } from '../util/words.js';

type Target = TargetRule | { type: 'clients' };

/** What a fault may aim at: one broker, one broker or all of them, a processor, or a broker or the clients. */
export type TargetCategory = 'broker' | 'brokers' | 'processor' | 'broker-or-clients';

/** What targets are checked against. Undefined parts are unknown (invalid elsewhere) and not checked. */
export interface TargetContext {
  env: EnvironmentSpec | undefined;
  /** Processor instances, or 'none' when the workload has no processor. */
  processors: number | 'none' | undefined;
}

const BROKER_FORMS = [
  'broker-<id>',
  'controller',
  'leader of <topic>-<partition>',
  'follower of <topic>-<partition>',
  'coordinator of group <group-id>',
  'coordinator of transaction <transactional-id>',
  'random broker',
];
const FORMS: Record<TargetCategory, string[]> = {
  broker: BROKER_FORMS,
  brokers: [...BROKER_FORMS, 'all brokers'],
  processor: ['processor-<n>', 'random processor'],
  'broker-or-clients': ['clients', ...BROKER_FORMS],
};
const WORDS = ['controller', 'random broker', 'all brokers', 'random processor', 'clients'];

/** A target as written, or undefined when it has none of the known forms. */
export function parseTarget(written: string): Target | undefined {
  const text = written.trim().replace(/\s+/g, ' ');
  const fixed: Record<string, Target> = {
    controller: { type: 'controller' },
    'random broker': { type: 'random-broker' },
    'all brokers': { type: 'all-brokers' },
    'random processor': { type: 'random-processor' },
    clients: { type: 'clients' },
  };
  if (Object.hasOwn(fixed, text)) return fixed[text];
  const broker = /^broker-(\d+)$/.exec(text);
  if (broker !== null) return { type: 'broker', id: Number(broker[1]) };
  const processor = /^processor-(\d+)$/.exec(text);
  if (processor !== null) return { type: 'processor', instance: Number(processor[1]) };
  const role = /^(leader|follower) of (\S+)-(\d+)$/.exec(text);
  if (role !== null) return { type: role[1] === 'leader' ? 'leader' : 'follower', topic: role[2] ?? '', partition: Number(role[3]) };
  const group = /^coordinator of group (\S.*)$/.exec(text);
  if (group !== null) return { type: 'group-coordinator', group: group[1] ?? '' };
  const transaction = /^coordinator of transaction (\S.*)$/.exec(text);
  if (transaction !== null) return { type: 'transaction-coordinator', transactionalId: transaction[1] ?? '' };
  return undefined;
}

/** The target as a rule is written in a file: `leader of orders-0`. */
export function formatTarget(rule: Target): string {
  switch (rule.type) {
    case 'broker':
      return `broker-${rule.id}`;
    case 'processor':
      return `processor-${rule.instance}`;
    case 'leader':
    case 'follower':
      return `${rule.type} of ${rule.topic}-${rule.partition}`;
    case 'group-coordinator':
      return `coordinator of group ${rule.group}`;
    case 'transaction-coordinator':
      return `coordinator of transaction ${rule.transactionalId}`;
    case 'random-broker':
      return 'random broker';
    case 'all-brokers':
      return 'all brokers';
    case 'random-processor':
      return 'random processor';
    default:
      return rule.type;
  }
}

/** The target in words, for plans and reports: 'broker-2', 'the active controller', 'the leader of orders-0'… */
export function describeTarget(rule: Target): string {
  switch (rule.type) {
    case 'controller':
      return 'the active controller';
    case 'leader':
      return `the leader of ${rule.topic}-${rule.partition}`;
    case 'follower':
      return `a follower of ${rule.topic}-${rule.partition}`;
    case 'group-coordinator':
      return `the coordinator of group ${rule.group}`;
    case 'transaction-coordinator':
      return `the coordinator of transaction ${rule.transactionalId}`;
    case 'random-broker':
      return 'a random broker';
    case 'random-processor':
      return 'a random processor';
    case 'clients':
      return 'the clients';
    default:
      return formatTarget(rule);
  }
}

/** `topic 'x' is not in environment e; did you mean 'y'?` (or the list of its topics). */
export function unknownTopicMessage(topic: string, env: EnvironmentSpec): string {
  const names = env.topics.map((t) => t.name);
  const hint = didYouMean(topic, names) || (names.length === 0 ? '; it has no topics' : `; its topics are ${names.join(', ')}`);
  return `topic '${topic}' is not in environment ${env.name}${hint}`;
}

/**
 * A target field for a fault of `kind`: a string parsed into a rule of `category`, checked
 * against the broker ids, topics and processor instances of `context`.
 */
export function targetField(category: 'broker' | 'brokers' | 'processor', kind: string, context: TargetContext) {
  return targetString(category).transform((text, ctx): TargetRule => {
    const rule = checkTarget(text, category, kind, context);
    if (typeof rule !== 'string' && rule.type !== 'clients') return rule;
    ctx.addIssue({ code: 'custom', message: typeof rule === 'string' ? rule : `${kind} cannot target the clients` });
    return z.NEVER;
  });
}

/** The `from` end of a one-way cut: `clients` or a broker rule. */
export function clientsOrBrokerField(kind: string, context: TargetContext) {
  return targetString('broker-or-clients').transform((text, ctx): Target => {
    const rule = checkTarget(text, 'broker-or-clients', kind, context);
    if (typeof rule !== 'string') return rule;
    ctx.addIssue({ code: 'custom', message: rule });
    return z.NEVER;
  });
}

function targetString(category: TargetCategory) {
  return z.string({ error: expected(`a target, one of: ${FORMS[category].join(', ')}`) });
}

/** The rule `text` names, or what is wrong with it. */
function checkTarget(text: string, category: TargetCategory, kind: string, context: TargetContext): Target | string {
  const rule = parseTarget(text);
  if (rule === undefined) return unknownTargetMessage(text, category);
  return targetProblem(rule, category, kind, context) ?? rule;
}

function unknownTargetMessage(text: string, category: TargetCategory): string {
  const partless = /^(leader|follower) of (\S+)$/.exec(text.trim());
  if (partless !== null) return `'${text}' names no partition: write ${partless[1]} of ${partless[2]}-<partition>, e.g. ${partless[1]} of ${partless[2]}-0`;
  return `'${text}' is not a target: write ${FORMS[category].join(', ')}${didYouMean(text, WORDS)}`;
}

function targetProblem(rule: Target, category: TargetCategory, kind: string, { env, processors }: TargetContext): string | undefined {
  const isProcessor = rule.type === 'processor' || rule.type === 'random-processor';
  const fits =
    category === 'processor'
      ? isProcessor
      : !isProcessor && (rule.type !== 'all-brokers' || category === 'brokers') && (rule.type !== 'clients' || category === 'broker-or-clients');
  if (!fits) {
    const wanted = category === 'processor' ? 'a processor' : 'a broker';
    const only = rule.type === 'all-brokers' ? ' (all brokers is only for rolling-restart and isolate)' : '';
    return `${kind} targets ${wanted}, not ${describeTarget(rule)}${only}: write ${FORMS[category].join(', ')}`;
  }
  if (rule.type === 'processor' && typeof processors === 'number' && (rule.instance < 1 || rule.instance > processors)) {
    return `${formatTarget(rule)} does not exist: the processor runs ${count(processors, 'instance')} (processor-1 to processor-${processors})`;
  }
  if (env === undefined) return undefined;
  if (rule.type === 'broker' && env.runtime === 'external') {
    const known = environmentBrokerIds(env);
    if (!known.includes(rule.id)) {
      return `${formatTarget(rule)} is out of reach: external environment ${env.name} declares proxies for ${known.length === 0 ? 'no broker' : known.map((b) => `broker-${b}`).join(', ')} only`;
    }
  } else if (rule.type === 'broker' && env.runtime !== 'external') {
    const brokers = env.brokers.count;
    if (rule.id < 1 || rule.id > brokers)
      return `${formatTarget(rule)} does not exist: environment ${env.name} has ${count(brokers, 'broker')} (broker-1 to broker-${brokers})`;
  }
  if (rule.type !== 'leader' && rule.type !== 'follower') return undefined;
  const topic = env.topics.find((t) => t.name === rule.topic);
  if (topic === undefined) return unknownTopicMessage(rule.topic, env);
  if (rule.partition >= topic.partitions) {
    return `${topic.name} has ${count(topic.partitions, 'partition')} (0 to ${topic.partitions - 1}); there is no partition ${rule.partition}`;
  }
  if (rule.type === 'follower' && topic.replicationFactor < 2) return `${topic.name} has replicationFactor 1: its partitions have no follower`;
  return undefined;
}
