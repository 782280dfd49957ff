/**
 * Settings checked as their target will read them. `brokers.config` becomes server.properties,
 * which Kafka reads with java.util.Properties: a name ends at the first unescaped space, tab,
 * '=' or ':', a line starting with '#' or '!' is a comment, a backslash escapes, a line break
 * (CR or LF) ends the setting and a trailing backslash joins the next line. So a name with a
 * space, a colon or a line break would set *another* setting (`broker.id`, `log.dir`…): refused
 * here, at its line, and escaped anyway where the file is written (runtime/broker-config.ts).
 * Topic configs go to Kafka one line each. A processor's `env` becomes environment variables:
 * POSIX names, and no NUL in a value (the OS ends the value there; Node refuses to start it).
 */
import { z } from 'zod';
import { printable } from '../util/printable.js';
import { MANAGED_BROKER_CONFIGS } from './broker-rules.js';
import { credentialsInUrlMessage, isSecretConfigName, isSecretVariableName, SECRETS_BY_NAME, textHasUrlCredentials } from './credentials.js';
import { expected } from './fields.js';
import { count, LIMITS } from './limits.js';
import { isRecord } from './view.js';

export interface SettingProblem {
  message: string;
  /** The problem is the name (the issue points at the key). */
  atKey: boolean;
}

/** What a line break or a control character in a name or value would do, per target. */
const LINE_BREAK = /[\r\n]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A Kafka config name: letters, digits, '.', '_' and '-', as every name Kafka defines is written. */
const CONFIG_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** A POSIX environment variable name. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const shown = (text: string): string => `'${printable(text, 64)}'`;

/** What is wrong with `name` as a server.properties name, in terms of what Kafka would read, or undefined. */
export function propertyNameProblem(name: string): string | undefined {
  if (name === '') return "an empty name: server.properties would hold a line '=value', a setting without a name";
  if (name.length > LIMITS.nameLength) return `a name of ${count(name.length)} characters; Kafka config names are at most ${LIMITS.nameLength}`;
  if (LINE_BREAK.test(name)) {
    return `${shown(name)} holds a line break: server.properties would hold it as two lines, and Kafka would read the second one as a setting of its own`;
  }
  const end = /[ \t\f=:]/.exec(name);
  if (end !== null) {
    const read = name.slice(0, end.index);
    const managed = MANAGED_BROKER_CONFIGS.includes(read) ? ', which streamchaos sets itself' : '';
    const what = ({ ' ': 'a space', '\t': 'a tab', '\f': 'a form feed' } as Record<string, string>)[end[0]] ?? `'${end[0]}'`;
    return `${shown(name)} holds ${what}: Kafka's properties reader ends a name at the first space, '=' or ':', so this line would set '${printable(read, 64)}'${managed}`;
  }
  if (CONTROL.test(name)) return `${shown(name)} holds a control character, which no Kafka config name has`;
  if (name.startsWith('#') || name.startsWith('!')) return `${shown(name)} starts with '${name[0]}': server.properties would read the line as a comment`;
  if (name.includes('\\')) return `${shown(name)} holds a backslash, which Kafka's properties reader takes for an escape`;
  if (!CONFIG_NAME.test(name)) return `${shown(name)} is not a Kafka config name: use only letters, digits, '.', '_' and '-'`;
  return undefined;
}

/** What is wrong with a Kafka config value (server.properties or a topic config), or undefined. */
export function configValueProblem(value: string, where: 'server.properties' | 'topic'): string | undefined {
  if (value.length > LIMITS.valueLength) return `a value of ${count(value.length)} characters; at most ${count(LIMITS.valueLength)}`;
  if (LINE_BREAK.test(value)) {
    return where === 'server.properties'
      ? 'the value holds a line break: Kafka reads server.properties line by line, so the rest would become a setting of its own; write the value on one line'
      : "the value holds a line break: Kafka's topic configs are one line; write the value on one line";
  }
  if (CONTROL.test(value)) return `the value ${shown(value)} holds a control character (NUL, ESC…), which no Kafka setting takes`;
  if (textHasUrlCredentials(value)) return credentialsInUrlMessage('the value', SECRETS_BY_NAME);
  return undefined;
}

/** One `brokers.config` setting. */
export function brokerSettingProblem(name: string, value: string): SettingProblem | undefined {
  const bad = propertyNameProblem(name);
  if (bad !== undefined) return { message: bad, atKey: true };
  if (isSecretConfigName(name)) {
    return {
      atKey: true,
      message: `'${name}' holds a secret, and this file is copied into the run's history: streamchaos's brokers listen in PLAINTEXT on loopback (their listeners are its own), so no password is needed here; remove this line`,
    };
  }
  const value_ = configValueProblem(value, 'server.properties');
  return value_ === undefined ? undefined : { message: value_, atKey: false };
}

/** One environment variable of a processor's `env`. */
export function variableProblem(name: string, value: string): SettingProblem | undefined {
  if (name === '') return { atKey: true, message: 'an empty variable name: the OS needs a name before the value' };
  if (name.length > LIMITS.nameLength) return { atKey: true, message: `a variable name of ${count(name.length)} characters; at most ${LIMITS.nameLength}` };
  if (name.includes('=')) {
    const read = printable(name.slice(0, name.indexOf('=')), 64);
    return { atKey: true, message: `${shown(name)} holds '=': the OS reads a variable's name up to the first '=', so this would set '${read}'` };
  }
  if (!VARIABLE_NAME.test(name)) {
    return {
      atKey: true,
      message: `${shown(name)} is not an environment variable name: use letters, digits and '_', not starting with a digit (e.g. MY_SETTING)`,
    };
  }
  if (name.startsWith('STREAMCHAOS_')) {
    return { atKey: true, message: `'${name}': streamchaos sets the STREAMCHAOS_* variables itself (the processor's topics, group and bootstrap servers)` };
  }
  if (isSecretVariableName(name)) {
    return {
      atKey: true,
      message: `'${name}' looks like a secret, and this file is copied into the run's history and printed by plan: a secret never goes in the file (${SECRETS_BY_NAME}); remove it here`,
    };
  }
  if (value.includes('\u0000')) {
    return { atKey: false, message: 'the value holds a NUL character: the OS ends a variable there, and the processor would not start' };
  }
  if (value.length > LIMITS.valueLength) return { atKey: false, message: `a value of ${count(value.length)} characters; at most ${count(LIMITS.valueLength)}` };
  if (textHasUrlCredentials(value)) return { atKey: false, message: credentialsInUrlMessage('the value', SECRETS_BY_NAME) };
  return undefined;
}

const scalar = z.union([z.string(), z.number(), z.bigint(), z.boolean()], { error: expected('a string, number or boolean') }).transform(String);

/**
 * A mapping of settings, names to values (YAML strings, numbers and booleans, normalised to
 * strings: `3` → `'3'`, `true` → `'true'`). More than `limit` of them is refused before any is
 * looked at; each is then checked by `problem`, and at most LIMITS.problemsShown problems are
 * listed, the rest counted.
 */
export function settingsMapping(what: string, noun: string, limit: number, problem: (name: string, value: string) => SettingProblem | undefined) {
  const bounded = z.unknown().superRefine((raw, ctx) => {
    if (!isRecord(raw)) return;
    const n = Object.keys(raw).length;
    if (n > limit) ctx.addIssue({ code: 'custom', message: `${count(n)} ${noun}; at most ${count(limit)} are allowed here, far more than any cluster needs` });
    // JavaScript would take it for the object's prototype and drop it silently
    if (Object.hasOwn(raw, '__proto__')) {
      ctx.addIssue({
        code: 'custom',
        path: ['__proto__'],
        params: { atKey: true },
        message: "'__proto__' is not a name streamchaos can pass on; remove this line",
      });
    }
  });
  const settings = z.record(z.string(), scalar, { error: expected(what) }).superRefine((record, ctx) => {
    let listed = 0;
    let more = 0;
    for (const [name, value] of Object.entries(record)) {
      const p = problem(name, value);
      if (p === undefined) continue;
      if (listed >= LIMITS.problemsShown) more++;
      else {
        listed++;
        ctx.addIssue({ code: 'custom', path: [name], message: p.message, params: p.atKey ? { atKey: true } : undefined });
      }
    }
    if (more > 0) ctx.addIssue({ code: 'custom', message: `… and ${count(more)} more ${noun} with a problem` });
  });
  return bounded.pipe(settings);
}

/** `brokers.config`: server.properties settings. */
export const brokerConfig = () => settingsMapping('a mapping of server.properties names to values', 'settings', LIMITS.brokerConfigs, brokerSettingProblem);

/** `topics[].config`: Kafka topic configs. Names and values are checked by the topicConfigs rule (topic-rules.ts), which knows Kafka's names. */
export const topicConfig = () => settingsMapping('a mapping of Kafka topic configs to values', 'topic configs', LIMITS.topicConfigs, () => undefined);

/** A processor's `env`: environment variables. */
export const environmentVariables = () =>
  settingsMapping('a mapping of environment variable names to values', 'variables', LIMITS.environmentVariables, variableProblem);
