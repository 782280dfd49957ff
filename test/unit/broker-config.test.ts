import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topology } from '../../src/network/topology.js';
import { advertisesController, brokerProperties, serverProperties } from '../../src/runtime/broker-config.js';
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

describe('server.properties holds each setting on one line, whatever it is given', () => {
  // names and values the schema refuses (schema/settings.ts), given here straight to the writer
  const hostile: Record<string, string> = {
    'broker.id ': '7',
    'log.dir\nbroker.id': '8',
    'a=b': 'c',
    'x:y': 'z',
    '#not.a.comment': 'kept',
    '!bang': 'kept',
    'num.io.threads': '4\r\nbroker.id=9',
    'trailing.backslash': 'ends\\',
    'leading.space': '  two spaces',
    'escapes.literal': '\\u0041\\n\\t',
    controls: 'tab\tnul\u0000bell\u0007ff\f',
    latin: 'ünïcødé 😀',
    'equals.in.value': '=a=b:c#d!e',
  };
  const hostileEnv = { ...env, brokers: { ...env.brokers, config: hostile } };
  const text = serverProperties(hostileEnv, topology(3, 29000), 2, '/data', '4.3.1');
  const expected = brokerProperties(hostileEnv, topology(3, 29000), 2, '/data', '4.3.1');

  it('writes one line per setting, in printable ASCII, and escapes what would end a name or a line', () => {
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(Object.keys(expected).length + 1); // and the comment
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(lines).toContain('broker.id\\ =7');
    expect(lines).toContain('log.dir\\nbroker.id=8');
    expect(lines).toContain('num.io.threads=4\\r\\nbroker.id=9');
    expect(lines).toContain('leading.space=\\  two spaces');
    expect(lines).toContain('\\#not.a.comment=kept');
    expect(lines.some((l) => /^(broker\.id|log\.dir)=/.test(l))).toBe(false);
  });

  it.skipIf(spawnSync('java', ['-version']).status !== 0)("reads back exactly as given with Java's own Properties.load, as Kafka reads it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamchaos-props-'));
    try {
      writeFileSync(join(dir, 'server.properties'), text);
      // each key and value hex-encoded by UTF-16 unit, so nothing is lost on the way out
      writeFileSync(
        join(dir, 'Read.java'),
        [
          'import java.io.*; import java.util.*;',
          'public class Read {',
          '  static String hex(String s) { StringBuilder b = new StringBuilder(); for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c)); return b.toString(); }',
          '  public static void main(String[] a) throws Exception {',
          '    Properties p = new Properties(); try (InputStream in = new FileInputStream(a[0])) { p.load(in); }',
          '    for (String k : p.stringPropertyNames()) System.out.println(hex(k) + " " + hex(p.getProperty(k)));',
          '  }',
          '}',
        ].join('\n'),
      );
      const out = execFileSync('java', [join(dir, 'Read.java'), join(dir, 'server.properties')], { encoding: 'utf8' });
      const unhex = (h: string): string => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map((u) => Number.parseInt(u, 16)));
      const read = Object.fromEntries(
        out
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split(' ').map(unhex) as [string, string]),
      );
      expect(read).toEqual(expected);
      expect(read['broker.id']).toBeUndefined();
      expect(read['log.dir']).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
