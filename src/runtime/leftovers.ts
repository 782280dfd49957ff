import { readdirSync, readFileSync } from 'node:fs';
import { pidAlive } from '../util/processes.js';

/**
 * Every process streamchaos starts carries its owner's pid in this variable, so that whatever
 * outlives its owner (the harness was SIGKILLed where the kernel could not tie the child's
 * life to it) can be found and stopped: by the watchdog, or by `streamchaos cleanup`.
 */
export const OWNER_VARIABLE = 'STREAMCHAOS_OWNER_PID';

export interface LeftoverProcess {
  pid: number;
  owner: number;
  command: string;
}

/** The owner pid a process's environment names, read from /proc; undefined for none or when unreadable. */
function ownerOf(pid: string): number | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const entry = environ.split('\0').find((e) => e.startsWith(`${OWNER_VARIABLE}=`));
    return entry === undefined ? undefined : Number(entry.slice(OWNER_VARIABLE.length + 1));
  } catch {
    return undefined;
  }
}

/** Processes started by streamchaos whose owner is gone, or (`owner`) those of one owner. Linux only; elsewhere none. */
export function leftoverProcesses(owner?: number): LeftoverProcess[] {
  if (process.platform !== 'linux') return [];
  const found: LeftoverProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const o = ownerOf(entry);
    if (o === undefined || (owner === undefined ? pidAlive(o) : o !== owner)) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue; // exited meanwhile
    }
    found.push({ pid: Number(entry), owner: o, command });
  }
  return found;
}

/** SIGKILLs each process (and its process group: a node's own children go with it). */
export function killProcesses(processes: readonly LeftoverProcess[]): void {
  for (const p of processes) {
    for (const target of [-p.pid, p.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // not a group leader, or gone already
      }
    }
  }
}
