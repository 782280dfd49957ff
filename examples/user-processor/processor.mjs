// An exactly-once stream processor, the kind streamchaos can put under chaos as your own image.
// It reads STREAMCHAOS_INPUT and writes one enriched record to STREAMCHAOS_OUTPUT per input
// record: same key, same value byte for byte (the harness checks a CRC of the value), every
// input header carried through (among them STREAMCHAOS_ID_HEADER, the record's id) plus a
// header named ENRICH_WITH (default `region`) computed from the key.
//
// exactly-once: each fetched batch goes out in one Kafka transaction that also commits the
// batch's input offsets (sendOffsets); consumers read with read_committed. A killed instance's
// open transaction is aborted when it comes back (same transactionalId) or times out.
// UNSAFE_COMMIT=1 (or STREAMCHAOS_MODE=at-least-once): no transaction; offsets are committed
// every 5 s after producing, so a crash replays what it produced since: duplicates.
//
// Any fatal error ends the process with exit code 1, for whatever runs it to restart it.
import kafkajs from 'kafkajs';
import lz4 from 'lz4js';

const { Kafka, CompressionCodecs, CompressionTypes, Partitioners, logLevel } = kafkajs;

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value !== undefined && value !== '') return value;
  console.error(`fatal: the environment variable ${name} is not set`);
  process.exit(1);
}

const INSTANCE = env('STREAMCHAOS_INSTANCE', 'processor');
const BOOTSTRAP = env('STREAMCHAOS_BOOTSTRAP').split(',');
const INPUT = env('STREAMCHAOS_INPUT');
const OUTPUT = env('STREAMCHAOS_OUTPUT');
const GROUP = env('STREAMCHAOS_GROUP');
const ID_HEADER = env('STREAMCHAOS_ID_HEADER', 'sc-id');
const ENRICH_WITH = env('ENRICH_WITH', 'region');
const UNSAFE = process.env.UNSAFE_COMMIT === '1' || process.env.STREAMCHAOS_MODE === 'at-least-once';
const UNSAFE_COMMIT_EVERY_MS = 5000;
const REGIONS = ['eu-west', 'us-east', 'ap-south'];

const say = (line) => console.log(`${new Date().toISOString()} ${INSTANCE} ${line}`);

// kafkajs reads only gzip by itself; topics with compression.type lz4 need a codec.
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder) => Buffer.from(lz4.compress(encoder.buffer)),
  decompress: async (buffer) => Buffer.from(lz4.decompress(buffer)),
});

const kafka = new Kafka({
  clientId: INSTANCE,
  brokers: BOOTSTRAP,
  // short first retries: right after a commit the coordinator answers CONCURRENT_TRANSACTIONS for a
  // few ms. (kafkajs warns that limited retries "may invalidate EoS": not inside a transaction,
  // where a send that gives up aborts the whole transaction.)
  retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 3000 },
  logLevel: logLevel.WARN,
  // kafkajs logs every error response it retries; what it cannot get past reaches us as an error
  logCreator: () => ({ namespace, log }) => {
    if (namespace !== 'Connection' && log.retryCount === undefined) say(`[kafkajs ${namespace}] ${log.message}${log.error ? `: ${log.error}` : ''}`);
  },
});

const producer = UNSAFE
  ? kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  : kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner, // by key, as the Java client does
      transactionalId: `${GROUP}-${INSTANCE}`, // stable across restarts: the new incarnation fences the old
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
    });

const consumer = kafka.consumer({
  groupId: GROUP,
  readUncommitted: false, // read_committed: never process records of aborted transactions
  sessionTimeout: 10_000, // a dead instance's partitions move after 10 s
  rebalanceTimeout: 20_000,
  heartbeatInterval: 1000,
});

let warnedNoId = false;

/** The output record of an input record: value untouched, headers carried through, one header added. */
function enrich(message) {
  if (message.headers?.[ID_HEADER] === undefined && !warnedNoId) {
    warnedNoId = true;
    say(`warning: input record at offset ${message.offset} has no ${ID_HEADER} header`);
  }
  let hash = 0;
  for (const byte of message.key ?? []) hash = (hash * 31 + byte) >>> 0;
  return {
    key: message.key,
    value: message.value,
    headers: { ...message.headers, [ENRICH_WITH]: REGIONS[hash % REGIONS.length] },
  };
}

async function processExactlyOnce(batch) {
  const transaction = await producer.transaction();
  try {
    await transaction.send({ topic: OUTPUT, messages: batch.messages.map(enrich) });
    const next = String(Number(batch.lastOffset()) + 1);
    await transaction.sendOffsets({
      consumerGroupId: GROUP,
      topics: [{ topic: INPUT, partitions: [{ partition: batch.partition, offset: next }] }],
    });
    await transaction.commit();
  } catch (e) {
    // nothing of the batch is committed; kafkajs retries it. A producer that cannot even abort is beyond repair.
    await transaction.abort().catch((abortError) => fatal(`aborting after "${e.message}"`, abortError));
    throw e;
  }
}

/** Offsets produced but not committed yet (UNSAFE_COMMIT only). */
const produced = new Map();

async function processAtLeastOnce(batch) {
  await producer.send({ topic: OUTPUT, acks: -1, messages: batch.messages.map(enrich) });
  produced.set(batch.partition, String(Number(batch.lastOffset()) + 1));
}

async function commitProduced() {
  const offsets = [...produced].map(([partition, offset]) => ({ topic: INPUT, partition, offset }));
  produced.clear();
  if (offsets.length > 0) await consumer.commitOffsets(offsets);
}

function fatal(what, e) {
  say(`fatal: ${what}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

async function main() {
  say(`starting: ${INPUT} -> ${OUTPUT}, group ${GROUP}, ${UNSAFE ? `UNSAFE: offsets committed every ${UNSAFE_COMMIT_EVERY_MS} ms, outside any transaction` : 'exactly-once'}`);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[INPUT] ?? [];
    say(`assigned ${INPUT} partitions [${partitions.join(', ')}] as member ${payload.memberId}`);
  });
  // after a retriable error kafkajs restarts the consumer itself, from the committed offsets
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) fatal('consumer crashed', payload.error);
    say(`consumer crashed: ${payload.error.message}; kafkajs restarts it from the committed offsets`);
  });

  // stop cleanly on SIGTERM: leave the group at once, so the other instances take over without waiting for a session timeout
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, async () => {
      say(`${signal}: stopping`);
      if (UNSAFE) await commitProduced().catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      process.exit(0);
    });
  }

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: INPUT, fromBeginning: true });
  if (UNSAFE) setInterval(() => commitProduced().catch((e) => fatal('committing offsets', e)), UNSAFE_COMMIT_EVERY_MS);
  await consumer.run({
    autoCommit: false, // offsets go with the transaction (or, unsafe, with commitProduced)
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
      if (batch.isEmpty() || isStale()) return;
      await (UNSAFE ? processAtLeastOnce(batch) : processExactlyOnce(batch));
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
  });
}

main().catch((e) => fatal('startup', e));
