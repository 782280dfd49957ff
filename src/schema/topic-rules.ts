/**
 * Rules about topics that look past a single field: names across topics, replication against
 * the broker count, and the Kafka configs of each topic.
 */
import { printable } from '../util/printable.js';
import { didYouMean } from './suggest.js';
import { CLEANUP_POLICIES, COMPRESSION_TYPES, KAFKA_TOPIC_CONFIGS, REMOVED_TOPIC_CONFIGS } from './kafka-topic-configs.js';
import { count, LIMITS } from './limits.js';
import { configValueProblem } from './settings.js';
import { configValueOf, field, isRecord, topicsOf, wholeNumberOf, type Rule, type RuleIssue } from './view.js';

/** A topic cannot have more replicas than there are brokers to hold them. */
export const replicationFitsBrokers: Rule = (document) => {
  const count = wholeNumberOf(field(field(document, 'brokers'), 'count'));
  if (count === undefined || count < 1) return [];
  return topicsOf(document).flatMap(({ index, topic }) => {
    const rf = wholeNumberOf(topic.replicationFactor);
    return rf !== undefined && rf > count ? [{ path: ['topics', index, 'replicationFactor'], message: `${rf} is more than brokers.count (${count})` }] : [];
  });
};

/** Topic names are unique, also after Kafka's '.' = '_' folding (it refuses topics whose metric names collide). */
export const uniqueTopicNames: Rule = (document) => {
  const seen = new Map<string, { name: string; index: number }>();
  const issues: RuleIssue[] = [];
  for (const { index, topic } of topicsOf(document)) {
    if (typeof topic.name !== 'string' || topic.name.length > 249) continue; // a name too long is refused by its own schema
    const folded = topic.name.replaceAll('.', '_');
    const earlier = seen.get(folded);
    if (earlier === undefined) seen.set(folded, { name: topic.name, index });
    else if (earlier.name === topic.name) {
      issues.push({ path: ['topics', index, 'name'], message: `topic '${printable(topic.name, 64)}' is already defined at topics[${earlier.index}]` });
    } else {
      issues.push({
        path: ['topics', index, 'name'],
        message: `'${printable(topic.name, 64)}' collides with '${printable(earlier.name, 64)}' (topics[${earlier.index}]): Kafka treats '.' and '_' alike in metric names and refuses to create both`,
      });
    }
  }
  return issues;
};

/**
 * Every key under `topics[].config` is a Kafka topic config, each value is one line of text, and
 * the ones we understand have sensible values. A mapping past LIMITS.topicConfigs is refused as a
 * whole by its schema; at most LIMITS.problemsShown problems are listed per topic, the rest counted.
 */
export const topicConfigs: Rule = (document) =>
  topicsOf(document).flatMap(({ index, topic }) => {
    const config = topic.config;
    if (!isRecord(config) || Object.keys(config).length > LIMITS.topicConfigs) return [];
    const issues = Object.entries(config).flatMap(([key, raw]): RuleIssue[] => {
      const path = ['topics', index, 'config', key];
      const unknown = unknownKeyMessage(key);
      if (unknown !== undefined) return [{ path, message: unknown, atKey: true }];
      const value = configValueOf(raw);
      const problem =
        value === undefined ? undefined : (configValueProblem(value, 'topic') ?? valueProblem(key, value, wholeNumberOf(topic.replicationFactor)));
      return problem === undefined ? [] : [{ path, message: problem }];
    });
    if (issues.length <= LIMITS.problemsShown) return issues;
    const more = issues.length - LIMITS.problemsShown;
    return [...issues.slice(0, LIMITS.problemsShown), { path: ['topics', index, 'config'], message: `… and ${count(more)} more topic configs with a problem` }];
  });

function unknownKeyMessage(key: string): string | undefined {
  if (KAFKA_TOPIC_CONFIGS.includes(key)) return undefined;
  const removed = REMOVED_TOPIC_CONFIGS.get(key);
  if (removed !== undefined) return `'${key}': ${removed}`;
  const hint = didYouMean(key, KAFKA_TOPIC_CONFIGS) || '; see https://kafka.apache.org/documentation/#topicconfigs';
  return `unknown topic config '${printable(key, 64)}'${hint}`;
}

function valueProblem(key: string, value: string, replicationFactor: number | undefined): string | undefined {
  switch (key) {
    case 'min.insync.replicas': {
      if (!/^\d+$/.test(value) || Number(value) < 1) return `expected a whole number of at least 1, received '${printable(value, 64)}'`;
      const n = Number(value);
      return replicationFactor !== undefined && replicationFactor >= 1 && n > replicationFactor
        ? `${n} is more than the topic's replicationFactor (${replicationFactor}): every acks=all write would fail`
        : undefined;
    }
    case 'cleanup.policy':
      return oneOf(key, value, CLEANUP_POLICIES);
    case 'compression.type':
      return oneOf(key, value, COMPRESSION_TYPES);
    case 'retention.ms':
      return /^-?\d+$/.test(value) && BigInt(value) >= -1n
        ? undefined
        : `expected a whole number of milliseconds, or -1 for no time limit, received '${printable(value, 64)}'`;
    default:
      return undefined;
  }
}

function oneOf(key: string, value: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(value)) return undefined;
  const choices = allowed.map((a) => `'${a}'`).join(', ');
  return `'${printable(value, 64)}' is not a valid ${key}; expected one of ${choices}${didYouMean(value, allowed)}`;
}
