import { request } from './wire.js';
import { Reader, Writer } from './wire-buffers.js';

export interface BrokerMetadata {
  /** Which broker answered (its observer address). */
  source: string;
  brokers: { id: number; host: string; port: number }[];
  clusterId: string | null;
  controllerId: number;
  topics: {
    name: string;
    errorCode: number;
    internal: boolean;
    partitions: { partition: number; errorCode: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[]; offline: number[] }[];
  }[];
}

const METADATA = 3;
const VERSION = 8; // newest non-flexible version; Kafka 2.3+ through 4.x answer it

/** Asks the broker at `hostPort` for its own view of the cluster (topics: all when null). */
export async function fetchMetadata(hostPort: string, topics: readonly string[] | null, timeoutMs = 2000): Promise<BrokerMetadata> {
  const body = new Writer()
    .array(topics, (w, t) => w.string(t))
    .bool(false) // allow_auto_topic_creation
    .bool(false) // include_cluster_authorized_operations
    .bool(false) // include_topic_authorized_operations
    .buffer();
  const r = new Reader(await request(hostPort, METADATA, VERSION, body, timeoutMs));
  r.int32(); // throttle_time_ms
  const brokers = r.array((b) => {
    const id = b.int32();
    const host = b.string() ?? '';
    const port = b.int32();
    b.string(); // rack
    return { id, host, port };
  });
  const clusterId = r.string();
  const controllerId = r.int32();
  const parsed = r.array((t) => {
    const errorCode = t.int16();
    const name = t.string() ?? '';
    const internal = t.bool();
    const partitions = t.array((p) => ({
      errorCode: p.int16(),
      partition: p.int32(),
      leader: p.int32(),
      leaderEpoch: p.int32(),
      replicas: p.array((x) => x.int32()),
      isr: p.array((x) => x.int32()),
      offline: p.array((x) => x.int32()),
    }));
    t.int32(); // topic_authorized_operations
    return { name, errorCode, internal, partitions };
  });
  return { source: hostPort, brokers, clusterId, controllerId, topics: parsed };
}
