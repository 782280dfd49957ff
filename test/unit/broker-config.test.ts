import { describe, expect, it } from 'vitest';
import { topology } from '../../src/network/topology.js';
import { advertisesController, serverProperties } from '../../src/runtime/broker-config.js';
import { brokerJavaArgs, formatJavaArgs, newClusterId } from '../../src/runtime/broker-files.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { managedOnly } from '../../src/schema/environment.js';

const env = managedOnly(parseEnvironment('brokers: { count: 3, config: { num.partitions: 12 } }\n', 'three.yaml'), 'test');
const props = (version: string): Map<string, string> =>
  new Map(
    serverProperties(env, topology(3, 29000), 2, '/data', version)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('server.properties of a broker', () => {
  it('runs KRaft combined mode with the peers reached by name', () => {
    const p = props('4.3.1');
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('node.id')).toBe('2');
    expect(p.get('controller.quorum.voters')).toBe('1@kafka-1:29491,2@kafka-2:29492,3@kafka-3:29493');
    expect(p.get('listeners')).toBe('CLIENT://127.0.0.1:29292,OBSERVER://127.0.0.1:29192,REPLICATION://127.0.0.1:29392,CONTROLLER://127.0.0.1:29492');
    expect(p.get('inter.broker.listener.name')).toBe('REPLICATION');
  });

  it('advertises the client link to clients, the observer directly, and names for the peers', () => {
    expect(props('4.3.1').get('advertised.listeners')).toBe(
      'CLIENT://127.0.0.1:29092,OBSERVER://127.0.0.1:29192,REPLICATION://kafka-2:29392,CONTROLLER://kafka-2:29492',
    );
  });

  it('leaves the controller listener unadvertised before Kafka 3.9, which rejects it', () => {
    expect(props('3.8.1').get('advertised.listeners')).not.toContain('CONTROLLER');
    expect([advertisesController('3.8.1'), advertisesController('3.9.0'), advertisesController('4.0.0')]).toEqual([false, true, true]);
  });

  it("applies the environment's overrides over streamchaos's defaults", () => {
    expect(props('4.3.1').get('num.partitions')).toBe('12');
    expect(props('4.3.1').get('offsets.topic.replication.factor')).toBe('3');
  });
});

describe('cluster ids', () => {
  it('never start with a dash, which kafka-storage would take for an option', () => {
    const dashFirst = Buffer.from(`fb${'00'.repeat(15)}`, 'hex'); // base64url: '-w…'
    expect(dashFirst.toString('base64url').startsWith('-')).toBe(true);
    const draws = [dashFirst, Buffer.alloc(16, 7)];
    const id = newClusterId(() => draws.shift()!);
    expect(id).toBe(Buffer.alloc(16, 7).toString('base64url'));
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

describe('JVM arguments of a broker', () => {
  const files = {
    id: 2,
    dir: '/run/broker-2',
    properties: '/run/broker-2/server.properties',
    hosts: '/run/broker-2/hosts',
    tmp: '/run/broker-2/tmp',
    logConfig: '/run/broker-2/log4j2.yaml',
    logConfigFlag: '-Dlog4j2.configurationFile=/run/broker-2/log4j2.yaml',
    log: '/run/broker-2/broker.log',
  };

  it("keeps the JVM's temporary files (native codec libraries) in the broker's folder, not the machine's /tmp", () => {
    for (const args of [
      brokerJavaArgs(env, files, 'libs/*'),
      formatJavaArgs(files, 'id', 'libs/*'),
      brokerJavaArgs(env, files, 'libs/*', { hostsFile: false }),
    ]) {
      expect(args).toContain('-Djava.io.tmpdir=/run/broker-2/tmp');
      expect(args.indexOf('-Djava.io.tmpdir=/run/broker-2/tmp')).toBeLessThan(args.indexOf('-cp'));
    }
  });
});
