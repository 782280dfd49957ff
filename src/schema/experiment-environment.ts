/**
 * The `environment` of an experiment: a path to an environment file (relative to the
 * experiment file), or an environment written inline with the environment-file schema.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { InvalidInputError, UsageError, type InputIssue } from '../errors.js';
import type { Collector } from './collector.js';
import { environmentSchema, type EnvironmentSpec } from './environment.js';
import { describeValue } from './fields.js';
import { externalEnvironmentSchema } from './external-environment.js';
import { isExternal, loadEnvironment } from './load-environment.js';
import { isRecord } from './view.js';

export interface ResolvedEnvironment {
  /** Undefined when the environment is invalid or could not be read (reported). */
  spec: EnvironmentSpec | undefined;
  /** The environment file, for a referenced one. */
  file?: string;
  /** Problems inside the referenced environment file, located in that file. */
  issues: InputIssue[];
}

const EXPECTED = 'the path of an environment file (relative to this file) or an inline environment mapping';

/**
 * Reads the `environment` field (raw data) of `experimentFile`. Problems of an inline
 * environment and of the reference itself go to `c`; problems inside a referenced file are
 * returned apart, since they point into that file. An inline environment without a name takes
 * `defaultName` (the experiment's name).
 */
export async function resolveEnvironment(c: Collector, raw: unknown, experimentFile: string, defaultName: string): Promise<ResolvedEnvironment> {
  if (typeof raw === 'string') return referenced(c, raw, experimentFile);
  if (!isRecord(raw)) {
    c.add(['environment'], raw === undefined ? `missing; expected ${EXPECTED}` : `expected ${EXPECTED}, received ${describeValue(raw)}`);
    return { spec: undefined, issues: [] };
  }
  if (isExternal(raw)) {
    const parsed = c.value(externalEnvironmentSchema, raw, ['environment']);
    if (parsed === undefined) return { spec: undefined, issues: [] };
    const { name, ...rest } = parsed;
    return { spec: { name: name ?? defaultName, ...rest }, issues: [] };
  }
  const parsed = c.value(environmentSchema, raw, ['environment']);
  if (parsed === undefined) return { spec: undefined, issues: [] };
  const { name, ...rest } = parsed;
  return { spec: { name: name ?? defaultName, ...rest }, issues: [] };
}

async function referenced(c: Collector, reference: string, experimentFile: string): Promise<ResolvedEnvironment> {
  if (reference.trim() === '') {
    c.add(['environment'], `expected ${EXPECTED}, received an empty string`);
    return { spec: undefined, issues: [] };
  }
  const file = isAbsolute(reference) ? reference : join(dirname(experimentFile), reference);
  try {
    return { spec: await loadEnvironment(file), file, issues: [] };
  } catch (error) {
    if (error instanceof InvalidInputError) return { spec: undefined, file, issues: [...error.issues] };
    if (!(error instanceof UsageError)) throw error;
    // only where the path may be the mistake: a FIFO or a binary file is refused for what it is
    const notFound = error.message.includes(' not found: ');
    const relative = isAbsolute(reference) || !notFound ? '' : "; the path is relative to the experiment file's directory";
    c.add(['environment'], `${error.message}${relative}`);
    return { spec: undefined, file, issues: [] };
  }
}
