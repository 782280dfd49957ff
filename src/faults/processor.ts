import { EnvironmentError } from '../errors.js';
import type { Fault } from './fault.js';

// The processor workload (consume-transform-produce in its own OS processes) is not built yet;
// until it is, experiments that name processor faults are refused at injection with this message.
const notYet = (kind: string): EnvironmentError =>
  new EnvironmentError(`${kind}: the processor workload is not available yet in this version of streamchaos`);

export const processorKill: Fault<'processor-kill'> = {
  kind: 'processor-kill',
  async inject() {
    throw notYet('processor-kill');
  },
};

export const processorPause: Fault<'processor-pause'> = {
  kind: 'processor-pause',
  async inject() {
    throw notYet('processor-pause');
  },
};
