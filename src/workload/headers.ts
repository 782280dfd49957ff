/** Record headers every produced record carries, so any stage can be checked end to end. */
export const HEADER_ID = 'sc-id';
export const HEADER_SENT = 'sc-sent';
export const HEADER_CRC = 'sc-crc';
