// Verifier benchmark: the exactly-once check over N synthetic records, in a child process of
// its own so its peak memory is its own. Run by bench/run.mjs as `node bench/verifier.mjs N`;
// prints one JSON line. The history has anomalies planted, and the check must find each of
// them, exactly: a fast checker that misses one is no result.
//
// The strings are made as a run makes them: a sent id is built by concatenation and then
// encoded into its record's header (which flattens it in place, as kafkajs does), and what
// the verifier reads back are strings of their own, decoded from the record.
import { checkExactlyOnce } from '../dist/check/exactly-once/checker.js';

const n = Number(process.argv[2] ?? 1_000_000);
const PRODUCERS = 4;
const BATCH = 500;
const PARTITIONS = 12;
const KEYS = 1000;
const planted = { lost: 7, duplicated: 5, corrupted: 3, reordered: 2 };

function build() {
  const history = [];
  const outs = Array.from({ length: PARTITIONS }, () => []);
  const perProducer = Math.ceil(n / PRODUCERS);
  let made = 0;
  for (let p = 0; p < PRODUCERS; p++) {
    const process = `producer-${p}`;
    for (let batch = 0; batch * BATCH < perProducer && made < n; batch++) {
      const records = [];
      for (let i = 0; i < BATCH && made < n; i++, made++) {
        const seq = batch * BATCH + i;
        const id = `${process}:${seq}`;
        Buffer.from(id); // the id header, encoded
        records.push({ id, key: `k${(seq * 7 + p) % KEYS}`, crc: (seq * 2654435761) >>> 0 });
      }
      history.push({ type: 'send', phase: 'invoke', time: batch, process, batch, topic: 'orders', records });
      history.push({ type: 'send', phase: 'ok', time: batch + 1, process, batch });
      for (const r of records)
        outs[Number(r.key.slice(1)) % PARTITIONS].push({ offset: 0, id: Buffer.from(r.id).toString(), key: Buffer.from(r.key).toString(), crc: r.crc });
    }
  }
  // plant the anomalies, each on records of its own, far apart
  const out0 = outs[0];
  const step = Math.floor(out0.length / 40);
  let at = step;
  const next = () => (at += step);
  for (let i = 0; i < planted.lost; i++) out0.splice(next(), 1);
  for (let i = 0; i < planted.duplicated; i++) {
    const j = next();
    out0.splice(j + 1, 0, { ...out0[j] });
  }
  for (let i = 0; i < planted.corrupted; i++) {
    const j = next();
    out0[j] = { ...out0[j], crc: (out0[j].crc ^ 1) >>> 0 };
  }
  for (let i = 0; i < planted.reordered; i++) {
    // a later record of the same producer and key read before an earlier one
    const j = next();
    const k = out0.findIndex((r, x) => x > j && r.key === out0[j].key && r.id.split(':')[0] === out0[j].id.split(':')[0]);
    [out0[j], out0[k]] = [out0[k], out0[j]];
  }
  outs.forEach((records, partition) => {
    records.forEach((r, offset) => {
      r.offset = offset;
    });
    for (let i = 0; i < records.length; i += BATCH) history.push({ type: 'read', time: 0, topic: 'orders', partition, records: records.slice(i, i + BATCH) });
  });
  history.push({ type: 'read-done', time: 0, topic: 'orders', endOffsets: Object.fromEntries(outs.map((r, p) => [p, r.length])), complete: true });
  return history;
}

const history = build();
globalThis.gc?.();
const heapBefore = process.memoryUsage().rss;
const started = performance.now();
const r = checkExactlyOnce(history, { inputTopic: 'orders', outputTopic: 'orders', orderedPerKey: true });
const seconds = (performance.now() - started) / 1000;
const rssAfter = process.memoryUsage().rss;
const found = { lost: r.lost, duplicated: r.duplicated, corrupted: r.corrupted, reordered: r.reordered };
const correct = Object.entries(planted).every(([k, v]) => found[k] === v) && r.acked === n && !r.pass;
process.stdout.write(
  `${JSON.stringify({
    records: n,
    seconds,
    recordsPerSecond: n / seconds,
    // peak RSS of this process: the synthetic history itself (as a run holds it) plus the check
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBeforeCheckBytes: heapBefore,
    // what the check needed beyond the history it was given (the heap it grew stays committed)
    checkBytes: rssAfter - heapBefore,
    planted,
    found,
    correct,
  })}\n`,
);
