import { provisionKafka, type KafkaDistribution } from './kafka.js';
import type { Progress } from './progress.js';
import { provisionToxiproxy, type ToxiproxyServer } from './toxiproxy.js';

export interface Tools {
  kafka: KafkaDistribution;
  toxiproxy: ToxiproxyServer;
}

/** Everything an environment needs to start, found or installed. Idempotent and fast once cached. */
export async function ensureTools(kafkaVersion: string, progress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<Tools> {
  const [kafka, toxiproxy] = await Promise.all([provisionKafka(kafkaVersion, progress, env), provisionToxiproxy(progress, env)]);
  return { kafka, toxiproxy };
}
