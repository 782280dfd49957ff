/**
 * Confluent's librdkafka client (`@confluentinc/kafka-javascript`), loaded once and only when
 * asked for: a native module that may not have been built on this machine. Every harness
 * client that uses it (load generator, reference processor, consumers) gets it from here, and
 * a run that asked for it and could not have it says so (never a silent kafkajs).
 */
import { createRequire } from 'node:module';
import type * as Rdkafka from '@confluentinc/kafka-javascript';
import { type ClientSecurity, securityOf } from './security.js';

export type RdkafkaModule = typeof Rdkafka;
export type { Rdkafka };

export { KAFKA_CLIENTS, type KafkaClientName } from '../schema/workload.js';

/** Set to any value, the native client is taken as not available (to run as a machine without it would). */
export const NO_LIBRDKAFKA_ENV = 'STREAMCHAOS_NO_LIBRDKAFKA';

export type NativeClient = { available: true; module: RdkafkaModule; version: string } | { available: false; reason: string };

let loaded: NativeClient | undefined;

/** The native client, or why it cannot be had here (one line, safe to print). Loaded on the first call. */
export function nativeClient(): NativeClient {
  loaded ??= load();
  return loaded;
}

function load(): NativeClient {
  if (process.env[NO_LIBRDKAFKA_ENV] !== undefined) return { available: false, reason: `${NO_LIBRDKAFKA_ENV} is set` };
  try {
    const module = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as RdkafkaModule;
    return { available: true, module, version: module.librdkafkaVersion };
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : undefined;
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? '@confluentinc/kafka-javascript is not installed (its native build failed or was skipped)'
        : `its native module did not load: ${firstLine(e instanceof Error ? e.message : String(e))}`;
    return { available: false, reason };
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** librdkafka's settings for `security` (TLS as PEM text, SASL): nothing for plain connections. */
export function rdkafkaSecurity(security: ClientSecurity | undefined): Record<string, string | boolean> {
  if (security === undefined || security.protocol === 'PLAINTEXT') return {};
  const out: Record<string, string | boolean> = { 'security.protocol': security.protocol.toLowerCase() };
  const tls = security.tls;
  if (tls !== undefined) {
    if (tls.ca !== undefined) out['ssl.ca.pem'] = tls.ca;
    if (tls.cert !== undefined) out['ssl.certificate.pem'] = tls.cert;
    if (tls.key !== undefined) out['ssl.key.pem'] = tls.key;
    if (!tls.rejectUnauthorized) {
      out['enable.ssl.certificate.verification'] = false;
      out['ssl.endpoint.identification.algorithm'] = 'none';
    }
  }
  if (security.sasl !== undefined) {
    out['sasl.mechanisms'] = security.sasl.mechanism;
    out['sasl.username'] = security.sasl.username;
    out['sasl.password'] = security.sasl.password;
  }
  return out;
}

/** librdkafka's error codes the harness reads (rdkafka.h): local ones are negative. */
export const RD = {
  /** Purged from the queue before it was ever sent: definitely not written. */
  PURGE_QUEUE: -152,
  /** Purged while in flight: may have been written. */
  PURGE_INFLIGHT: -151,
  MSG_TIMED_OUT: -192,
  UNKNOWN_PARTITION: -190,
  UNKNOWN_TOPIC_LOCAL: -188,
  QUEUE_FULL: -184,
  FENCED: -144,
  STATE: -172,
  TIMED_OUT: -185,
  PRODUCER_FENCED: 90,
  /** The broker's MESSAGE_TOO_LARGE, INVALID_RECORD, RECORD_LIST_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED: refused, not written. */
  MSG_SIZE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  TOPIC_AUTHORIZATION_FAILED: 29,
  INVALID_RECORD: 87,
} as const;

/**
 * Whether a record whose delivery report carries error `code` was definitely not written
 * (`fail`), or may have been (`info`): only errors that say the record never reached a broker,
 * or that a broker refused it, are definite; a timeout or a lost connection is not.
 */
export function deliveryOutcome(code: number): 'fail' | 'info' {
  const definite: readonly number[] = [
    RD.PURGE_QUEUE,
    RD.UNKNOWN_PARTITION,
    RD.UNKNOWN_TOPIC_LOCAL,
    RD.MSG_SIZE_TOO_LARGE,
    RD.RECORD_LIST_TOO_LARGE,
    RD.TOPIC_AUTHORIZATION_FAILED,
    RD.INVALID_RECORD,
  ];
  return definite.includes(code) ? 'fail' : 'info';
}

/**
 * The settings of a harness producer: idempotent as asked, several requests in flight, a few
 * ms of batching, and backoffs capped at 100 ms so it notices within about that much that a
 * fault has healed (recovery is timed by when acks resume). Delivery reports on.
 */
export function producerConfig(o: {
  clientId: string;
  bootstrap: string;
  idempotent: boolean;
  acks: -1 | 0 | 1;
  deliveryTimeoutMs: number;
  transactionalId?: string;
  /** How long the coordinator lets a transaction of this producer stay open (at least deliveryTimeoutMs: librdkafka requires it). */
  transactionTimeoutMs?: number;
}): Rdkafka.ProducerGlobalConfig & Rdkafka.ProducerTopicConfig {
  return {
    'client.id': o.clientId,
    'metadata.broker.list': o.bootstrap,
    ...rdkafkaSecurity(securityOf(o.bootstrap)),
    'enable.idempotence': o.idempotent,
    acks: o.acks,
    'max.in.flight.requests.per.connection': 5,
    'linger.ms': 2,
    'message.timeout.ms': o.deliveryTimeoutMs,
    'retry.backoff.ms': 20,
    'retry.backoff.max.ms': 100,
    'reconnect.backoff.ms': 20,
    'reconnect.backoff.max.ms': 100,
    'socket.connection.setup.timeout.ms': 3000,
    'queue.buffering.max.messages': 1_000_000,
    ...(o.transactionalId === undefined
      ? {}
      : { 'transactional.id': o.transactionalId, 'transaction.timeout.ms': Math.max(o.transactionTimeoutMs ?? 30_000, o.deliveryTimeoutMs) }),
    dr_cb: true,
  };
}
