/**
 * The watchdog (see watchdog.ts): `node watchdog-main.js <harness pid>`. Waits for the harness
 * to end, then kills the processes and removes the containers it left, and exits.
 */
import { reapContainersOf } from './docker/container.js';
import { connectEngine } from './docker/engine.js';
import { ExitCode, exitWith } from '../exit-code.js';
import { pidAlive } from '../util/processes.js';
import { killProcesses, leftoverProcesses } from './leftovers.js';

const POLL_MS = 300;

async function watch(owner: number): Promise<void> {
  while (pidAlive(owner)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  killProcesses(leftoverProcesses(owner));
  const engine = await connectEngine(process.env, 3000).catch(() => undefined);
  if (engine !== undefined) await reapContainersOf(engine.docker, owner).catch(() => undefined);
}

const owner = Number(process.argv[2]);
if (!Number.isInteger(owner) || owner <= 0) exitWith(ExitCode.usage);
watch(owner).then(
  () => exitWith(ExitCode.ok),
  () => exitWith(ExitCode.failed),
);
