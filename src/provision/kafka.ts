import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { exec, which } from '../util/exec.js';
import { cacheDir } from './cache.js';
import { findJava, requiredJavaFor, type Java } from './java.js';
import type { Progress } from './progress.js';

/** A Kafka installation the runtime can start brokers from. */
export interface KafkaDistribution {
  version: string;
  /** Where it came from: a user's KAFKA_HOME or our Maven-resolved cache. */
  source: 'KAFKA_HOME' | 'cache';
  /** Directory holding every jar a broker needs. */
  libs: string;
  /** A JVM classpath: `<libs>/*`. */
  classpath: string;
  /** Which logging backend the jars carry, so we write the matching config. */
  logging: 'log4j2' | 'log4j1';
  java: Java;
}

export { DEFAULT_KAFKA_VERSION } from '../schema/environment.js';
const LOG4J2_VERSION = '2.24.3';
const MARKER = '.streamchaos-complete';

/**
 * Finds or installs Kafka `version`. With KAFKA_HOME set, its libs/ are used as they are.
 * Otherwise Apache Kafka's jars and a logging binding are resolved from Maven Central with
 * the machine's `mvn` into `<cache>/kafka-<version>`; a completed cache is used without
 * running Maven again, so this works offline once cached.
 * Throws ProvisionError saying what is missing and how to fix it.
 */
export async function provisionKafka(version: string, progress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<KafkaDistribution> {
  const java = await findJava(env);
  const needed = requiredJavaFor(version);
  if (java.major < needed) {
    throw new ProvisionError(`Kafka ${version} needs Java ${needed} or newer, but ${java.bin} is Java ${java.major}`, {
      hint: `Install a newer JDK or point JAVA_HOME at one.`,
    });
  }
  if (env.KAFKA_HOME) return fromKafkaHome(env.KAFKA_HOME, version, java, progress);

  const dir = join(cacheDir(env), `kafka-${version}`);
  const libs = join(dir, 'libs');
  if (!existsSync(join(dir, MARKER))) await resolveWithMaven(version, dir, progress, env);
  return { version, source: 'cache', libs, classpath: join(libs, '*'), logging: await loggingOf(libs), java };
}

async function fromKafkaHome(home: string, wanted: string, java: Java, progress: Progress): Promise<KafkaDistribution> {
  const libs = join(home, 'libs');
  const jars = existsSync(libs) ? await readdir(libs) : [];
  const core = jars.find((j) => /^kafka_2\.\d+-.+\.jar$/.test(j) && !j.includes('-test') && !j.includes('-sources'));
  if (core === undefined) {
    throw new ProvisionError(`KAFKA_HOME=${home} does not look like a Kafka installation (no libs/kafka_2.13-*.jar)`, {
      hint: 'Point KAFKA_HOME at an unpacked Apache Kafka download, or unset it to let streamchaos resolve Kafka from Maven Central.',
    });
  }
  const version = core.replace(/^kafka_2\.\d+-/, '').replace(/\.jar$/, '');
  if (version !== wanted) progress.detail(`KAFKA_HOME has Kafka ${version}; the environment asks for ${wanted}; using KAFKA_HOME`);
  return { version, source: 'KAFKA_HOME', libs, classpath: join(libs, '*'), logging: await loggingOf(libs), java };
}

async function loggingOf(libs: string): Promise<'log4j2' | 'log4j1'> {
  const jars = await readdir(libs);
  return jars.some((j) => j.startsWith('log4j-core-')) ? 'log4j2' : 'log4j1';
}

/** The Maven project whose runtime dependencies are a broker's classpath. */
export function kafkaPom(version: string): string {
  const major = Number(version.split('.')[0]);
  const logging =
    major >= 4
      ? [dep('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J2_VERSION), dep('org.apache.logging.log4j', 'log4j-core', LOG4J2_VERSION)]
      : [dep('org.slf4j', 'slf4j-reload4j', '1.7.36'), dep('ch.qos.reload4j', 'reload4j', '1.2.25')];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by streamchaos: the jars of an Apache Kafka ${version} broker, resolved from Maven Central. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.streamchaos</groupId>
  <artifactId>kafka-broker-${version}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dep('org.apache.kafka', 'kafka_2.13', version)}
    ${logging.join('\n    ')}
  </dependencies>
</project>
`;
}

function dep(group: string, artifact: string, version: string): string {
  return `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
}

async function resolveWithMaven(version: string, dir: string, progress: Progress, env: NodeJS.ProcessEnv): Promise<void> {
  const mvn = await which('mvn', env);
  if (mvn === undefined) {
    throw new ProvisionError(`Kafka ${version} is not in the cache (${dir}) and Maven (mvn) was not found to fetch it`, {
      hint: 'Install Maven (Debian: apt-get install maven), or set KAFKA_HOME to an unpacked Apache Kafka download.',
    });
  }
  progress.step(`resolving Apache Kafka ${version} from Maven Central into ${dir}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pom.xml'), kafkaPom(version));
  const staging = join(dir, 'libs.partial');
  await rm(staging, { recursive: true, force: true });
  let downloaded = 0;
  const result = await exec(mvn, ['-B', '-ntp', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`], {
    cwd: dir,
    env,
    timeoutMs: 20 * 60_000,
    what: `Maven to fetch Apache Kafka ${version} from Maven Central`,
    onLine: (line) => {
      if (/Downloading from|Downloaded from/.test(line)) progress.detail(`downloaded ${++downloaded} files`);
      if (/Copying /.test(line)) progress.detail(line.replace(/^\[INFO\]\s*/, ''));
    },
  });
  if (result.code !== 0) {
    await writeFile(join(dir, 'maven.log'), result.tail.join('\n'));
    const reason =
      result.tail
        .filter((l) => l.includes('[ERROR]'))
        .slice(0, 5)
        .join('\n') || result.tail.slice(-10).join('\n');
    throw new ProvisionError(`Maven could not resolve Apache Kafka ${version}:\n${reason}`, {
      hint: `Check that Maven Central is reachable and that Kafka ${version} exists (e.g. 4.3.1, 3.9.1). Or set KAFKA_HOME to an unpacked Kafka download.`,
    });
  }
  await rm(join(dir, 'libs'), { recursive: true, force: true });
  await rename(staging, join(dir, 'libs'));
  const jars = await readdir(join(dir, 'libs'));
  await writeFile(join(dir, MARKER), `${jars.sort().join('\n')}\n`);
  progress.done(`Kafka ${version}: ${jars.length} jars in ${join(dir, 'libs')}`);
}

/** The jar list recorded when the cache was completed, or undefined when it is not. */
export async function cachedKafka(version: string, env: NodeJS.ProcessEnv = process.env): Promise<string[] | undefined> {
  const marker = join(cacheDir(env), `kafka-${version}`, MARKER);
  if (!existsSync(marker)) return undefined;
  return (await readFile(marker, 'utf8')).split('\n').filter(Boolean);
}
