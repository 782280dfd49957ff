/**
 * What an instance of streamchaos's own processor is told, by environment (secrets too: never
 * argv): the STREAMCHAOS_* contract a processor of the user's own reads as well.
 */
const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is not set`);
  return v;
};

export interface ProcessorConfig {
  name: string;
  bootstrap: string[];
  input: string;
  output: string;
  group: string;
  mode: 'exactly-once' | 'at-least-once';
  prefix: string;
  outputPartitions: number;
  idHeader: string;
}

export function processorConfig(): ProcessorConfig {
  return {
    name: env('STREAMCHAOS_INSTANCE'),
    bootstrap: env('STREAMCHAOS_BOOTSTRAP').split(','),
    input: env('STREAMCHAOS_INPUT'),
    output: env('STREAMCHAOS_OUTPUT'),
    group: env('STREAMCHAOS_GROUP'),
    mode: env('STREAMCHAOS_MODE') as 'exactly-once' | 'at-least-once',
    prefix: process.env.STREAMCHAOS_TRANSACTIONAL_PREFIX ?? 'streamchaos-processor',
    outputPartitions: Number(env('STREAMCHAOS_OUTPUT_PARTITIONS')),
    idHeader: process.env.STREAMCHAOS_ID_HEADER ?? 'sc-id',
  };
}

/** One line on the instance's log (its stdout, which the harness keeps as processor-N.log). */
export function sayer(name: string): (line: string) => void {
  return (line) => void process.stdout.write(`${new Date().toISOString()} ${name} ${line}\n`);
}

/** The header our processor adds to each output record: which instance wrote it. */
export const PROCESSED_BY_HEADER = 'sc-processed-by';
