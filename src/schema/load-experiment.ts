/**
 * Public entry points: read an experiment file (and the environment it names), validate it
 * all, and return an ExperimentSpec with every default filled in and every time in ms.
 */
import { InvalidInputError, type InputIssue } from '../errors.js';
import { Collector } from './collector.js';
import type { EnvironmentSpec } from './environment.js';
import { resolveEnvironment } from './experiment-environment.js';
import { experimentFields, type ExperimentSpec } from './experiment.js';
import { inputIssue, sortIssues } from './issues.js';
import { parseEnvironment } from './load-environment.js';
import { defaultName, readSpecFile } from './read-input-file.js';
import { parseTimeline } from './fault-timeline.js';
import { field } from './view.js';
import { parseWorkload } from './workload.js';
import { parseYaml, readYaml } from './yaml-source.js';

const WHAT = 'a mapping of experiment fields (name, environment, duration, workload, timeline, steadyState, slos)';

/**
 * Parses and validates the text of an experiment file. `file` is used in messages, for the
 * default name, and to find a referenced environment file (relative to its directory).
 *
 * Throws InvalidInputError listing every problem found, of the experiment file (in file order)
 * and then of its environment file, each as file:line:column: path: message. Never throws
 * anything else for any input text.
 */
export async function parseExperiment(text: string, file: string): Promise<ExperimentSpec> {
  const read = readYaml(text, file, 'an experiment file');
  if (!read.ok) throw new InvalidInputError(sortIssues(read.issues));
  const data = read.source.data;
  if (data === null || data === undefined) {
    const message = 'the file is empty; an experiment needs at least an environment, a duration and a workload with producers';
    throw new InvalidInputError([...read.issues, inputIssue({ file, line: 1, column: 1, path: '', message })]);
  }
  const c = new Collector(read.source);
  c.issues.push(...read.issues);
  const top = c.fields(experimentFields, data, [], WHAT);
  if (top === undefined) throw new InvalidInputError(c.issues);
  const name = top.values.name ?? defaultName(file, 'experiment');
  const environment = await resolveEnvironment(c, field(data, 'environment'), file, name);
  const { workload, processors } = parseWorkload(c, field(data, 'workload'), environment.spec);
  const timeline = parseTimeline(c, field(data, 'timeline'), { env: environment.spec, processors, durationMs: top.values.duration });
  const slos = top.values.slos;
  if (slos !== undefined && workload !== undefined && workload.processor === undefined && (workload.consumers ?? []).length === 0) {
    for (const name of ['maxLag', 'lagRecoveredWithinSeconds'] as const) {
      if (slos[name] !== undefined) {
        c.add(
          ['slos', name],
          `${name} holds the lag of a consumer group, and this workload has none: add a processor or workload.consumers, e.g. [{ topic: ${workload.producers[0]?.topic ?? 'orders'} }]`,
        );
      }
    }
  }
  const issues: InputIssue[] = [...sortIssues(c.issues), ...sortIssues(environment.issues)];
  const all = top.all;
  if (issues.length > 0 || all === undefined || environment.spec === undefined || workload === undefined || timeline === undefined) {
    throw new InvalidInputError(issues);
  }
  return {
    name,
    ...(all.description === undefined ? {} : { description: all.description }),
    file,
    environment: environment.spec,
    ...(environment.file === undefined ? {} : { environmentFile: environment.file }),
    seed: all.seed,
    durationMs: all.duration,
    workload,
    timeline,
    steadyState: all.steadyState,
    slos: all.slos,
    ...(all.runbook === undefined ? {} : { runbook: all.runbook }),
  };
}

/**
 * Reads and parses the experiment file at `file`.
 * Throws UsageError naming the path when the file cannot be read, and InvalidInputError (see
 * parseExperiment) when its content, or that of its environment file, is invalid.
 */
export async function loadExperiment(file: string): Promise<ExperimentSpec> {
  const text = await readSpecFile(file, 'experiment file', 'pass the path of an experiment file, e.g. experiments/leader-kill.yaml');
  return parseExperiment(text, file);
}

/**
 * Reads an environment or an experiment file, telling them apart by content: a mapping with
 * `timeline` or `workload` is an experiment, anything else an environment.
 * Throws as loadEnvironment and loadExperiment do.
 */
export async function loadSpecFile(file: string): Promise<{ kind: 'environment'; spec: EnvironmentSpec } | { kind: 'experiment'; spec: ExperimentSpec }> {
  const text = await readSpecFile(file, 'environment or experiment file', 'pass the path of an environment or experiment file');
  return isExperiment(text) ? { kind: 'experiment', spec: await parseExperiment(text, file) } : { kind: 'environment', spec: parseEnvironment(text, file) };
}

/** Whether the (first) document of `text` is a mapping with `timeline` or `workload`; tolerates broken YAML. */
export function isExperiment(text: string): boolean {
  try {
    const parsed = parseYaml(text);
    // a document too deep to be read is told apart by its top-level keys, as they are written
    if (!('doc' in parsed)) return /^(timeline|workload)[ \t]*:/m.test(text);
    return parsed.doc.has('timeline') || parsed.doc.has('workload');
  } catch {
    return false;
  }
}
