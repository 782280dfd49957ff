import { reapLeftoverContainers } from '../../runtime/docker/container.js';
import { ExitCode } from '../../exit-code.js';
import { connectEngine } from '../../runtime/docker/engine.js';
import { listEnvStates, removeEnvState } from '../../runtime/env-state.js';
import { pidAlive } from '../../util/processes.js';
import { printable } from '../../util/printable.js';
import { killProcesses, leftoverProcesses } from '../../runtime/leftovers.js';
import { count } from '../../util/words.js';
import { c } from '../output.js';

export interface CleanupFindings {
  processes: { pid: number; owner: number; command: string }[];
  containers: string[];
  /** Environments recorded as up whose supervisor is gone. */
  environments: string[];
  /** Why containers could not be looked for, when no engine answered. */
  dockerNote?: string;
}

/**
 * `streamchaos cleanup`: removes whatever earlier runs left behind because they were killed
 * before they could clean up — processes whose harness is gone, containers whose harness is
 * gone, state of environments whose supervisor is gone. What a live run or environment owns is
 * never touched. Safe to run at any time, and again.
 */
export async function cleanup(args: { dryRun: boolean; json: boolean }): Promise<ExitCode> {
  const processes = leftoverProcesses();
  if (!args.dryRun) killProcesses(processes);

  let containers: string[] = [];
  let dockerNote: string | undefined;
  const engine = await connectEngine(process.env, 3000).catch(() => undefined);
  if (engine === undefined) dockerNote = 'no Docker engine answers: no containers to look for';
  else containers = await reapLeftoverContainers(engine.docker, { dryRun: args.dryRun });

  const environments = (await listEnvStates()).filter((s) => !pidAlive(s.supervisorPid)).map((s) => s.name);
  if (!args.dryRun) await Promise.all(environments.map((name) => removeEnvState(name)));

  const findings: CleanupFindings = { processes, containers, environments, ...(dockerNote === undefined ? {} : { dockerNote }) };
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ dryRun: args.dryRun, ...findings }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const verb = args.dryRun ? 'would remove' : 'removed';
  const lines: string[] = [];
  for (const p of processes) lines.push(`  process ${p.pid} (its run, pid ${p.owner}, is gone): ${printable(p.command, 120)}`);
  for (const name of containers) lines.push(`  container ${printable(name)}`);
  for (const name of environments) lines.push(`  state of environment ${printable(name)} (its supervisor is gone)`);
  const total = processes.length + containers.length + environments.length;
  if (total === 0) process.stdout.write(`${c.green('✓')} nothing left behind by earlier runs\n`);
  else {
    const what = [
      count(processes.length, 'process', 'processes'),
      count(containers.length, 'container'),
      count(environments.length, 'environment state', 'environment states'),
    ];
    process.stdout.write(`${args.dryRun ? c.yellow('!') : c.green('✓')} ${verb} ${what.join(', ')}:\n${lines.join('\n')}\n`);
  }
  if (dockerNote !== undefined) process.stdout.write(`${c.dim(dockerNote)}\n`);
  return ExitCode.ok;
}
