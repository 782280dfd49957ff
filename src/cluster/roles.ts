import { request } from './wire.js';
import { Reader, Writer } from './wire-buffers.js';

/**
 * Who holds Kafka's moving roles right now, asked of one broker directly. Used to resolve
 * fault targets such as "the active controller" at the moment of injection.
 */

const DESCRIBE_QUORUM = 55;
const FIND_COORDINATOR = 10;

/** The id of the active KRaft controller (the leader of __cluster_metadata), via DescribeQuorum v0. */
export async function activeController(hostPort: string, timeoutMs = 3000): Promise<number> {
  return (await quorumLeader(hostPort, timeoutMs)).leader;
}

/** The KRaft quorum leader and its epoch, as the broker at `hostPort` knows them. */
export async function quorumLeader(hostPort: string, timeoutMs = 3000): Promise<{ leader: number; epoch: number }> {
  const body = new Writer()
    .compactArray(['__cluster_metadata'], (w, topic) =>
      w
        .compactString(topic)
        .compactArray([0], (p, index) => p.int32(index).uvarint(0))
        .uvarint(0),
    )
    .uvarint(0)
    .buffer();
  const r = new Reader(await request(hostPort, DESCRIBE_QUORUM, 0, body, timeoutMs, true));
  const error = r.int16();
  if (error !== 0) throw new Error(`DescribeQuorum failed with error code ${error}`);
  if (r.uvarint() - 1 < 1) throw new Error('DescribeQuorum answered without topics');
  r.compactString(); // __cluster_metadata
  if (r.uvarint() - 1 < 1) throw new Error('DescribeQuorum answered without partitions');
  r.int32(); // partition index
  const partitionError = r.int16();
  if (partitionError !== 0) throw new Error(`DescribeQuorum: partition error code ${partitionError}`);
  const leader = r.int32();
  const epoch = r.int32(); // the voters and observers that follow are not needed
  return { leader, epoch };
}

/** The broker coordinating a consumer group (`group`) or a transactional id (`transaction`), via FindCoordinator v1. */
export async function findCoordinator(hostPort: string, kind: 'group' | 'transaction', key: string, timeoutMs = 3000): Promise<number> {
  const body = new Writer()
    .string(key)
    .int8(kind === 'group' ? 0 : 1)
    .buffer();
  const r = new Reader(await request(hostPort, FIND_COORDINATOR, 1, body, timeoutMs));
  r.int32(); // throttle
  const error = r.int16();
  const message = r.string();
  const node = r.int32();
  if (error !== 0) throw new Error(`FindCoordinator(${kind} ${key}) failed with error code ${error}${message ? `: ${message}` : ''}`);
  return node;
}
