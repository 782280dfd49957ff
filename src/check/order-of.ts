import { parseRecordId } from '../history/types.js';

/**
 * parseRecordId, quicker for the usual id `<sender>:<digits>` of the process that sent it:
 * then the process string is the sender's own (no new string per id) and the digits are read
 * in place. Anything else goes to parseRecordId, so the result is always the same as its.
 */
export function orderOf(id: string, sender: string): { process: string; seq: number } | undefined {
  const start = sender.length + 1;
  const canonical = id.length === start + 1 || id.charCodeAt(start) !== 48; // no leading zero, as parseRecordId demands
  if (sender.length > 0 && id.length > start && id.length - start <= 15 && canonical && id.charCodeAt(sender.length) === 58 && id.startsWith(sender)) {
    let seq = 0;
    for (let i = start; i < id.length; i++) {
      const digit = id.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return parseRecordId(id);
      seq = seq * 10 + digit;
    }
    return { process: sender, seq };
  }
  return parseRecordId(id);
}
