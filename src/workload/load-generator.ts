import { nativeClient } from '../cluster/librdkafka.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { KafkaClientName } from '../schema/workload.js';
import type { ProducerSpec } from '../schema/experiment.js';
import type { Random } from '../util/random.js';
import { LoadProducer } from './producer.js';
import { RdkafkaLoadProducer } from './rdkafka-producer.js';

/** What a load generator instance counted: records sent, and how their sends ended. */
export interface ProducerStats {
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
}

/** One load generator instance, whichever client it runs on. */
export interface LoadGenerator {
  readonly process: string;
  readonly stats: ProducerStats;
  /** Connects and starts offering load; stopped meanwhile, it disconnects instead. */
  start(): Promise<void>;
  /** Stops offering load, waits (bounded) for the sends in flight, disconnects. */
  stop(): Promise<void>;
}

export interface LoadGeneratorOptions {
  /** The instance's name, e.g. `producer-1` or `orders-2`: the process of its History ops. */
  name: string;
  spec: ProducerSpec;
  /** How many partitions `spec.topic` has. */
  partitions: number;
  bootstrap: string;
  history: HistoryRecorder;
  random: Random;
  log: (line: string) => void;
  /** Another header that carries the id too: the one a processor reading this topic is told to carry through. */
  alsoIdHeader?: string;
}

/**
 * A load generator on `client`, as the plan chose it. The plan only chooses librdkafka where it
 * loads (else it names the fallback); should it not load here after all, that is an error, never a
 * silent kafkajs.
 */
export function createLoadGenerator(client: KafkaClientName | string, o: LoadGeneratorOptions): LoadGenerator {
  if (client === 'librdkafka') {
    const native = nativeClient();
    if (!native.available) throw new Error(`${o.name} is to run on librdkafka, which is not available: ${native.reason}`);
    return new RdkafkaLoadProducer(o.name, o.spec, o.partitions, o.bootstrap, o.history, o.random, o.log, native.module, o.alsoIdHeader);
  }
  return new LoadProducer(o.name, o.spec, o.partitions, o.bootstrap, o.history, o.random, o.log, o.alsoIdHeader);
}
