import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { hostsFileFor, type Topology } from '../network/topology.js';
import type { KafkaDistribution } from '../provision/kafka.js';
import type { ManagedEnvironmentSpec } from '../schema/environment.js';
import { exec } from '../util/exec.js';
import { loggingConfig, serverProperties } from './broker-config.js';

export interface BrokerFiles {
  id: number;
  dir: string;
  properties: string;
  hosts: string;
  /** The JVM's temporary folder (java.io.tmpdir). */
  tmp: string;
  logConfig: string;
  logConfigFlag: string;
  log: string;
}

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding, as `kafka-storage random-uuid`
 * makes. Like Kafka's own Uuid.randomUuid, never one starting with '-', which a command line
 * would take for an option.
 */
export function newClusterId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Writes broker `id`'s server.properties, hosts file and logging config under `<root>/broker-<id>`.
 * Every environment starts from empty storage: data left by an earlier run there is deleted.
 */
export async function writeBrokerFiles(
  root: string,
  env: ManagedEnvironmentSpec,
  topo: Topology,
  id: number,
  kafka: Pick<KafkaDistribution, 'version' | 'logging'>,
): Promise<BrokerFiles> {
  const dir = join(root, `broker-${id}`);
  await rm(join(dir, 'data'), { recursive: true, force: true });
  await rm(join(dir, 'broker.log'), { force: true });
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true });
  const logging = loggingConfig(kafka.logging);
  const files: BrokerFiles = {
    id,
    dir,
    properties: join(dir, 'server.properties'),
    hosts: join(dir, 'hosts'),
    tmp: join(dir, 'tmp'),
    logConfig: join(dir, logging.file),
    logConfigFlag: logging.jvmFlag(join(dir, logging.file)),
    log: join(dir, 'broker.log'),
  };
  await writeFile(files.properties, serverProperties(env, topo, id, join(dir, 'data'), kafka.version));
  await writeFile(files.hosts, hostsFileFor(id, topo));
  await writeFile(files.logConfig, logging.text);
  return files;
}

/** JVM arguments of Kafka's own storage tool (kafka-storage format) for broker `files.id`. */
export function formatJavaArgs(files: BrokerFiles, clusterId: string, classpath: string, options: { hostsFile: boolean } = { hostsFile: true }): string[] {
  return [
    '-Xmx256m',
    '-XX:TieredStopAtLevel=1',
    `-Djava.io.tmpdir=${files.tmp}`,
    files.logConfigFlag,
    ...(options.hostsFile ? [`-Djdk.net.hosts.file=${files.hosts}`] : []),
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    files.properties,
  ];
}

/** Formats a broker's storage with Kafka's own tool (kafka-storage format). */
export async function formatStorage(files: BrokerFiles, clusterId: string, kafka: KafkaDistribution): Promise<void> {
  const result = await exec(kafka.java.bin, formatJavaArgs(files, clusterId, kafka.classpath), { tailLines: 15 });
  await writeFile(join(files.dir, 'format.log'), `${result.tail.join('\n')}\n`);
  checkFormatted(files, result.code, result.tail);
}

/** Throws the user-facing error for a failed `kafka-storage format` from its exit code and last lines. */
export function checkFormatted(files: BrokerFiles, code: number | null, tail: readonly string[]): void {
  if (code !== 0) {
    const reason = tail.filter((l) => /(Exception|Error)\b/.test(l) && !/^\s+at /.test(l)).map((l) => l.replace(/^.*?(\w+(Exception|Error):)/, '$1'));
    throw new EnvironmentError(
      `broker ${files.id} did not accept its configuration (kafka-storage format exited ${code}): ${reason.join('; ') || tail.slice(-5).join('\n')}`,
      {
        hint: `check brokers.config in the environment file; the broker's settings are in ${files.properties}, the tool's output in ${join(files.dir, 'format.log')}`,
      },
    );
  }
}

/**
 * JVM arguments that start broker `files.id`: modest heap, few GC threads, Kafka's jars on
 * `classpath`. A local JVM resolves its peers' names through the link-proxy hosts file; a
 * container gets the same names as extra hosts instead (`hostsFile: false`).
 */
export function brokerJavaArgs(
  env: ManagedEnvironmentSpec,
  files: BrokerFiles,
  classpath: string,
  options: { hostsFile: boolean } = { hostsFile: true },
): string[] {
  return [
    `-Xmx${env.brokers.heap}`,
    `-Xms${minHeap(env.brokers.heap)}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:ParallelGCThreads=1',
    '-XX:ConcGCThreads=1',
    '-XX:CICompilerCount=2',
    '-Djava.awt.headless=true',
    ...(options.hostsFile ? [`-Djdk.net.hosts.file=${files.hosts}`] : []),
    // the JVM caches lookups forever by default; our names never change, but be explicit
    '-Dsun.net.inetaddr.ttl=60',
    // the native codecs (lz4, snappy, zstd) unpack a library into the temporary folder on every
    // start and never delete it when the JVM is killed: keep them in the broker's folder, not /tmp
    `-Djava.io.tmpdir=${files.tmp}`,
    files.logConfigFlag,
    ...env.brokers.jvmOptions,
    '-cp',
    classpath,
    'kafka.Kafka',
    files.properties,
  ];
}

function minHeap(max: string): string {
  const m = /^(\d+)([mMgG])$/.exec(max);
  if (m === null) return max;
  const mb = Number(m[1]) * (m[2]?.toLowerCase() === 'g' ? 1024 : 1);
  return `${Math.min(mb, 256)}m`;
}
