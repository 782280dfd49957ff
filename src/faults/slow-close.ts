import { toxicFault } from './toxic.js';

/** Closing a connection is delayed. */
export const slowClose = toxicFault('slow-close', 'slow_close', (s) => ({ delay: s.delayMs }));
