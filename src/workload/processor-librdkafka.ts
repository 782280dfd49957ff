/**
 * Our processor under test on Confluent's librdkafka client (`client: librdkafka`, the default),
 * run as its own OS process (so it can be killed and paused): a consume-transform-produce
 * pipeline from STREAMCHAOS_INPUT to STREAMCHAOS_OUTPUT.
 *
 * exactly-once (KIP-447): each batch polled is one transaction that carries the output records
 * and the consumed offsets, sent with the consumer's group metadata (sendOffsetsToTransaction),
 * so the group coordinator refuses the offsets of an instance that has lost its partitions
 * (a zombie: frozen past its session, then resumed): its transaction aborts, and its records
 * are never read. A new owner reads committed offsets as stable (librdkafka's read_committed
 * consumer asks for them so): it waits while an earlier owner's offsets are in an open
 * transaction. One transactional id per instance; a failed transaction is aborted and the
 * batch's partitions rewound to where it began.
 * at-least-once (the known-unsafe control): produce, then commit the offsets produced, every
 * 2 s (as enable.auto.commit does), no transactions: a crash replays up to 2 s, so it duplicates.
 *
 * Prints `ready` once it has joined its group, and one line per problem.
 */
import { nativeClient, producerConfig, type Rdkafka, rdkafkaSecurity } from '../cluster/librdkafka.js';
import { securityFromEnv } from '../cluster/security.js';
import { ExitCode, exitWith } from '../exit-code.js';
import { sleep, withTimeout } from '../util/time.js';
import { PROCESSED_BY_HEADER, processorConfig, sayer } from './processor-config.js';
import { firstOffsets, forward, nextOffsets } from './processor-offsets.js';

const config = processorConfig();
const say = sayer(config.name);
const native = nativeClient();
if (!native.available) {
  say(`fatal: the librdkafka client does not load here: ${native.reason}`);
  exitWith(ExitCode.environment);
}
const rd = (native as Extract<typeof native, { available: true }>).module;
const security = rdkafkaSecurity(securityFromEnv(process.env));
const exactlyOnce = config.mode === 'exactly-once';
/** A transaction's steps: librdkafka retries inside each; past this the outcome is taken as failed (aborted, rewound). */
const STEP_MS = 20_000;
/** Records polled at once: one transaction's worth. */
const BATCH = 2000;
const ASSIGN = -175;
const REVOKE = -174;

/**
 * The batch in progress, and how many rebalances came since it was read. The rebalance
 * callback runs on the event loop while a batch is in its transaction, not only inside a poll
 * as in Java: left to librdkafka's own assign, the consumer rejoined under a new generation in
 * the middle of a zombie's stale batch, and the offsets it then sent went with the *new*
 * generation's metadata, so the coordinator took them (the zombie-processor experiment wrote
 * 1411 records twice). So a revoke marks the batch in progress, which then aborts instead of
 * sending its offsets, and the partitions are given up (unassign) only once that batch is over:
 * librdkafka rejoins only after the unassign, so no generation can begin while a batch that was
 * read under the previous one is still open.
 */
let batchInProgress: Promise<unknown> | undefined;
/**
 * Per partition of the current assignment, the offset after the last record this instance
 * committed. The consumer redelivered a committed batch of ~1,700 records within one assignment
 * (zombie-processor: one block of 302 records written again 2 offsets later, no error logged), so
 * what is below it is dropped, and said.
 */
const done = new Map<number, number>();
/** Bumped by every revoke and every assign: a batch read under another count than the current one is not this assignment's. */
let assignments = 0;
function onRebalance(err: Rdkafka.LibrdKafkaError, assignment: Rdkafka.Assignment[]): void {
  if (err.code === ASSIGN) {
    assignments++;
    done.clear(); // a new assignment starts from the committed offsets, whatever this instance did before
    consumer.assign(assignment);
    say(`ready: joined ${config.group} with ${JSON.stringify({ [config.input]: assignment.map((a) => a.partition) })}`);
    for (const a of assignment) fresh.add(a.partition);
  } else if (err.code === REVOKE) {
    assignments++;
    void Promise.resolve(batchInProgress)
      .catch(() => undefined)
      .then(() => consumer.unassign());
  }
}

/** Throws when a rebalance came since the batch was read (`readUnder`): its offsets must not be sent, under any generation. */
function stillOwned(readUnder: number): void {
  if (assignments !== readUnder) throw new Error('the partitions were revoked while the batch was processed: it is aborted, and their new owner does it');
}

function step(what: string, call: (cb: (err: Rdkafka.LibrdKafkaError | null) => void) => void): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve, reject) => call((err) => (err ? reject(Object.assign(new Error(`${what}: ${err.message}`), { rd: err })) : resolve()))),
    STEP_MS + 5000,
    what,
  );
}

const consumer = new rd.KafkaConsumer(
  {
    'client.id': config.name,
    'group.id': config.group,
    'metadata.broker.list': config.bootstrap.join(','),
    ...security,
    'isolation.level': 'read_committed',
    'enable.auto.commit': false,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1000,
    'fetch.wait.max.ms': 100,
    'reconnect.backoff.ms': 20,
    'reconnect.backoff.max.ms': 100,
    'retry.backoff.ms': 20,
    'retry.backoff.max.ms': 100,
    rebalance_cb: onRebalance,
  },
  { 'auto.offset.reset': 'earliest' },
);
let producer: Rdkafka.Producer | undefined;

async function newProducer(): Promise<Rdkafka.Producer> {
  const p = new rd.Producer({
    ...producerConfig({
      clientId: `${config.name}-producer`,
      bootstrap: config.bootstrap.join(','),
      idempotent: true,
      acks: -1,
      // a record not written within 10 s fails its transaction (aborted, done again); an open
      // transaction of a frozen or killed instance is aborted by the coordinator after 10 s, so its
      // successor waits at most that long for stable offsets (a restart of the same instance fences it at once)
      deliveryTimeoutMs: 10_000,
      ...(exactlyOnce ? { transactionalId: `${config.prefix}-${config.input}-${config.name}`, transactionTimeoutMs: 10_000 } : {}),
    }),
    partitioner: 'murmur2_random', // Java's: a key's records go to the partition a Java client would choose
    dr_cb: false,
  });
  p.on('event.error', (e) => say(`[librdkafka producer] ${e.message}`));
  await step('producer to connect', (cb) => p.connect({ timeout: STEP_MS }, (err) => cb(err ?? null)));
  p.setPollInBackground(true);
  // fences the previous instance of this name (a restart) and finishes its open transaction
  if (exactlyOnce) await step('transactions to initialise', (cb) => p.initTransactions(STEP_MS, cb));
  return p;
}

function transform(m: Rdkafka.Message): Rdkafka.MessageHeader[] {
  const headers: Rdkafka.MessageHeader[] = [...(m.headers ?? [])];
  headers.push({ [PROCESSED_BY_HEADER]: config.name });
  if (config.idHeader !== 'sc-id') {
    const id = headers.find((h) => 'sc-id' in h)?.['sc-id'];
    if (id !== undefined) headers.push({ [config.idHeader]: id });
  }
  return headers;
}

async function processExactlyOnce(p: Rdkafka.Producer, messages: Rdkafka.Message[], readUnder: number): Promise<void> {
  await step('begin transaction', (cb) => p.beginTransaction(cb));
  try {
    for (const m of messages) p.produce(config.output, null, m.value, m.key, m.timestamp, undefined, transform(m));
    stillOwned(readUnder);
    await step('send offsets', (cb) => p.sendOffsetsToTransaction(nextOffsets(config.input, messages), consumer, STEP_MS, cb));
    await step('commit', (cb) => p.commitTransaction(STEP_MS, cb));
  } catch (e) {
    await step('abort', (cb) => p.abortTransaction(STEP_MS, cb)).catch(async (abortError: unknown) => {
      say(`abort failed (${String(abortError)}): a fresh producer fences this one's transaction`);
      await dropProducer();
    });
    await rewind(firstOffsets(messages));
    throw e;
  }
}

/** Back to where a failed batch began, on the partitions this instance still holds (the others' new owners start from their committed offsets). */
/**
 * Back to the committed offset (stable: read_committed asks for it so) of each partition of
 * `first` this instance still holds, else to where the records began: a batch that failed, or
 * a poll dropped because a rebalance came during it (its records were read past, and the ones of
 * partitions still held must be read again, or they are lost).
 */
async function rewind(first: Map<number, number>): Promise<void> {
  const held = new Set(consumer.assignments().map((a) => a.partition));
  const mine = [...first.keys()].filter((p) => held.has(p)).map((partition) => ({ topic: config.input, partition }));
  if (mine.length === 0) return;
  const committed = await new Promise<Rdkafka.TopicPartitionOffset[]>((resolve) =>
    consumer.committed(mine, STEP_MS, (err, offsets) => resolve(err ? [] : offsets)),
  );
  for (const { partition } of mine) {
    const c = committed.find((o) => o.partition === partition)?.offset;
    const offset = c !== undefined && c >= 0 ? c : (first.get(partition) ?? 0);
    await step(`rewind ${config.input}-${partition}`, (cb) => consumer.seek({ topic: config.input, partition, offset }, STEP_MS, cb)).catch((e: unknown) =>
      say(`${String(e)}: restarting`),
    );
  }
}

async function dropProducer(): Promise<void> {
  const p = producer;
  producer = undefined;
  if (p !== undefined) await withTimeout(new Promise<void>((r) => p.disconnect(5000, () => r())), 10_000, 'producer disconnect').catch(() => undefined);
}

/** At-least-once: produce and wait for every delivery; offsets are committed later (every 2 s), so a crash replays. */
const produced = new Map<number, number>();
async function processAtLeastOnce(p: Rdkafka.Producer, messages: Rdkafka.Message[]): Promise<void> {
  for (const m of messages) p.produce(config.output, null, m.value, m.key, m.timestamp, undefined, transform(m));
  await step('flush', (cb) => p.flush(STEP_MS, (err) => cb(err ?? null)));
  for (const o of nextOffsets(config.input, messages)) produced.set(o.partition, o.offset);
}

function commitProduced(): void {
  const offsets = [...produced].map(([partition, offset]) => ({ topic: config.input, partition, offset }));
  produced.clear();
  if (offsets.length === 0) return;
  try {
    consumer.commit(offsets);
  } catch (e) {
    say(`commit failed: ${String(e)}`);
  }
}

function consumeBatch(): Promise<Rdkafka.Message[]> {
  return new Promise((resolve, reject) => consumer.consume(BATCH, (err, messages) => (err ? reject(new Error(err.message)) : resolve(messages))));
}

/** What the log says every 10 s: batches done, records, and how long a batch took (the pipeline's own share of latency). */
const pace = {
  batches: 0,
  records: 0,
  slowest: 0,
  total: 0,
  note(records: number, ms: number): void {
    this.batches++;
    this.records += records;
    this.total += ms;
    this.slowest = Math.max(this.slowest, ms);
  },
  say(): void {
    if (this.batches > 0)
      say(
        `${this.records} records in ${this.batches} transactions, ${(this.total / this.batches).toFixed(0)} ms each on average, the slowest ${this.slowest} ms`,
      );
    this.batches = this.records = this.slowest = this.total = 0;
  },
};
setInterval(() => pace.say(), 10_000).unref();

let stopping = false;
/** Partitions assigned and not read from yet: the first record read says where this instance took over. */
const fresh = new Set<number>();
async function stop(): Promise<void> {
  stopping = true;
  await withTimeout(new Promise<void>((r) => consumer.disconnect(() => r())), 15_000, 'consumer disconnect').catch(() => undefined);
  await dropProducer();
  exitWith(ExitCode.ok);
}

async function main(): Promise<void> {
  consumer.on('event.error', (e) => say(`[librdkafka consumer] ${e.message}`));
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  await step('consumer to connect', (cb) => consumer.connect({ timeout: STEP_MS }, (err) => cb(err ?? null)));
  consumer.setDefaultConsumeTimeout(100);
  consumer.subscribe([config.input]);
  if (!exactlyOnce) setInterval(commitProduced, 2000);
  while (!stopping) {
    const readUnder = assignments;
    const messages = await consumeBatch().catch(async (e: unknown) => {
      if (!stopping) say(`consume failed: ${e instanceof Error ? e.message : String(e)}`);
      await sleep(100);
      return [];
    });
    // a poll a rebalance came during may hold records of the assignment before: dropped, partitions still held read again
    if (messages.length === 0 || stopping) continue;
    if (assignments !== readUnder) {
      await rewind(firstOffsets(messages));
      continue;
    }
    for (const m of messages) {
      if (fresh.delete(m.partition)) say(`took over ${config.input}-${m.partition} at offset ${m.offset}`);
    }
    const batch = forward(messages, done);
    if (batch.length < messages.length)
      say(`dropped ${messages.length - batch.length} records read again (below an offset this instance had already read or committed)`);
    if (batch.length === 0) continue;
    producer ??= await newProducer();
    const began = Date.now();
    try {
      if (assignments !== readUnder) {
        await rewind(firstOffsets(batch)); // a rebalance came while the producer started
        continue;
      }
      batchInProgress = exactlyOnce ? processExactlyOnce(producer, batch, readUnder) : processAtLeastOnce(producer, batch);
      await batchInProgress;
      if (exactlyOnce) for (const o of nextOffsets(config.input, batch)) done.set(o.partition, o.offset);
      pace.note(batch.length, Date.now() - began);
    } catch (e) {
      // aborted (or fenced) and rewound: a fresh producer for the next batch, whatever state this one is in
      say(`${e instanceof Error ? e.message : String(e)}; the batch is done again`);
      await dropProducer();
    }
  }
}

main().catch((e: unknown) => {
  say(`fatal: ${e instanceof Error ? e.message : String(e)}`);
  exitWith(ExitCode.failed);
});
