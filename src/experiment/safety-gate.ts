import type { EnvironmentSpec } from '../schema/environment.js';

/** What to do before a run's first fault: go on, ask the user to type the environment's name, or refuse. */
export type GateDecision = { action: 'proceed' } | { action: 'ask'; environment: string } | { action: 'refuse'; message: string; hint: string };

/**
 * The safety gate of a run. An environment streamchaos started is its own: go on. An external
 * one (marked nonProduction, or it would not have parsed) needs the user's confirmation of the
 * faults: `--yes`, or on an interactive terminal a typed confirmation; without a terminal and
 * without `--yes` the run is refused before anything touches the cluster. A dry run injects no
 * fault and needs no confirmation.
 */
export function safetyGate(input: { environment: EnvironmentSpec; dryRun: boolean; yes: boolean; interactive: boolean }): GateDecision {
  const env = input.environment;
  if (env.runtime !== 'external' || input.dryRun || input.yes) return { action: 'proceed' };
  if (input.interactive) return { action: 'ask', environment: env.name };
  return {
    action: 'refuse',
    message: `refusing to inject faults into external environment ${env.name} (${env.bootstrap.join(',')}) without confirmation: stdin is not a terminal and --yes was not given`,
    hint: `pass --yes to confirm the faults of this run against ${env.name}, or --dry-run to run the workload and every check with no fault`,
  };
}
