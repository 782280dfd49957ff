import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OWNER_VARIABLE } from './leftovers.js';

/** The watchdog's entry point in the build (also when this module runs from the sources, under the tests). */
const MAIN = fileURLToPath(new URL('../../dist/runtime/watchdog-main.js', import.meta.url));

let started = false;

/**
 * Starts, once per harness process, a small detached watchdog that outlives it: it polls the
 * harness's pid and, when the harness is gone without having cleaned up (SIGKILL, a crash of
 * Node itself), kills the processes and removes the containers it owned, then exits. When
 * the harness ends normally there is nothing left for it to find, and it exits as well.
 * Processes are also tied to the harness by pdeathsig; containers have only this, and the
 * reaping of leftovers at the next docker start and by `streamchaos cleanup`.
 */
export function startWatchdog(): void {
  if (started || !existsSync(MAIN)) return;
  started = true;
  const env = { ...process.env };
  delete env[OWNER_VARIABLE];
  const child = spawn(process.execPath, [MAIN, String(process.pid)], { detached: true, stdio: 'ignore', cwd: '/', env });
  child.on('error', () => undefined);
  child.unref();
}
