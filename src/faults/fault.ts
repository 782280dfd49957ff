import type { Observer } from '../cluster/observer.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Heal, Network } from '../network/network.js';
import type { LinkTopology } from '../network/topology.js';
import type { StartedEnvironment } from '../runtime/runtime.js';
import type { FaultSpec } from '../schema/experiment.js';
import type { ProcessorGroup } from '../workload/processor-group.js';
import type { Random } from '../util/random.js';

/** What a fault may touch: nodes through the Runtime, links through the Network, Kafka through the observer. */
export interface FaultContext {
  env: StartedEnvironment;
  /** The processor instances, when the experiment runs a processor. */
  processors?: ProcessorGroup;
  network: Network;
  topology: LinkTopology;
  observer: Observer;
  history: HistoryRecorder;
  /** This fault's own random stream, forked from the run's seed. */
  random: Random;
  log: (line: string) => void;
}

/** A fault that was injected: on what (resolved now, in words) and how to undo it (idempotent). */
export interface Injected {
  target: string;
  /** Undefined for instant faults (a restart) that leave nothing to undo. */
  heal?: Heal;
  /**
   * The heal only brings back a node the environment's teardown would stop again (a killed
   * broker or processor): when the run ends before the heal (its deadline, an error), the
   * teardown skips it instead of waiting for a restart nobody will use.
   */
  undoneByTeardown?: boolean;
  detail?: Record<string, unknown>;
}

/**
 * One kind of fault. `inject` resolves its target at the moment of injection and returns the
 * heal. If inject throws, nothing was left to heal: it undoes its own partial work first.
 */
export interface Fault<K extends FaultSpec['kind'] = FaultSpec['kind']> {
  kind: K;
  inject(spec: Extract<FaultSpec, { kind: K }>, ctx: FaultContext): Promise<Injected>;
}
