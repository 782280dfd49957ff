import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { OWNER_VARIABLE } from './leftovers.js';

/** The watchdog's entry point in the build (also when this module runs from the sources, under the tests). */
const MAIN = fileURLToPath(new URL('../../dist/runtime/watchdog-main.js', import.meta.url));

/** What the harness tells its watchdog on its stdin, one byte a message: a container create went to the engine, or was answered. */
export const CREATE_SENT = '+';
export const CREATE_ANSWERED = '-';

let started = false;
let channel: Writable | undefined;

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
  const child = spawn(process.execPath, [MAIN, String(process.pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], cwd: '/', env });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined); // a watchdog that is gone hears nothing more
  (child.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
  channel = child.stdin ?? undefined;
  child.unref();
}

/**
 * Tells the watchdog that a container create is on its way to the engine; call the returned
 * function once the engine has answered. The engine finishes a create even when its client has
 * died meanwhile, so a watchdog whose harness died with creates unanswered keeps removing what
 * appears for a while (watchdog-main.ts).
 */
export function noteCreateInFlight(): () => void {
  startWatchdog();
  channel?.write(CREATE_SENT);
  let answered = false;
  return () => {
    if (answered) return;
    answered = true;
    channel?.write(CREATE_ANSWERED);
  };
}
