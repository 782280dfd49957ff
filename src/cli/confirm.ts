import { createInterface } from 'node:readline/promises';
import type { ExperimentSpec } from '../schema/experiment.js';
import { printable } from '../util/printable.js';
import { c } from './output.js';

/**
 * Asks on the terminal before faults go into an external environment: shows where and what, and
 * resolves true only when the user types the environment's name.
 */
export async function confirmExternalRun(spec: ExperimentSpec): Promise<boolean> {
  const env = spec.environment;
  if (env.runtime !== 'external') return true;
  const lines = [
    '',
    c.yellow.bold(`This run injects faults into ${printable(env.name)}, a cluster streamchaos did not start (marked nonProduction).`),
    `  bootstrap ${printable(env.bootstrap.join(','), 500)}${env.toxiproxy === undefined ? '' : `, your Toxiproxy ${printable(env.toxiproxy.api)}`}`,
    ...spec.timeline.map((f) => `  · ${f.kind}: ${printable(f.name)}`),
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Type the environment's name (${printable(env.name)}) to go on, anything else to stop: `);
    return answer.trim() === env.name;
  } finally {
    rl.close();
  }
}
