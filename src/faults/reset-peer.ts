import { toxicFault } from './toxic.js';

/** Connections reset by peer (after `timeout`). */
export const resetPeer = toxicFault('reset-peer', 'reset_peer', (s) => ({ timeout: s.timeoutMs }));
