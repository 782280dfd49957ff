import { toxicFault } from './toxic.js';

/** Connections are closed after a number of bytes. */
export const limitData = toxicFault('limit-data', 'limit_data', (s) => ({ bytes: s.bytes }));
