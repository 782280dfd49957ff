import { fork } from 'node:child_process';
import { ExitCode } from '../../exit-code.js';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeKafka } from '../../cluster/probe.js';
import { EnvironmentError, TimeoutError } from '../../errors.js';
import { ensureTools } from '../../provision/tools.js';
import { parseRuntime, type RuntimeName } from '../../runtime/choose.js';
import { managedOnly, type EnvironmentSpec, type ManagedEnvironmentSpec } from '../../schema/environment.js';
import { envDir, listEnvStates, readEnvState, removeEnvState, type EnvState } from '../../runtime/env-state.js';
import { pidAlive } from '../../util/processes.js';
import { printable } from '../../util/printable.js';
import type { SupervisorMessage } from '../../runtime/supervisor.js';
import { loadEnvironment } from '../../schema/load-environment.js';
import { sleep, withTimeout } from '../../util/time.js';
import { count } from '../../util/words.js';
import { c, terminalProgress } from '../output.js';

const BIN = fileURLToPath(new URL('../../../bin/streamchaos.js', import.meta.url));
/** Beyond its `--timeout`, what `env up` allows its supervisor: connecting, creating link proxies, tearing down a failed start. */
const SUPERVISOR_MARGIN_MS = 120_000;
/** A Docker engine may first pull images (each pull is bounded at 10 min). */
const PULL_MS = 600_000;

/** The JSON `env up --json` and `env status --json` print for each environment. */
type EnvSummary = Pick<EnvState, 'name' | 'bootstrap' | 'observer' | 'toxiproxy' | 'kafkaVersion' | 'topics' | 'dir' | 'supervisorPid' | 'nodes'>;

function summary(state: EnvState): EnvSummary {
  return {
    name: state.name,
    bootstrap: state.bootstrap,
    observer: state.observer,
    toxiproxy: state.toxiproxy,
    kafkaVersion: state.kafkaVersion,
    topics: state.topics,
    dir: state.dir,
    supervisorPid: state.supervisorPid,
    nodes: state.nodes,
  };
}

function printState(state: EnvState): void {
  process.stdout.write(
    [
      `${c.bold(printable(state.name))} is up (Kafka ${state.kafkaVersion}, ${count(state.nodes.filter((n) => n.name.startsWith('broker-')).length, 'broker')})`,
      `  bootstrap  ${state.bootstrap}   ${c.dim('(clients: through the client link proxies)')}`,
      `  observer   ${state.observer}   ${c.dim('(direct, no proxy)')}`,
      `  toxiproxy  ${state.toxiproxy}`,
      `  topics     ${printable(state.topics.join(', '), 2000) || '(none)'}`,
      `  logs       ${printable(state.dir)}`,
      `stop it with: streamchaos env down ${printable(state.name)}`,
      '',
    ].join('\n'),
  );
}

/**
 * `env up`: starts the environment in a detached supervisor process that outlives this command,
 * waits until it is healthy, prints how to reach it. Ctrl-C while waiting stops it again.
 */
export async function envUp(args: { file: string; json: boolean; timeout: number; runtime?: string }): Promise<ExitCode> {
  const runtime = parseRuntime(args.runtime);
  const spec = withRuntime(await loadEnvironment(args.file), runtime);
  const existing = await readEnvState(spec.name);
  if (existing !== undefined && pidAlive(existing.supervisorPid)) {
    if (args.json) process.stdout.write(`${JSON.stringify(summary(existing), null, 2)}\n`);
    else printState(existing);
    process.stderr.write(`${c.yellow('note:')} ${printable(spec.name)} was already up; nothing started\n`);
    return ExitCode.ok;
  }
  const progress = terminalProgress();
  if (spec.runtime === 'process') await ensureTools(spec.kafka.version, progress);

  const dir = envDir(spec.name);
  await mkdir(dir, { recursive: true });
  const logFd = openSync(join(dir, 'supervisor.log'), 'w');
  const child = fork(BIN, ['env', 'serve', args.file, '--timeout', String(args.timeout), ...(runtime === undefined ? [] : ['--runtime', runtime])], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  closeSync(logFd);
  const interrupt = (): void => {
    process.stderr.write('\ninterrupted: stopping the environment\n');
    child.kill('SIGTERM');
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const ready = new Promise<EnvState>((resolve, reject) => {
      child.on('message', (m: SupervisorMessage) => {
        if (m.type === 'progress') progress[m.kind](m.message);
        else if (m.type === 'ready') resolve(m.state);
        else reject(new EnvironmentError(m.message, m.hint === undefined ? undefined : { hint: m.hint }));
      });
      child.on('exit', (code, signal) =>
        reject(
          new EnvironmentError(`the environment's supervisor exited (${signal ?? `code ${code}`}) before it was ready; see ${join(dir, 'supervisor.log')}`),
        ),
      );
    });
    const limit = args.timeout * 1000 + SUPERVISOR_MARGIN_MS + (spec.runtime === 'docker' ? PULL_MS : 0);
    const state = await withTimeout(ready, limit, `${spec.name} to be up (its supervisor to say it is ready; see ${join(dir, 'supervisor.log')})`).catch(
      (e: unknown) => {
        if (e instanceof TimeoutError && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // it stops what it started
        throw e;
      },
    );
    if (args.json) process.stdout.write(`${JSON.stringify(summary(state), null, 2)}\n`);
    else printState(state);
    return ExitCode.ok;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/** `env serve` (hidden): the supervisor side of `env up`. */
export async function envServe(args: { file: string; timeout: number; runtime?: string }): Promise<ExitCode> {
  const { superviseEnvironment } = await import('../../runtime/supervisor.js');
  const spec = withRuntime(await loadEnvironment(args.file), parseRuntime(args.runtime));
  await superviseEnvironment(spec, args.file, args.timeout * 1000);
  return new Promise<ExitCode>(() => undefined); // runs until `env down` signals it
}

/** `env down [name]`: stops the named environment, or every one that is up. Idempotent. */
export async function envDown(args: { name?: string; timeout: number }): Promise<ExitCode> {
  const states = args.name === undefined ? await listEnvStates() : [await readEnvState(args.name)].filter((s): s is EnvState => s !== undefined);
  if (states.length === 0) {
    process.stdout.write(args.name === undefined ? 'no environment is up\n' : `${printable(args.name)} is not up\n`);
    return ExitCode.ok;
  }
  for (const state of states) {
    await stopEnvironment(state, args.timeout * 1000);
    process.stdout.write(`${c.green('✓')} stopped ${printable(state.name)}\n`);
  }
  return ExitCode.ok;
}

async function stopEnvironment(state: EnvState, timeoutMs: number): Promise<void> {
  if (pidAlive(state.supervisorPid)) {
    process.kill(state.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (pidAlive(state.supervisorPid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(state.supervisorPid)) process.kill(state.supervisorPid, 'SIGKILL');
  }
  // the nodes die with their supervisor (pdeathsig); make sure of it
  for (const node of state.nodes) {
    if (node.pid !== undefined && pidAlive(node.pid)) {
      try {
        process.kill(-node.pid, 'SIGKILL');
      } catch {
        // gone in the meantime
      }
    }
  }
  await removeEnvState(state.name);
}

/** `env status`: every environment with its nodes, each checked now. */
export async function envStatus(args: { json: boolean }): Promise<ExitCode> {
  const states = await listEnvStates();
  const report = await Promise.all(
    states.map(async (s) => {
      const observers = s.observer.split(',');
      const brokers = await Promise.all(
        s.nodes
          .filter((n) => n.name.startsWith('broker-'))
          .map(async (n, i) => ({ name: n.name, pid: n.pid, container: n.container, answering: await probeKafka(observers[i] ?? '', 1000) })),
      );
      const toxiproxy = await fetch(`${s.toxiproxy}/version`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      return { ...summary(s), up: pidAlive(s.supervisorPid), brokers, toxiproxyAnswering: toxiproxy };
    }),
  );
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (report.length === 0) {
    process.stdout.write('no environment is up\n');
    return ExitCode.ok;
  }
  for (const r of report) {
    process.stdout.write(`${c.bold(printable(r.name))} ${r.up ? c.green('up') : c.red('supervisor gone')}  bootstrap ${printable(r.bootstrap)}\n`);
    for (const b of r.brokers)
      process.stdout.write(
        `  ${b.answering ? c.green('●') : c.red('○')} ${b.name} ${b.container === undefined ? `pid ${b.pid ?? '-'}` : `container ${b.container.slice(0, 12)}`} ${b.answering ? 'answering' : 'not answering'}\n`,
      );
    process.stdout.write(`  ${r.toxiproxyAnswering ? c.green('●') : c.red('○')} toxiproxy ${printable(r.toxiproxy)}\n`);
  }
  for (const r of report) if (!r.up) await removeEnvState(r.name);
  return ExitCode.ok;
}

/** The environment to start, with `--runtime` applied; an external one is refused (streamchaos starts nothing there). */
function withRuntime(environment: EnvironmentSpec, runtime: RuntimeName | undefined): ManagedEnvironmentSpec {
  const spec = managedOnly(environment, runtime === undefined ? 'env up' : `env up --runtime ${runtime}`);
  return runtime === undefined ? spec : { ...spec, runtime };
}
