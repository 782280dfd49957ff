import { toxicFault } from './toxic.js';

/** A bandwidth limit, in KB/s. */
export const bandwidth = toxicFault('bandwidth', 'bandwidth', (s) => ({ rate: s.rateKBps }));
