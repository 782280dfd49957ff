/**
 * Our processor under test on kafkajs (`client: kafkajs`), run as its own OS process (so it can be killed and paused):
 * a kafkajs consume-transform-produce pipeline from STREAMCHAOS_INPUT to STREAMCHAOS_OUTPUT.
 *
 * exactly-once: for each fetched batch of one input partition, one transaction carries the
 * output records and the consumed offsets (sendOffsets) and commits. kafkajs gaps handled here:
 *  - its sendOffsets has no group generation, so zombies are fenced by transactional id
 *    instead: one transactional producer per input partition (`<prefix>-<topic>-<partition>`);
 *    a new owner's transactional InitProducerId (made before it reads the committed offset)
 *    fences the old one and finishes its open transaction;
 *  - it does not recover from fencing / sequence / epoch errors or a failed EndTxn: the
 *    partition's producer is thrown away, and the consumer restarts from committed offsets;
 *  - a client can hang on a dropped connection: every step runs under a deadline.
 * at-least-once (the known-unsafe control): produce, then commit the offsets produced, every
 * 2 s (as enable.auto.commit does), no transactions: a crash replays up to 2 s, so it duplicates.
 *
 * Prints `ready` once it has joined its group, and one line per problem.
 */
import kafkajs, { type Admin, type Consumer, type Producer } from 'kafkajs';
import { kafkajsOptions, securityFromEnv } from '../cluster/security.js';
import { ExitCode, exitWith } from '../exit-code.js';
import { withTimeout } from '../util/time.js';
import { registerCodecs } from '../cluster/codecs.js';
import { fixConsumerStopRace } from '../cluster/kafkajs-stop-race.js';
import { PROCESSED_BY_HEADER, processorConfig, sayer } from './processor-config.js';

const config = processorConfig();
/** A consumer that has not fetched for this long is taken for hung (kafkajs can hang on a dropped connection): exit, to be restarted. */
const HUNG_MS = 60_000;
const STEP_MS = 20_000;
/** Input partitions an exactly-once instance processes at once, each in its own transactions. */
const CONCURRENT_PARTITIONS = 16;
const say = sayer(config.name);

registerCodecs();
fixConsumerStopRace(); // stopped (SIGTERM) during a fetcher rebalance, the consumer must still let the process exit
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({
  clientId: config.name,
  brokers: config.bootstrap,
  ...kafkajsOptions(securityFromEnv(process.env)), // secrets come by environment, never argv
  connectionTimeout: 3000,
  requestTimeout: 10_000,
  // quick first retries: after a commit, the coordinator answers CONCURRENT_TRANSACTIONS for a few ms
  retry: { retries: 12, initialRetryTime: 20, maxRetryTime: 3000 },
  logLevel: logLevel.WARN,
  logCreator: () => (entry) => say(`[kafkajs ${entry.namespace}] ${entry.log.message}`),
});

const producers = new Map<number, Producer>();
let plainProducer: Producer | undefined;

async function producerFor(partition: number): Promise<Producer> {
  const existing = producers.get(partition);
  if (existing !== undefined) return existing;
  const producer = kafka.producer({
    transactionalId: `${config.prefix}-${config.input}-${partition}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 30_000,
    // after a commit the coordinator answers CONCURRENT_TRANSACTIONS until its markers are
    // written (tens of ms): kafkajs's backoff grew to seconds there, which was most of the
    // pipeline's latency; a cap of 100 ms, and enough retries to outlast a failover (~6 s)
    retry: { retries: 60, initialRetryTime: 20, maxRetryTime: 100 },
  });
  try {
    await withTimeout(producer.connect(), STEP_MS, `producer for ${config.input}-${partition} to connect`);
    await fenceEarlierOwners(producer, partition);
  } catch (e) {
    await withTimeout(producer.disconnect(), 5000, 'disconnect').catch(() => undefined);
    throw e;
  }
  producers.set(partition, producer);
  return producer;
}

/**
 * Fences every earlier owner of the partition's transactional id now (and has the coordinator finish
 * its open transaction). kafkajs's connect() takes a plain idempotent producer id, which fences nobody;
 * its transactional InitProducerId waits for the first transaction(). Left to that, the committed
 * offset was read before the fencing, the zombie still committed, and its records came out twice.
 */
async function fenceEarlierOwners(producer: Producer, partition: number): Promise<void> {
  const fence = await withTimeout(producer.transaction(), STEP_MS, `transactional id for ${config.input}-${partition} to be initialised`);
  await withTimeout(fence.abort(), STEP_MS, 'an empty transaction to end');
}

async function dropProducer(partition: number): Promise<void> {
  const p = producers.get(partition);
  producers.delete(partition);
  if (p !== undefined) await withTimeout(p.disconnect(), 5000, 'disconnect').catch(() => undefined);
}

type Batch = Parameters<NonNullable<Parameters<Consumer['run']>[0]>['eachBatch'] & object>[0]['batch'];

type OutMessage = { key: Buffer | null; value: Buffer | null; partition: number; headers: Record<string, string | Buffer> };
const partitioner = kafkajs.Partitioners.DefaultPartitioner();
const outputMetadata = Array.from({ length: config.outputPartitions }, (_, partitionId) => ({
  partitionId,
  leader: 0,
  partitionErrorCode: 0,
  replicas: [],
  isr: [],
}));

/**
 * The output records of a batch (same key and value, headers carried through), grouped by
 * output partition: each group goes in its own request, because kafkajs resends the unfinished
 * part of a multi-broker request with new sequence numbers when another part fails, which
 * duplicates records even inside a transaction.
 */
function transform(messages: Batch['messages']): OutMessage[][] {
  const groups = new Map<number, OutMessage[]>();
  for (const m of messages) {
    const headers: Record<string, string | Buffer> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) if (Buffer.isBuffer(v) || typeof v === 'string') headers[k] = v;
    headers[PROCESSED_BY_HEADER] = config.name;
    if (config.idHeader !== 'sc-id' && headers['sc-id'] !== undefined) headers[config.idHeader] = headers['sc-id'];
    const partition = partitioner({ topic: config.output, partitionMetadata: outputMetadata, message: { key: m.key, value: m.value } });
    const group = groups.get(partition) ?? groups.set(partition, []).get(partition)!;
    group.push({ key: m.key, value: m.value, partition, headers });
  }
  return [...groups.values()];
}

async function processExactlyOnce(batch: Batch, messages: Batch['messages']): Promise<void> {
  const producer = await producerFor(batch.partition);
  const tx = await withTimeout(producer.transaction(), STEP_MS, 'begin transaction');
  try {
    for (const group of transform(messages)) await withTimeout(tx.send({ topic: config.output, messages: group }), STEP_MS, 'transactional send');
    const next = String(Number(batch.lastOffset()) + 1);
    await withTimeout(
      tx.sendOffsets({ consumerGroupId: config.group, topics: [{ topic: config.input, partitions: [{ partition: batch.partition, offset: next }] }] }),
      STEP_MS,
      'sendOffsets',
    );
    await withTimeout(tx.commit(), STEP_MS, 'commit');
  } catch (e) {
    await withTimeout(tx.abort(), 5000, 'abort').catch(() => undefined);
    await dropProducer(batch.partition);
    throw e;
  }
}

/**
 * Taking over a partition (exactly-once), in this order: start its transactional producer,
 * which fences the previous owner (a zombie, or an instance still finishing its last batch)
 * and makes the coordinator finish that owner's open transaction; only then read the committed
 * offset, which is now final, and start there. kafkajs reads committed offsets when it joins,
 * before any of this, so a batch it fetched from an older offset is dropped (see `start`).
 * Without this order, the previous owner can commit after we read the offset, and we redo
 * its records: duplicates (the zombie-processor experiment caught exactly that).
 */
const takeovers = new Map<number, Promise<void>>();
const start = new Map<number, number>();

function onAssignment(assigned: readonly number[]): void {
  for (const p of [...new Set([...producers.keys(), ...takeovers.keys()])]) {
    if (!assigned.includes(p)) forget(p);
  }
}

/** Forgets partition `p`: its next batch starts a fresh takeover (fence, read the committed offset). */
function forget(p: number): void {
  takeovers.delete(p);
  start.delete(p);
  void dropProducer(p);
}

function takeover(consumer: Consumer, admin: Admin, p: number): Promise<void> {
  const existing = takeovers.get(p);
  if (existing !== undefined) return existing;
  const attempt = (async () => {
    await producerFor(p);
    const [committed] = await withTimeout(admin.fetchOffsets({ groupId: config.group, topics: [config.input] }), STEP_MS, 'committed offsets');
    const offset = Number(committed?.partitions.find((x) => x.partition === p)?.offset ?? -1);
    start.set(p, Math.max(offset, 0));
    if (offset >= 0) consumer.seek({ topic: config.input, partition: p, offset: String(offset) });
    say(`took over ${config.input}-${p} at offset ${offset}`);
  })();
  takeovers.set(p, attempt);
  attempt.catch(() => forget(p));
  return attempt;
}

/** Offsets produced but not yet committed (at-least-once): committed every 2 s, as enable.auto.commit would. */
const produced = new Map<number, string>();

/** Produce; the offset is committed later by the periodic commit: a crash in between replays, so it duplicates. */
async function processAtLeastOnce(batch: Batch): Promise<void> {
  if (plainProducer === undefined) {
    plainProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await withTimeout(plainProducer.connect(), STEP_MS, 'producer to connect');
  }
  for (const messages of transform(batch.messages)) await withTimeout(plainProducer.send({ topic: config.output, acks: -1, messages }), STEP_MS, 'send');
  produced.set(batch.partition, String(Number(batch.lastOffset()) + 1));
}

async function commitProduced(consumer: Consumer): Promise<void> {
  const offsets = [...produced.entries()].map(([partition, offset]) => ({ topic: config.input, partition, offset }));
  produced.clear();
  if (offsets.length > 0)
    await withTimeout(consumer.commitOffsets(offsets), STEP_MS, 'commit offsets').catch((e: unknown) => say(`commit failed: ${String(e)}`));
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await withTimeout(admin.connect(), 60_000, 'admin to connect');
  const consumer = kafka.consumer({
    groupId: config.group,
    readUncommitted: false,
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 1000,
    maxWaitTimeInMs: 500,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000, restartOnFailure: async () => true },
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    say(`ready: joined ${config.group} with ${JSON.stringify(payload.memberAssignment)}`);
    if (config.mode === 'exactly-once') onAssignment(payload.memberAssignment[config.input] ?? []);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => say(`consumer crashed: ${payload.error.message}; restarting from committed offsets`));
  let lastFetch = Date.now();
  consumer.on(consumer.events.FETCH, () => {
    lastFetch = Date.now();
  });
  let lastTick = Date.now();
  setInterval(() => {
    const now = Date.now();
    if (now - lastTick > 10_000) lastFetch = now; // we were frozen (SIGSTOP): a zombie must get its chance to misbehave
    lastTick = now;
    if (now - lastFetch > HUNG_MS) {
      say(`no fetch for ${HUNG_MS} ms: the consumer is hung; exiting to be restarted`);
      exitWith(ExitCode.usage);
    }
  }, 5000).unref();
  const stop = async (): Promise<void> => {
    await withTimeout(consumer.disconnect(), 10_000, 'consumer disconnect').catch(() => undefined);
    await Promise.all([...producers.keys()].map(dropProducer));
    await withTimeout(admin.disconnect(), 5000, 'admin disconnect').catch(() => undefined);
    if (plainProducer !== undefined) await withTimeout(plainProducer.disconnect(), 5000, 'producer disconnect').catch(() => undefined);
    exitWith(ExitCode.ok);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  await withTimeout(consumer.connect(), 60_000, 'consumer to connect');
  await withTimeout(consumer.subscribe({ topic: config.input, fromBeginning: true }), STEP_MS, `subscribing to ${config.input}`);
  const exactlyOnce = config.mode === 'exactly-once';
  if (!exactlyOnce) setInterval(() => void commitProduced(consumer), 2000);
  // bounded by the watchdog above: no fetch within HUNG_MS of starting, and the process exits
  await consumer.run({
    // exactly-once commits offsets inside each transaction; at-least-once commits what was produced, every 2 s
    autoCommit: false,
    eachBatchAutoResolve: false,
    // exactly-once: each input partition has its own transactional producer, so partitions are
    // processed side by side (one at a time, a transaction's round trips made 150 records/s lag
    // by seconds); at-least-once shares one producer and keeps to one batch at a time
    partitionsConsumedConcurrently: exactlyOnce ? CONCURRENT_PARTITIONS : 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
      if (batch.messages.length === 0) return;
      if (exactlyOnce) {
        await takeover(consumer, admin, batch.partition);
        const from = start.get(batch.partition) ?? 0;
        const messages = batch.messages.filter((m) => Number(m.offset) >= from);
        if (messages.length === 0 || isStale()) return;
        try {
          await processExactlyOnce(batch, messages);
        } catch (e) {
          forget(batch.partition); // fenced, or the outcome is unknown: take over again from the committed offset
          throw e;
        }
        start.set(batch.partition, Number(batch.lastOffset()) + 1);
      } else {
        await processAtLeastOnce(batch);
      }
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
  });
}

main().catch((e: unknown) => {
  say(`fatal: ${e instanceof Error ? e.message : String(e)}`);
  exitWith(ExitCode.failed);
});
