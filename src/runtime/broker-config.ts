import type { ManagedEnvironmentSpec } from '../schema/environment.js';
import type { Topology } from '../network/topology.js';

/**
 * Defaults for a small cluster on a small machine: few threads, fast failure detection, and
 * internal topics replicated like the user's topics. The environment's `brokers.config` wins.
 */
export function brokerDefaults(brokerCount: number): Record<string, string> {
  const rf = String(Math.min(3, brokerCount));
  return {
    'num.network.threads': '2',
    'num.io.threads': '4',
    'num.replica.fetchers': '1',
    'background.threads': '4',
    'log.cleaner.threads': '1',
    'num.partitions': '3',
    'default.replication.factor': rf,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': String(Math.min(2, brokerCount)),
    'transaction.state.log.num.partitions': '10',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    'log.segment.bytes': String(64 * 1024 * 1024),
    'replica.lag.time.max.ms': '10000',
    'broker.session.timeout.ms': '9000',
    'broker.heartbeat.interval.ms': '1000',
  };
}

/**
 * The server.properties of broker `id`: KRaft combined mode, four listeners, the link-proxy names.
 *
 * From Kafka 3.9 (KIP-853) a KRaft follower connects to the leader at the endpoint the leader
 * *advertises* for its controller listener, not the one in controller.quorum.voters; left
 * unadvertised, that is the bind address 127.0.0.1, which bypasses the link proxies (a
 * "partition" would then leave the quorum connected). So from 3.9 the controller listener is
 * advertised by name too. Kafka 3.7 and 3.8 reject that, and only use the static voters.
 */
export function serverProperties(env: ManagedEnvironmentSpec, topo: Topology, id: number, dataDir: string, kafkaVersion: string): string {
  const lines = Object.entries(brokerProperties(env, topo, id, dataDir, kafkaVersion)).map(
    ([k, v]) => `${escapeProperty(k, 'key')}=${escapeProperty(v, 'value')}`,
  );
  return `# written by streamchaos for broker ${id} of environment ${escapeProperty(env.name, 'value')}\n${lines.join('\n')}\n`;
}

/** The settings of broker `id`, as serverProperties writes them (unescaped): defaults, then the environment's brokers.config, then what streamchaos manages. */
export function brokerProperties(env: ManagedEnvironmentSpec, topo: Topology, id: number, dataDir: string, kafkaVersion: string): Record<string, string> {
  const me = topo.brokers.find((b) => b.id === id);
  if (me === undefined) throw new RangeError(`no broker ${id} in a ${topo.brokers.length}-broker topology`);
  const port = (hostPort: string): string => hostPort.slice(hostPort.lastIndexOf(':') + 1);
  const managed: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(id),
    'controller.quorum.voters': topo.brokers.map((b) => `${b.id}@${b.hostname}:${port(b.controller)}`).join(','),
    listeners: `CLIENT://${me.client},OBSERVER://${me.observer},REPLICATION://${me.replication},CONTROLLER://${me.controller}`,
    'advertised.listeners': [
      `CLIENT://${me.clientLink}`,
      `OBSERVER://${me.observer}`,
      `REPLICATION://${me.hostname}:${port(me.replication)}`,
      ...(advertisesController(kafkaVersion) ? [`CONTROLLER://${me.hostname}:${port(me.controller)}`] : []),
    ].join(','),
    'listener.security.protocol.map': 'CLIENT:PLAINTEXT,OBSERVER:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'REPLICATION',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': dataDir,
  };
  return { ...brokerDefaults(env.brokers.count), ...env.brokers.config, ...managed };
}

/**
 * `text` escaped so java.util.Properties (how Kafka reads server.properties, as ISO-8859-1)
 * reads it back exactly, on one line, as one key or one value: a backslash is doubled, line
 * breaks, tabs and form feeds are written as escapes, every other control character and every
 * character outside printable ASCII as \uXXXX. In a key, spaces, '=', ':', '#' and '!' are
 * escaped too (they would end the key or start a comment); in a value, only a leading space
 * (Properties drops it). So no line ever reads as two settings, whatever it was given; the
 * schema refuses such names and values before they get here (schema/settings.ts).
 */
export function escapeProperty(text: string, as: 'key' | 'value'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    const code = text.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (ch === ' ' && (as === 'key' || i === 0)) out += '\\ ';
    else if (as === 'key' && (ch === '=' || ch === ':' || ch === '#' || ch === '!')) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

/** A logging config that sends the broker's log to stdout (which the runtime writes to broker.log). */
export function loggingConfig(kind: 'log4j2' | 'log4j1'): { file: string; text: string; jvmFlag: (path: string) => string } {
  if (kind === 'log4j2') {
    return {
      file: 'log4j2.properties',
      jvmFlag: (path) => `-Dlog4j2.configurationFile=${path}`,
      text: [
        'status = warn',
        'appender.out.type = Console',
        'appender.out.name = OUT',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.out.ref = OUT',
        'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
        'logger.config.level = WARN',
        'logger.state.name = state.change.logger',
        'logger.state.level = WARN',
        '',
      ].join('\n'),
    };
  }
  return {
    file: 'log4j.properties',
    jvmFlag: (path) => `-Dlog4j.configuration=file:${path}`,
    text: [
      'log4j.rootLogger=INFO, out',
      'log4j.appender.out=org.apache.log4j.ConsoleAppender',
      'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN',
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
  };
}

/** Whether this Kafka version accepts (and needs) the controller listener in advertised.listeners. */
export function advertisesController(kafkaVersion: string): boolean {
  const [major = 0, minor = 0] = kafkaVersion.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 9);
}
