import { toxicFault } from './toxic.js';

/** A black hole: connections stay open, nothing gets through (Toxiproxy's timeout toxic with 0). */
export const blackhole = toxicFault('blackhole', 'timeout', () => ({ timeout: 0 }));
