import { Kafka, logLevel } from 'kafkajs';
import { registerCodecs } from '../../src/cluster/codecs.js';

/** A kafkajs client for tests, quiet, with short timeouts so a cut link fails fast. */
export function testKafka(brokers: string, clientId = 'streamchaos-test'): Kafka {
  registerCodecs();
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 10000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}
