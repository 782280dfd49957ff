import { toxicFault } from './toxic.js';

/** Data is sliced into small packets, optionally delayed. */
export const slicer = toxicFault('slicer', 'slicer', (s) => ({ average_size: s.averageSize, size_variation: s.sizeVariation, delay: s.delayUs }));
