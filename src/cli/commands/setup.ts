import { EnvironmentError } from '../../errors.js';
import { ExitCode } from '../../exit-code.js';
import type { BuiltImage } from '../../provision/image-build.js';
import { DEFAULT_KAFKA_VERSION } from '../../provision/kafka.js';
import { ensureTools } from '../../provision/tools.js';
import { terminalProgress, c } from '../output.js';

export interface SetupArgs {
  kafkaVersion: string;
  /** Also build the local Docker images (equivalents of apache/kafka, shopify/toxiproxy, node). */
  docker?: boolean;
}

/**
 * `streamchaos setup`: installs (or finds) Kafka and Toxiproxy, and says where they are; with
 * `docker`, also builds the local images from them. Throws EnvironmentError (exit 3) when
 * `docker` is asked for and no Docker engine answers.
 */
export async function setup(args: SetupArgs): Promise<ExitCode> {
  const started = Date.now();
  const progress = terminalProgress();
  const tools = await ensureTools(args.kafkaVersion || DEFAULT_KAFKA_VERSION, progress);
  const lines = [
    `${c.bold('Kafka')}      ${tools.kafka.version} (${tools.kafka.source}: ${tools.kafka.libs}), Java ${tools.kafka.java.major} at ${tools.kafka.java.bin}`,
    `${c.bold('Toxiproxy')}  ${tools.toxiproxy.bin} (${tools.toxiproxy.source})`,
  ];
  if (args.docker === true) {
    // imported here so that plain `setup` never loads dockerode
    const { connectEngine, START_ENGINE_HINT } = await import('../../runtime/docker/engine.js');
    const { buildLocalImages } = await import('../../provision/image-build.js');
    const engine = await connectEngine().catch((e: unknown) => {
      const reason = e instanceof Error ? e.message : String(e);
      throw new EnvironmentError(`setup --docker builds images with a Docker engine, but ${reason}`, { hint: START_ENGINE_HINT, cause: e });
    });
    const images = await buildLocalImages(engine.docker, tools, progress);
    lines.push(`${c.bold('Docker')}     ${engine.version} at ${engine.host}`, ...imageLines(images));
  }
  lines.push(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`, '');
  process.stdout.write(lines.join('\n'));
  return ExitCode.ok;
}

/** One aligned line per image: tag, what it stands in for, built or cached, size. */
export function imageLines(images: readonly BuiltImage[]): string[] {
  const tagWidth = Math.max(...images.map((i) => i.tag.length));
  const ofWidth = Math.max(...images.map((i) => i.equivalentOf.length)) + 'equivalent of '.length;
  return images.map((i) => {
    const how = i.built ? `built in ${i.seconds.toFixed(1)} s` : 'cached';
    return `  ${i.tag.padEnd(tagWidth)}  ${`equivalent of ${i.equivalentOf}`.padEnd(ofWidth)}  ${how.padEnd(16)}  ${(i.sizeBytes / 1e6).toFixed(0).padStart(4)} MB`;
  });
}
