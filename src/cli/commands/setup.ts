import { DEFAULT_KAFKA_VERSION } from '../../provision/kafka.js';
import { ensureTools } from '../../provision/setup.js';
import { terminalProgress, c } from '../output.js';

export interface SetupArgs {
  kafkaVersion: string;
}

/** `streamchaos setup`: installs (or finds) Kafka and Toxiproxy, and says where they are. */
export async function setup(args: SetupArgs): Promise<number> {
  const started = Date.now();
  const tools = await ensureTools(args.kafkaVersion || DEFAULT_KAFKA_VERSION, terminalProgress());
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      `${c.bold('Kafka')}      ${tools.kafka.version} (${tools.kafka.source}: ${tools.kafka.libs}), Java ${tools.kafka.java.major} at ${tools.kafka.java.bin}`,
      `${c.bold('Toxiproxy')}  ${tools.toxiproxy.bin} (${tools.toxiproxy.source})`,
      `ready in ${seconds} s`,
      '',
    ].join('\n'),
  );
  return 0;
}
