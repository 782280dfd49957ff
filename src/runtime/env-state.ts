import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../provision/cache.js';

/** What `env up` leaves behind so `env status` and `env down` can find a running environment. */
export interface EnvState {
  name: string;
  file: string;
  runtime: string;
  kafkaVersion: string;
  /** The process that owns the environment; its nodes die with it. */
  supervisorPid: number;
  startedAt: string;
  dir: string;
  bootstrap: string;
  observer: string;
  toxiproxy: string;
  topics: string[];
  nodes: { name: string; pid: number | undefined; container?: string; log: string }[];
}

export function envsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'envs');
}

export function envDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(envsDir(env), name);
}

function stateFile(name: string, env: NodeJS.ProcessEnv): string {
  return join(envDir(name, env), 'state.json');
}

export async function writeEnvState(state: EnvState, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = stateFile(state.name, env);
  await mkdir(envDir(state.name, env), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function readEnvState(name: string, env: NodeJS.ProcessEnv = process.env): Promise<EnvState | undefined> {
  const file = stateFile(name, env);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as EnvState;
  } catch {
    return undefined;
  }
}

/** Every environment with a state file, running or not. */
export async function listEnvStates(env: NodeJS.ProcessEnv = process.env): Promise<EnvState[]> {
  const dir = envsDir(env);
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  const states = await Promise.all(names.map((n) => readEnvState(n, env)));
  return states.filter((s): s is EnvState => s !== undefined);
}

export async function removeEnvState(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(stateFile(name, env), { force: true });
}
