import type { Check, RunResult } from '../check/result.js';
import { escapeXml, escapeXmlText } from './escape.js';
import { formatValue, NONE } from './format.js';

/**
 * The verdict as JUnit XML, which GitHub, GitLab and Jenkins show natively: one testsuite for
 * the experiment, one testcase per check. A failed blocking check is a `<failure type="slo">`
 * with observed and threshold in its message; a blocking check that could not be judged is an
 * `<error type="unknown">` (never green); a failed check that does not block is a passing
 * testcase with a "warning: …" in its `<system-out>`. Seed, command and verdict are properties.
 * Everything is XML-escaped, and characters XML 1.0 cannot carry are dropped.
 *
 * `timeSeconds` (the run's duration) is written as the suite's `time` when given.
 */
export function renderJunit(result: RunResult, options: { timeSeconds?: number } = {}): string {
  const failures = result.checks.filter((c) => isFailure(c) && c.unknown !== true).length;
  const errors = result.checks.filter((c) => isFailure(c) && c.unknown === true).length;
  const time = options.timeSeconds !== undefined && Number.isFinite(options.timeSeconds) ? ` time="${options.timeSeconds.toFixed(3)}"` : '';
  const counts = `tests="${result.checks.length}" failures="${failures}" errors="${errors}" skipped="0"${time}`;
  const suiteName = `streamchaos: ${result.name}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="streamchaos" ${counts}>`,
    `  <testsuite name="${escapeXml(suiteName)}" ${counts} timestamp="${escapeXml(result.startedAt)}">`,
    '    <properties>',
    property('seed', String(result.seed)),
    property('command', result.command),
    property('verdict', result.verdict),
    ...(result.unfinished === undefined ? [] : [property('unfinished', result.unfinished.reason)]),
    '    </properties>',
    ...result.checks.map((c) => testcase(c, `streamchaos.${result.name}`)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function isFailure(c: Check): boolean {
  return !c.pass && c.blocking !== false;
}

function property(name: string, value: string): string {
  return `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

function testcase(c: Check, classname: string): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(c.name)}"`;
  if (c.pass) return `${open}/>`;
  const values = `observed ${formatValue(c.observed)}, threshold ${formatValue(c.threshold)}`;
  const hasValues = c.observed !== undefined || c.threshold !== undefined;
  if (!isFailure(c)) {
    return `${open}>\n      <system-out>${escapeXmlText(`warning: ${c.message}${hasValues ? ` (${values})` : ''}`)}</system-out>\n    </testcase>`;
  }
  if (c.unknown === true) {
    return `${open}>\n      <error message="${escapeXml(`not judged: ${c.message}` || NONE)}" type="unknown">${escapeXmlText(c.message)}</error>\n    </testcase>`;
  }
  const message = hasValues ? values : c.message;
  const body = [c.message, `observed: ${formatValue(c.observed)}`, `threshold: ${formatValue(c.threshold)}`].join('\n');
  return `${open}>\n      <failure message="${escapeXml(message || NONE)}" type="slo">${escapeXmlText(body)}</failure>\n    </testcase>`;
}
