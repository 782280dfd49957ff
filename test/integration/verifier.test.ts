import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkExactlyOnce } from '../../src/check/exactly-once/checker.js';
import { HistoryRecorder } from '../../src/history/recorder.js';
import type { StartedEnvironment } from '../../src/runtime/runtime.js';
import { createLoadGenerator } from '../../src/workload/load-generator.js';
import { KAFKA_CLIENTS } from '../../src/schema/workload.js';
import { Random } from '../../src/util/random.js';
import { verifyTopic } from '../../src/workload/verifier.js';
import { sleep } from '../../src/util/time.js';
import { testKafka } from '../helpers/kafka-client.js';
import { restoreCluster, sharedCluster } from '../helpers/shared-cluster.js';

let env: StartedEnvironment;
beforeAll(async () => {
  env = await sharedCluster();
});
afterAll(async () => restoreCluster(env));

describe('the verifier', () => {
  it.each(KAFKA_CLIENTS)(
    'reads what kcat reads with read_committed, aborted transactions excluded, and the checker accepts the run (transactions on %s)',
    async (client) => {
      const history = new HistoryRecorder(join(inject('testRoot'), `verifier-history-${client}.jsonl`));
      const name = `tx-producer-${client}`;
      const producer = createLoadGenerator(client, {
        name,
        spec: {
          name,
          topic: 'events',
          rate: 400,
          keys: 10,
          payloadBytes: 64,
          acks: 'all',
          idempotent: true,
          transactions: { recordsPerTransaction: 40 },
          instances: 1,
          client,
        },
        partitions: 3,
        bootstrap: env.topology.bootstrap,
        history,
        random: new Random(1),
        log: (line) => appendFileSync(join(inject('testRoot'), `verifier-producer-${client}.log`), `${line}\n`),
      });
      await producer.start();
      await sleep(5000);
      await producer.stop();
      expect(producer.stats.acked).toBeGreaterThan(500);

      // an aborted transaction: in the log, invisible to read_committed readers
      const tx = testKafka(env.topology.bootstrap).producer({ transactionalId: `verifier-test-abort-${client}`, idempotent: true, maxInFlightRequests: 1 });
      await tx.connect();
      const t = await tx.transaction();
      await t.send({ topic: 'events', messages: Array.from({ length: 25 }, (_, i) => ({ key: 'x', value: `aborted-${i}` })) });
      await t.abort();
      await tx.disconnect();

      const verified = await verifyTopic('events', env.topology.observer, history, 60_000, () => undefined);
      expect(verified.complete).toBe(true);
      const kcat = execFileSync(
        'kcat',
        ['-C', '-b', env.topology.observer, '-t', 'events', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%o\n'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const kcatCount = kcat.split('\n').filter(Boolean).length;
      expect(verified.records).toBe(kcatCount);

      await history.close();
      const result = checkExactlyOnce(history.entries(), { inputTopic: 'events', outputTopic: 'events', orderedPerKey: true });
      // other tests wrote to this topic before (without our headers): those are "unexpected" here, ours must be exact
      expect(result).toMatchObject({ acked: producer.stats.acked, lost: 0, duplicated: 0, corrupted: 0, reordered: 0, failedButPresent: 0 });
    },
  );
});
