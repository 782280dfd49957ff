/**
 * Topic-level config names of Apache Kafka 4.x (org.apache.kafka.common.config.TopicConfig,
 * plus the replication throttles that live in QuotaConfig), as accepted under `topics[].config`.
 * Source: https://kafka.apache.org/documentation/#topicconfigs
 */
export const KAFKA_TOPIC_CONFIGS: readonly string[] = [
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
];

/** Topic configs that Kafka 4.0 removed, with what to do instead. */
export const REMOVED_TOPIC_CONFIGS: ReadonlyMap<string, string> = new Map([
  ['message.format.version', 'Kafka 4.0 removed it; the message format is always v2 now, so delete the line'],
  ['message.timestamp.difference.max.ms', "Kafka 4.0 removed it; use 'message.timestamp.before.max.ms' and 'message.timestamp.after.max.ms'"],
]);

/** Values `compression.type` accepts. */
export const COMPRESSION_TYPES: readonly string[] = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

/** Values `cleanup.policy` accepts. */
export const CLEANUP_POLICIES: readonly string[] = ['delete', 'compact', 'compact,delete', 'delete,compact'];
