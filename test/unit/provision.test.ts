import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvisionError } from '../../src/errors.js';
import { kafkaPom, provisionKafka } from '../../src/provision/kafka.js';
import { silentProgress } from '../../src/provision/progress.js';
import { provisionToxiproxy } from '../../src/provision/toxiproxy.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'streamchaos-provision-'));
/** A stand-in `java` that only answers -version: these tests never start a JVM. */
function fakeJava(dir: string, version = '17.0.15'): string {
  mkdirSync(join(dir, 'jdk', 'bin'), { recursive: true });
  const java = join(dir, 'jdk', 'bin', 'java');
  writeFileSync(java, `#!/bin/sh\necho 'openjdk version "${version}" 2025-04-15' >&2\n`);
  chmodSync(java, 0o755);
  return join(dir, 'jdk');
}

describe('Kafka provisioning', () => {
  it('uses KAFKA_HOME as it is and reads the version off its jars', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'kafka', 'libs'), { recursive: true });
    for (const jar of ['kafka_2.13-3.9.1.jar', 'kafka_2.13-3.9.1-test.jar', 'reload4j-1.2.25.jar']) writeFileSync(join(dir, 'kafka', 'libs', jar), '');
    const kafka = await provisionKafka('4.3.1', silentProgress, { PATH: '/nonexistent', JAVA_HOME: fakeJava(dir), KAFKA_HOME: join(dir, 'kafka') });
    expect(kafka).toMatchObject({ version: '3.9.1', source: 'KAFKA_HOME', logging: 'log4j1', classpath: join(dir, 'kafka', 'libs', '*') });
  });

  it('says what KAFKA_HOME should be when it is not a Kafka installation', async () => {
    const dir = scratch();
    const error = await provisionKafka('4.3.1', silentProgress, { PATH: '/nonexistent', JAVA_HOME: fakeJava(dir), KAFKA_HOME: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).message).toBe(`KAFKA_HOME=${dir} does not look like a Kafka installation (no libs/kafka_2.13-*.jar)`);
    expect((error as ProvisionError).hint).toContain('unset it');
  });

  it('names Maven and KAFKA_HOME as the ways out when Kafka is not cached and mvn is missing', async () => {
    const dir = scratch();
    const error = await provisionKafka('4.3.1', silentProgress, { PATH: '/nonexistent', JAVA_HOME: fakeJava(dir), STREAMCHAOS_CACHE: dir }).catch(
      (e: unknown) => e,
    );
    expect((error as ProvisionError).message).toContain('Maven (mvn) was not found');
    expect((error as ProvisionError).hint).toMatch(/apt-get install maven.*KAFKA_HOME/);
  });

  it('refuses a Java too old for the Kafka version', async () => {
    const dir = scratch();
    const error = await provisionKafka('4.3.1', silentProgress, { PATH: '/nonexistent', JAVA_HOME: fakeJava(dir, '11.0.2'), STREAMCHAOS_CACHE: dir }).catch(
      (e: unknown) => e,
    );
    expect((error as ProvisionError).message).toMatch(/^Kafka 4\.3\.1 needs Java 17 or newer, but .* is Java 11$/);
  });

  it('says Java is missing and how to get it', async () => {
    const error = await provisionKafka('4.3.1', silentProgress, { PATH: '/nonexistent' }).catch((e: unknown) => e);
    expect((error as ProvisionError).message).toBe('Java was not found (looked for java)');
    expect((error as ProvisionError).hint).toContain('openjdk-17');
  });

  it('asks Maven for Kafka at one version and the logging binding of its generation', () => {
    expect(kafkaPom('4.3.1')).toContain('<artifactId>kafka_2.13</artifactId><version>4.3.1</version>');
    expect(kafkaPom('4.3.1')).toContain('log4j-slf4j-impl');
    expect(kafkaPom('3.9.1')).toContain('slf4j-reload4j');
    expect(kafkaPom('3.9.1')).not.toContain('log4j-core');
  });
});

describe('Toxiproxy provisioning', () => {
  it('uses TOXIPROXY_SERVER when it is executable, and says so when it is not', async () => {
    const dir = scratch();
    const bin = join(dir, 'toxiproxy-server');
    writeFileSync(bin, '#!/bin/sh\n');
    await expect(provisionToxiproxy(silentProgress, { PATH: '/nonexistent', TOXIPROXY_SERVER: bin })).rejects.toThrow('is not an executable file');
    chmodSync(bin, 0o755);
    expect(await provisionToxiproxy(silentProgress, { PATH: '/nonexistent', TOXIPROXY_SERVER: bin })).toEqual({ bin, source: 'TOXIPROXY_SERVER' });
  });

  it('finds toxiproxy-server on PATH before building anything', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'toxiproxy-server'), '#!/bin/sh\n');
    chmodSync(join(dir, 'toxiproxy-server'), 0o755);
    expect(await provisionToxiproxy(silentProgress, { PATH: dir, STREAMCHAOS_CACHE: scratch() })).toEqual({
      bin: join(dir, 'toxiproxy-server'),
      source: 'PATH',
    });
  });

  it('names Go and the alternatives when it has to build but cannot', async () => {
    const error = await provisionToxiproxy(silentProgress, { PATH: '/nonexistent', STREAMCHAOS_CACHE: scratch() }).catch((e: unknown) => e);
    expect((error as ProvisionError).message).toBe('toxiproxy-server was not found and Go is not installed to build it');
    expect((error as ProvisionError).hint).toContain('TOXIPROXY_SERVER');
  });
});
