import { CHECK_CATEGORIES } from '../check/result.js';
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { EXIT_CODES_HELP, ExitCode, exitCodeOfSignal, exitWith } from '../exit-code.js';
import { DEFAULT_KAFKA_VERSION } from '../provision/kafka.js';
import { hasExitHooks, interrupt, interruptedBy, runExitHooks } from '../util/cleanup-stack.js';
import { printError } from './output.js';

const DEFAULT_ENV = 'environments/local-3.yaml';

/**
 * The command line. Each command lives in its own module under commands/, imported lazily,
 * callable without yargs. Every command resolves to an exit code; errors map to exit codes
 * through errors.ts, and only a bug shows a stack trace.
 */
/**
 * kafkajs unrefs a socket that is still connecting each time it gives up on it, and Node warns
 * about the listeners that piles up (MaxListenersExceededWarning, "connect listeners added to
 * [Socket]") while a fault refuses connections. It is harmless and not the user's business;
 * every other warning is printed as Node would.
 */
function quietKnownWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'MaxListenersExceededWarning' && w.message.includes('connect listeners added to [Socket]')) return;
    process.stderr.write(`${w.name}: ${w.message}\n`);
  });
}

/** The program: runs the command, then ends the process with its exit code. */
export function runCli(argv: readonly string[]): void {
  void main(argv).then(exitWith);
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  quietKnownWarnings();
  let exitCode: ExitCode = ExitCode.ok;
  const run = (action: () => Promise<ExitCode>) => async (): Promise<void> => {
    exitCode = await action();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy() !== undefined) return;
    if (!hasExitHooks()) {
      // nothing was started (validate, plan, report, a run still reading its files): nothing to heal or stop
      process.stderr.write(`\n${signal}: interrupted; nothing had been started\n`);
      exitWith(exitCodeOfSignal(signal));
    }
    process.stderr.write(`\n${signal}: healing every fault and stopping everything…\n`);
    void interrupt(signal).then((late) => {
      process.stderr.write(
        late.length === 0
          ? 'stopped: nothing of this run is left running\n'
          : `stopped, but ${late.join(' and ')} did not finish in time: the watchdog removes what is left once this process has exited (or run \`streamchaos cleanup\`)\n`,
      );
      exitWith(exitCodeOfSignal(signal));
    });
  };
  const isServe = argv[0] === 'env' && argv[1] === 'serve';
  if (!isServe) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const cli = yargs([...argv])
    .scriptName('streamchaos')
    .usage('$0 <command> [options]\n\nChaos engineering and resilience testing for Apache Kafka: real brokers, real Toxiproxy, a verdict you can trust.')
    .command(
      'setup',
      'Install (or find) Kafka and Toxiproxy into the cache, and with --docker build local images; fast once cached',
      (y) =>
        y
          .option('kafka-version', { type: 'string', default: DEFAULT_KAFKA_VERSION, describe: 'Kafka version to provision' })
          .option('docker', {
            type: 'boolean',
            default: false,
            describe:
              'also build local Docker images equivalent to apache/kafka, shopify/toxiproxy and node:20-slim from files on this machine (no registry needed)',
          })
          .example('$0 setup', `fetch Kafka ${DEFAULT_KAFKA_VERSION} from Maven Central and build toxiproxy-server`)
          .example('KAFKA_HOME=/opt/kafka $0 setup', 'use an existing Kafka installation instead')
          .example('$0 setup --docker', 'and build the images the Docker runtime uses (cached afterwards)'),
      (a) => run(async () => (await import('./commands/setup.js')).setup({ kafkaVersion: a.kafkaVersion, docker: a.docker }))(),
    )
    .command(
      'doctor',
      'Check Node, Java, Kafka, Toxiproxy and Docker, and say what to fix',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print findings as JSON' }).example('$0 doctor', 'is this machine ready?'),
      (a) => run(async () => (await import('./commands/doctor.js')).doctor({ json: a.json }))(),
    )
    .command(
      'run <file>',
      'Run an experiment end to end and give the verdict (exit 0 pass, 1 fail, 3 past its deadline)',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'experiment file' })
          .option('seed', { type: 'number', describe: "override the experiment's seed" })
          .option('out', { type: 'string', describe: 'output folder (default reports/<time>-<name>/)' })
          .option('json', { type: 'boolean', default: false, describe: 'print result.json on stdout' })
          .option('fail-on', {
            type: 'string',
            default: 'all',
            describe: `which kinds of check fail the run (exit 1); the others are reported as warnings. 'all', or a comma list of: ${CHECK_CATEGORIES.join(', ')}`,
          })
          .option('runtime', {
            type: 'string',
            describe: "how to run the nodes, overriding the environment's runtime: process (local JVMs, the default) or docker (containers)",
          })
          .option('deadline', {
            type: 'string',
            describe:
              "the run's overall deadline, e.g. 20m, 1h30m or 900 (seconds); past it the run heals every fault, tears everything down, writes what it recorded and exits 3. Default: a generous sum of the experiment's phases",
          })
          .option('yes', {
            type: 'boolean',
            default: false,
            describe:
              'confirm the faults of a run against an external environment (marked nonProduction: true); without it, a terminal asks, and a run without a terminal is refused',
          })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'run the workload and every check, and inject no fault (the output and the report say so)',
          })
          .example('$0 run experiments/leader-kill.yaml', 'kill the leader of orders-0 under load, verify exactly-once')
          .example('$0 run experiments/leader-kill.yaml --seed 7 --out /tmp/run', 'another seed, a chosen folder')
          .example('$0 run experiments/leader-kill.yaml --fail-on exactly-once,order', 'a CI gate that blocks on correctness only')
          .example('$0 run experiments/leader-kill.yaml --runtime docker', 'the same experiment with every node in a container')
          .example('$0 run experiments/leader-kill.yaml --deadline 15m', 'a CI job that must end within 15 minutes, whatever hangs')
          .example('$0 run gameday.yaml --yes', 'against a staging cluster (runtime: external): confirm its faults up front'),
      (a) =>
        run(async () =>
          (await import('./commands/run.js')).run({
            file: a.file,
            seed: a.seed,
            out: a.out,
            json: a.json,
            failOn: a.failOn,
            runtime: a.runtime,
            deadline: a.deadline,
            yes: a.yes,
            dryRun: a.dryRun,
          }),
        )(),
    )
    .command(
      'cleanup',
      'Remove what earlier runs left behind when they were killed: processes, containers, environment state',
      (y) =>
        y
          .option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' })
          .option('json', { type: 'boolean', default: false, describe: 'print what was found as JSON' })
          .example('$0 cleanup', 'after a run was killed with kill -9')
          .example('$0 cleanup --dry-run', 'see what is left, remove nothing'),
      (a) => run(async () => (await import('./commands/cleanup.js')).cleanup({ dryRun: a.dryRun, json: a.json }))(),
    )
    .command(
      'report <run-dir>',
      'Judge a run again from its history.jsonl, as the live run did, and write result.json, junit.xml and report.html; a run that never finished is unknown',
      (y) =>
        y
          .positional('run-dir', { type: 'string', demandOption: true, describe: 'the folder of a run, e.g. reports/20261124-101500-leader-kill' })
          .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
          .option('fail-on', {
            type: 'string',
            describe: `which kinds of check fail the run (default: what the run was given, else all): ${CHECK_CATEGORIES.join(', ')}`,
          })
          .example('$0 report reports/20261124-101500-leader-kill', 'judge the run again and write its reports'),
      (a) =>
        run(async () =>
          (await import('./commands/report.js')).report({ dir: a.runDir, json: a.json, ...(a.failOn === undefined ? {} : { failOn: a.failOn }) }),
        )(),
    )
    .command(
      'plan <file>',
      'Print the resolved timeline and targets of an experiment, without starting anything',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'experiment file' })
          .option('seed', { type: 'number', describe: "override the experiment's seed" })
          .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON' })
          .example('$0 plan experiments/leader-kill.yaml', 'what would run, when, against what'),
      (a) => run(async () => (await import('./commands/plan.js')).plan({ file: a.file, seed: a.seed, json: a.json }))(),
    )
    .command(
      'validate <files..>',
      'Check experiment and environment files without starting anything; every problem, with file:line and field',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true, describe: 'files to check' })
          .example('$0 validate environments/*.yaml', 'check every shipped environment'),
      (a) => run(async () => (await import('./commands/validate.js')).validate({ files: a.files }))(),
    )
    .command('env', 'Start, inspect and stop an environment to play with by hand', (y) => envCommands(y, run))
    .example('$0 setup', 'fetch Kafka and build Toxiproxy once (cached afterwards)')
    .example('$0 env up', 'start the default 3-broker environment and leave it running')
    .example('$0 validate environments/*.yaml', 'check files without starting anything')
    .epilogue(`${EXIT_CODES_HELP}\nDocs: README.md`)
    .demandCommand(1, 'Name a command; see the list above.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err !== undefined && err !== null) throw err;
      throw new UsageError(msg ?? 'invalid usage', { hint: 'see `streamchaos --help`' });
    });

  try {
    await cli.parseAsync();
  } catch (e) {
    // after an interruption, what failed is what was being torn down: not worth a message
    if (interruptedBy() === undefined) exitCode = printError(e);
    await runExitHooks();
  }
  const signal = interruptedBy();
  if (signal !== undefined) {
    await interrupt(signal); // the command ended while its teardown runs: wait for it, then exit as interrupted
    exitCode = exitCodeOfSignal(signal);
  }
  return exitCode;
}

type Runner = (action: () => Promise<ExitCode>) => () => Promise<void>;

function envCommands(y: Argv, run: Runner): Argv {
  return y
    .command(
      'up [file]',
      'Start an environment and leave it running (brokers, Toxiproxy, link proxies)',
      (b) =>
        b
          .positional('file', { type: 'string', default: DEFAULT_ENV, describe: 'environment file' })
          .option('json', { type: 'boolean', default: false, describe: 'print bootstrap, observer and toxiproxy addresses as JSON' })
          .option('timeout', { type: 'number', default: 180, describe: 'seconds to wait for the cluster to be healthy' })
          .option('runtime', { type: 'string', describe: "process or docker, overriding the environment file's runtime" })
          .example('$0 env up', `start ${DEFAULT_ENV}`)
          .example('$0 env up --runtime docker', 'the same, every node a container')
          .example('$0 env up environments/single.yaml --json', 'one broker; machine-readable addresses')
          .example('kcat -L -b $($0 env status --json | jq -r ".[0].bootstrap")', 'point any client at it'),
      (a) =>
        run(async () => (await import('./commands/env.js')).envUp({ file: a.file ?? DEFAULT_ENV, json: a.json, timeout: a.timeout, runtime: a.runtime }))(),
    )
    .command(
      'status',
      'Show the environments that are up and whether each node answers',
      (b) => b.option('json', { type: 'boolean', default: false, describe: 'print as JSON' }).example('$0 env status', ''),
      (a) => run(async () => (await import('./commands/env.js')).envStatus({ json: a.json }))(),
    )
    .command(
      'down [name]',
      'Stop an environment (all of them when no name is given); safe to repeat',
      (b) =>
        b
          .positional('name', { type: 'string', describe: 'environment name (its `name:` field, or the file name)' })
          .option('timeout', { type: 'number', default: 60, describe: 'seconds to wait for a clean stop before killing' })
          .example('$0 env down', 'stop everything env up started')
          .example('$0 env down local-3', 'stop one environment'),
      (a) => run(async () => (await import('./commands/env.js')).envDown({ name: a.name, timeout: a.timeout }))(),
    )
    .command(
      'serve <file>',
      false, // internal: the supervisor process `env up` starts
      (b) =>
        b.positional('file', { type: 'string', demandOption: true }).option('timeout', { type: 'number', default: 180 }).option('runtime', { type: 'string' }),
      (a) => run(async () => (await import('./commands/env.js')).envServe({ file: a.file, timeout: a.timeout, runtime: a.runtime }))(),
    )
    .demandCommand(1, 'Name an env command: up, status or down.');
}
