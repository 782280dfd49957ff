import { toxicFault } from './toxic.js';

/** Latency with jitter on every byte. */
export const latency = toxicFault('latency', 'latency', (s) => ({ latency: s.latencyMs, jitter: s.jitterMs }));
