import { resolve } from 'node:path';
import { isStreamchaosError } from '../errors.js';
import { ExitCode, exitWith } from '../exit-code.js';
import type { Progress } from '../provision/progress.js';
import type { ManagedEnvironmentSpec } from '../schema/environment.js';
import { runExitHooks } from '../util/cleanup-stack.js';
import { envDir, removeEnvState, writeEnvState, type EnvState } from './env-state.js';
import { prepareRuntime } from './choose.js';
import type { StartedEnvironment } from './runtime.js';

/** Messages from the supervisor of an environment to the `env up` command that started it. */
export type SupervisorMessage =
  | { type: 'progress'; kind: keyof Progress; message: string }
  | { type: 'ready'; state: EnvState }
  | { type: 'failed'; message: string; hint?: string; exitCode: ExitCode };

/**
 * Runs in the detached process that owns an environment started by `env up`: starts it, records
 * its state, reports over IPC, then keeps it up until SIGTERM or SIGINT (from `env down`), when
 * it stops every node and removes the state. Local processes are tied to its life (pdeathsig), so
 * even a SIGKILL of the supervisor leaves none running; containers left by a killed supervisor
 * are removed by the next docker-runtime start (reapLeftoverContainers).
 */
export async function superviseEnvironment(spec: ManagedEnvironmentSpec, file: string, timeoutMs: number): Promise<void> {
  const send = (m: SupervisorMessage): void => {
    if (process.connected) process.send?.(m);
  };
  const progress: Progress = {
    step: (message) => send({ type: 'progress', kind: 'step', message }),
    detail: (message) => send({ type: 'progress', kind: 'detail', message }),
    done: (message) => send({ type: 'progress', kind: 'done', message }),
  };
  let env: StartedEnvironment | undefined;
  let stopping = false;
  const stop = async (code: ExitCode): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await runExitHooks();
      await removeEnvState(spec.name);
    }
    exitWith(code);
  };
  process.on('SIGTERM', () => void stop(ExitCode.ok));
  process.on('SIGINT', () => void stop(ExitCode.ok));
  process.on('SIGHUP', () => undefined);
  // until ready, losing the `env up` that waits for us means nobody wants this environment
  const orphaned = (): void => {
    if (env === undefined) void stop(ExitCode.environment);
  };
  process.on('disconnect', orphaned);

  try {
    const runtime = await prepareRuntime(spec, progress);
    env = await runtime.up(spec, { dir: envDir(spec.name), progress, timeoutMs, log: (line) => console.log(line), owner: `env-${spec.name}` });
    const state: EnvState = {
      name: spec.name,
      file: resolve(file),
      runtime: env.runtime,
      kafkaVersion: spec.kafka.version,
      supervisorPid: process.pid,
      startedAt: new Date().toISOString(),
      dir: env.dir,
      bootstrap: env.topology.bootstrap,
      observer: env.topology.observer,
      toxiproxy: env.topology.toxiproxyApi,
      topics: spec.topics.map((t) => t.name),
      nodes: env.nodes().map((n) => ({ name: n.name, pid: n.pid, ...(n.container === undefined ? {} : { container: n.container }), log: n.log })),
    };
    await writeEnvState(state);
    send({ type: 'ready', state });
    process.off('disconnect', orphaned);
    if (process.connected) process.disconnect();
  } catch (e) {
    console.error(e);
    if (isStreamchaosError(e)) send({ type: 'failed', message: e.message, hint: e.hint, exitCode: e.exitCode });
    else send({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e), exitCode: ExitCode.environment });
    await stop(ExitCode.environment);
  }
}
