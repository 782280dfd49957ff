import { readFile } from 'node:fs/promises';

/** What the active KRaft controller logs when it elects a leader from outside the ISR (Kafka 3.x and 4.x). */
const UNCLEAN = /using an unclean election/;

export interface LogFinding {
  node: string;
  line: string;
}

/**
 * Reads the brokers' logs for unclean leader elections. The controller is the only party that
 * knows an election was unclean, and it says so in its log; observer samples cannot tell
 * (a replica may rejoin the ISR and be elected between two samples). A log that cannot be
 * read is skipped.
 */
export async function findUncleanElections(logs: readonly { name: string; log: string }[]): Promise<LogFinding[]> {
  const findings: LogFinding[] = [];
  for (const { name, log } of logs) {
    const text = await readFile(log, 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (UNCLEAN.test(line)) findings.push({ node: name, line: line.trim() });
  }
  return findings;
}
