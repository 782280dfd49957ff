import type { FaultSpec } from '../schema/experiment.js';
import { bandwidth } from './bandwidth.js';
import { blackhole } from './blackhole.js';
import { brokerKill } from './broker-kill.js';
import { brokerPause } from './broker-pause.js';
import { brokerRestart } from './broker-restart.js';
import { brokerTerminate } from './broker-terminate.js';
import { cut } from './cut.js';
import type { Fault } from './fault.js';
import { isolate } from './isolate.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { processorKill } from './processor-kill.js';
import { processorPause } from './processor-pause.js';
import { resetPeer } from './reset-peer.js';
import { rollingRestart } from './rolling-restart.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { split } from './split.js';

/** Every fault kind an experiment's `kind:` may name, and the module that does it. */
export const FAULTS: { [K in FaultSpec['kind']]: Fault<K> } = {
  'broker-kill': brokerKill,
  'broker-terminate': brokerTerminate,
  'broker-pause': brokerPause,
  'broker-restart': brokerRestart,
  'rolling-restart': rollingRestart,
  'processor-kill': processorKill,
  'processor-pause': processorPause,
  latency,
  bandwidth,
  blackhole,
  'reset-peer': resetPeer,
  'slow-close': slowClose,
  slicer,
  'limit-data': limitData,
  isolate,
  split,
  cut,
};

export function faultFor<K extends FaultSpec['kind']>(kind: K): Fault<K> {
  return FAULTS[kind] as Fault<K>;
}
