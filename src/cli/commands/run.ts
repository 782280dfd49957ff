import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_CATEGORIES, type CheckCategory } from '../../check/result.js';
import { UsageError } from '../../errors.js';
import { type ExitCode, exitCodeOfVerdict } from '../../exit-code.js';
import { didYouMean } from '../../schema/suggest.js';
import { runExperiment } from '../../experiment/runner.js';
import { parseRuntime, prepareRuntime } from '../../runtime/choose.js';
import { parseDuration } from '../../schema/duration.js';
import { loadExperiment } from '../../schema/load-experiment.js';
import { safetyGate } from '../../experiment/safety-gate.js';
import { confirmExternalRun } from '../confirm.js';
import { terminalProgress } from '../output.js';
import { printSummary } from '../summary.js';
import { printable, terminalJson } from '../../util/printable.js';
import { checkSeed } from '../seed.js';

export interface RunArgs {
  file: string;
  seed?: number;
  out?: string;
  json: boolean;
  /** `--fail-on`: 'all' or a comma list of check categories. */
  failOn?: string;
  /** `--runtime`: overrides the environment file's runtime. */
  runtime?: string;
  /** `--deadline`: the run's overall deadline, a duration (`30m`, `1h`, `90s`, or seconds); a default from the experiment when absent. */
  deadline?: string;
  /** `--yes`: confirms the faults of a run against an external environment. */
  yes?: boolean;
  /** `--dry-run`: run the workload and every check, inject no fault. */
  dryRun?: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * `streamchaos run`: one experiment end to end. Exit 0 when every check held, 1 when one failed;
 * 3 (a DeadlineError) when the run passed its deadline.
 */
export async function run(args: RunArgs): Promise<ExitCode> {
  checkSeed(args.seed);
  const failOn = parseFailOn(args.failOn);
  const deadlineMs = parseDeadline(args.deadline);
  const runtimeName = parseRuntime(args.runtime);
  const spec = await loadExperiment(args.file);
  const dryRun = args.dryRun === true;
  // before anything touches the cluster: a run against an external environment needs a confirmation
  const gate = safetyGate({
    environment: spec.environment,
    dryRun,
    yes: args.yes === true,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
  });
  if (gate.action === 'refuse') throw new UsageError(gate.message, { hint: gate.hint });
  if (gate.action === 'ask' && !(await confirmExternalRun(spec))) {
    throw new UsageError(`not confirmed: nothing was done to ${gate.environment}`, { hint: 'type the environment name exactly, or pass --yes' });
  }
  const seed = args.seed ?? spec.seed;
  const outDir = args.out ?? join('reports', `${timestamp()}-${spec.name}`);
  mkdirSync(outDir, { recursive: true });
  const harnessLog = join(outDir, 'harness.log');
  const progress = terminalProgress();
  const runtime = await prepareRuntime(spec.environment, progress, runtimeName);
  const { result } = await runExperiment(spec, {
    outDir,
    seed,
    runtime,
    progress,
    command: `streamchaos run ${args.file} --seed ${seed}${failOn === undefined ? '' : ` --fail-on ${failOn.join(',')}`}${runtimeName === undefined ? '' : ` --runtime ${runtimeName}`}${args.deadline === undefined ? '' : ` --deadline ${args.deadline.trim()}`}${dryRun ? ' --dry-run' : ''}`,
    version: version(),
    log: (line) => appendFileSync(harnessLog, `${new Date().toISOString()} ${line}\n`),
    ...(failOn === undefined ? {} : { failOn }),
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    dryRun,
    confirmedExternal: true, // the gate above let it through (--yes or typed), or it is not external
  });
  if (args.json) process.stdout.write(`${terminalJson(result)}\n`);
  else printSummary(result, outDir);
  return exitCodeOfVerdict(result.verdict);
}

/** `--fail-on all` (or nothing) blocks on every check; otherwise a comma list of categories. */
export function parseFailOn(value: string | undefined): CheckCategory[] | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return undefined;
  const names = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const known: readonly string[] = CHECK_CATEGORIES;
  for (const n of names) {
    if (!known.includes(n))
      throw new UsageError(`--fail-on: '${printable(n, 60)}' is not a kind of check${n.length <= 64 ? didYouMean(n, CHECK_CATEGORIES) : ''}`, {
        hint: `use 'all' or a comma list of: ${CHECK_CATEGORIES.join(', ')}`,
      });
  }
  return names as CheckCategory[];
}

/** `--deadline 30m` → milliseconds; undefined when absent. A duration as experiment files write them, longer than 0. */
export function parseDeadline(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const parsed = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  const problem = typeof parsed !== 'number' ? parsed.problem : parsed === 0 ? 'must be longer than 0' : undefined;
  if (problem !== undefined) {
    throw new UsageError(`--deadline: ${problem}`, {
      hint: "give the run's overall deadline as a duration, e.g. --deadline 20m, --deadline 1h30m or --deadline 900 (seconds)",
    });
  }
  return parsed as number;
}
