import kafkajs, { type Admin, type LogEntry } from 'kafkajs';
import { EnvironmentError } from '../errors.js';
import type { TopicSpec } from '../schema/environment.js';
import { waitFor, withTimeout } from '../util/time.js';
import { fetchMetadata, type BrokerMetadata } from './metadata.js';
import { kafkajsSecurity } from './security.js';

/** Bounds of the admin client's calls: kafkajs retries on its own, and can still hang on a dropped connection. */
const CONNECT_MS = 20_000;
const ADMIN_MS = 30_000;
/** Creating topics waits for the controller to place every partition; on a slow machine that takes a while. */
const CREATE_TOPICS_MS = 60_000;
const CLOSE_MS = 10_000;

export interface PartitionState {
  topic: string;
  partition: number;
  /** Leader broker id, or -1 when the partition has none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface ObserverOptions {
  /** Per-request timeout; short, so a paused broker delays a reading rather than hanging it. */
  requestTimeoutMs?: number;
  /** Where the client library's warnings and errors go (the harness log); dropped when absent. */
  log?: (line: string) => void;
}

/**
 * The harness's own view of the cluster, through the observer listeners that no fault
 * touches. Readings ask every broker directly (see `view()`); admin operations go through
 * the client library.
 */
export class Observer {
  private constructor(
    private readonly admin: Admin,
    readonly addresses: readonly string[],
    private readonly requestTimeoutMs: number,
  ) {}

  /** Connects to the observer listeners; rejects when none of them answers. */
  static async connect(bootstrap: readonly string[], options: ObserverOptions = {}): Promise<Observer> {
    const log = options.log;
    const { Kafka, logLevel } = kafkajs; // CommonJS: not every export is visible as a named ESM import
    const kafka = new Kafka({
      clientId: 'streamchaos-observer',
      brokers: [...bootstrap],
      ...kafkajsSecurity(bootstrap),
      connectionTimeout: 2000,
      requestTimeout: options.requestTimeoutMs ?? 5000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: log === undefined ? logLevel.NOTHING : logLevel.WARN,
      logCreator:
        () =>
        ({ namespace, log: entry }: LogEntry) =>
          log?.(`[kafkajs ${namespace}] ${entry.message}`),
    });
    const admin = kafka.admin();
    await withTimeout(admin.connect(), CONNECT_MS, `the observer to connect to ${bootstrap.join(', ')}`).catch((e: unknown) => {
      void admin.disconnect().catch(() => undefined); // it may connect late: do not leave it behind
      throw e;
    });
    return new Observer(admin, bootstrap, Math.min(options.requestTimeoutMs ?? 2000, 2000));
  }

  /**
   * The cluster's state as the majority of answering brokers sees it. During a network
   * partition a cut-off broker keeps serving its last (stale) metadata, so no single broker
   * can be trusted: every observer listener is asked, identical views are grouped, and the
   * largest group wins; ties go to the fresher view (higher sum of leader epochs, then fewer
   * brokers and in-sync replicas listed, since a stale view is the more optimistic one).
   * Rejects with EnvironmentError when no broker answers.
   */
  async view(topics?: readonly string[]): Promise<BrokerMetadata> {
    const settled = await Promise.allSettled(this.addresses.map((a) => fetchMetadata(a, topics ?? null, this.requestTimeoutMs)));
    const views = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const chosen = majorityView(views);
    if (chosen === undefined) throw new EnvironmentError(`no broker answers on the observer listeners (${this.addresses.join(', ')})`);
    return chosen;
  }

  /** Ids of the brokers the cluster lists as alive (registered and not fenced), sorted. */
  async liveBrokers(): Promise<number[]> {
    return (await this.view([])).brokers.map((b) => b.id).sort((a, b) => a - b);
  }

  async topicNames(): Promise<string[]> {
    return (await this.view()).topics
      .filter((t) => t.errorCode === 0)
      .map((t) => t.name)
      .sort();
  }

  /** Leader, replicas and ISR of every partition of `topics` (all topics when omitted). */
  async partitions(topics?: readonly string[]): Promise<PartitionState[]> {
    return partitionStates(await this.view(topics));
  }

  /**
   * Creates the topics that do not exist yet; returns the names it created. Does not wait for
   * leaders (the caller waits for the whole cluster to be healthy): kafkajs's own wait gives up
   * on the UNKNOWN_TOPIC_OR_PARTITION a broker answers in the moment after creation.
   */
  async createTopics(topics: readonly TopicSpec[]): Promise<string[]> {
    const existing = new Set(await withTimeout(this.admin.listTopics(), ADMIN_MS, 'the list of topics (through the observer)'));
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return [];
    await withTimeout(
      this.admin.createTopics({
        waitForLeaders: false,
        timeout: 30000,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      }),
      CREATE_TOPICS_MS,
      `creating topics ${missing.map((t) => t.name).join(', ')}`,
    );
    return missing.map((t) => t.name);
  }

  /**
   * The end offset (high watermark) of every partition of `topic`. Retried: just after a topic is
   * created, its leader may list it before it has taken the partition on (NOT_LEADER_FOR_PARTITION,
   * on which kafkajs gives up at once).
   */
  async endOffsets(topic: string): Promise<Record<number, number>> {
    let offsets: { partition: number; high: string }[] = [];
    await waitFor(
      async () => {
        offsets = await withTimeout(this.admin.fetchTopicOffsets(topic), ADMIN_MS, `the end offsets of ${topic}`);
        return true;
      },
      { what: `the end offsets of ${topic}`, timeoutMs: ADMIN_MS, intervalMs: 250 },
    );
    return Object.fromEntries(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** A topic's configuration as the brokers report it, for the given keys. */
  async topicConfig(topic: string, keys: readonly string[]): Promise<Record<string, string>> {
    const { resources } = await withTimeout(
      this.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2 /* TOPIC */, name: topic, configNames: [...keys] }],
      }),
      ADMIN_MS,
      `the configuration of topic ${topic}`,
    );
    const out: Record<string, string> = {};
    for (const entry of resources[0]?.configEntries ?? []) out[entry.configName] = entry.configValue;
    return out;
  }

  /** Disconnects; rejects with a TimeoutError when that takes longer than 10 s. */
  async close(): Promise<void> {
    await withTimeout(this.admin.disconnect(), CLOSE_MS, 'the observer to disconnect');
  }
}

/** Partitions whose ISR is smaller than their replica set, or that have no leader. */
export function unhealthyPartitions(partitions: readonly PartitionState[]): PartitionState[] {
  return partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length);
}

export function partitionStates(view: BrokerMetadata): PartitionState[] {
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  return view.topics
    .filter((t) => t.errorCode === 0)
    .flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader, replicas: sorted(p.replicas), isr: sorted(p.isr) })))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/** See Observer.view: the view held by most brokers, ties to the fresher one. Undefined when there are none. */
export function majorityView(views: readonly BrokerMetadata[]): BrokerMetadata | undefined {
  const groups = new Map<string, BrokerMetadata[]>();
  for (const v of views) {
    const key = JSON.stringify({ b: v.brokers.map((b) => b.id).sort(), p: partitionStates(v).map((p) => [p.topic, p.partition, p.leader, p.isr, p.replicas]) });
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const epochs = (v: BrokerMetadata): number => v.topics.reduce((n, t) => n + t.partitions.reduce((m, p) => m + p.leaderEpoch, 0), 0);
  const optimism = (v: BrokerMetadata): number => v.brokers.length + v.topics.reduce((n, t) => n + t.partitions.reduce((m, p) => m + p.isr.length, 0), 0);
  const ranked = [...groups.values()].sort((a, b) => {
    const x = a[0];
    const y = b[0];
    if (x === undefined || y === undefined) return 0;
    return b.length - a.length || epochs(y) - epochs(x) || optimism(x) - optimism(y);
  });
  return ranked[0]?.[0];
}
