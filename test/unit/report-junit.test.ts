import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/check/result.js';
import { renderJunit } from '../../src/report/junit.js';
import { buildReportFixture, HOSTILE } from '../helpers/report-fixture.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * A strict little XML 1.0 reader, enough for JUnit files: one root element, balanced and
 * properly nested tags, quoted attributes without `<`, only the predefined and numeric entities,
 * no character XML 1.0 forbids. Throws with the position of the first problem.
 */
function parseXml(xml: string): XmlElement {
  for (const ch of xml) {
    const c = ch.codePointAt(0) ?? 0;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!ok) throw new Error(`character U+${c.toString(16)} is not allowed in XML 1.0`);
  }
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (i < xml.length && ' \t\r\n'.includes(xml[i] ?? '')) i++;
  };
  const readName = () => {
    const start = i;
    while (i < xml.length && /[A-Za-z0-9_:.-]/.test(xml[i] ?? '')) i++;
    if (i === start || /[0-9.-]/.test(xml[start] ?? '')) fail('expected a name');
    return xml.slice(start, i);
  };
  const decode = (raw: string) =>
    raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) return fail(`unterminated entity ${whole}`);
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (named[ref] !== undefined) return named[ref];
      const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
      if (m === null) return fail(`unknown entity &${ref};`);
      return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    });

  if (xml.startsWith('<?xml')) {
    i = xml.indexOf('?>');
    if (i < 0) fail('unterminated XML declaration');
    i += 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (xml[i] !== '>') fail('expected >');
      i++;
      const open = stack.pop();
      if (open?.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
    } else if (xml[i] === '<') {
      i++;
      const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
      if (stack.length === 0 && root !== undefined) fail('a second root element');
      const parent = stack.at(-1);
      if (parent === undefined) root = element;
      else parent.children.push(element);
      for (;;) {
        skipSpace();
        if (xml.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (xml[i] === '>') {
          i++;
          stack.push(element);
          break;
        }
        const attribute = readName();
        skipSpace();
        if (xml[i] !== '=') fail('expected =');
        i++;
        skipSpace();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") fail('expected a quoted value');
        const end = xml.indexOf(quote ?? '"', i + 1);
        if (end < 0) fail('unterminated attribute value');
        const raw = xml.slice(i + 1, end);
        if (raw.includes('<')) fail('< in an attribute value');
        if (attribute in element.attributes) fail(`attribute ${attribute} twice`);
        element.attributes[attribute] = decode(raw);
        i = end + 1;
      }
    } else {
      const end = xml.indexOf('<', i) < 0 ? xml.length : xml.indexOf('<', i);
      const raw = xml.slice(i, end);
      const parent = stack.at(-1);
      if (parent === undefined) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else parent.text += decode(raw);
      i = end;
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)?.name ?? ''}> is never closed`);
  return root ?? fail('no root element');
}

function all(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];
}

describe('the XML checker of these tests', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a x="<"/>')).toThrow(/attribute/);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/not allowed/);
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
    expect(() => parseXml('<a>')).toThrow(/never closed/);
    expect(parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b>t &lt; u</b></a>\n')).toMatchObject({
      name: 'a',
      attributes: { x: '1 & 2' },
      children: [{ name: 'b', text: 't < u' }],
    });
  });
});

describe('renderJunit', () => {
  const { result } = buildReportFixture();

  it('is well-formed XML with one testsuite and one testcase per check', () => {
    const doc = parseXml(renderJunit(result));
    expect(doc.name).toBe('testsuites');
    const [suite, ...others] = all(doc, 'testsuite');
    expect(others).toEqual([]);
    expect(suite?.attributes).toMatchObject({ name: 'streamchaos: leader-kill-under-load', tests: '13', failures: '2', errors: '0' });
    const cases = all(doc, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(result.checks.map((c) => c.name));
    expect(new Set(cases.map((c) => c.attributes.classname))).toEqual(new Set(['streamchaos.leader-kill-under-load']));
  });

  it('fails only the failed blocking checks, with observed and threshold in the message', () => {
    const doc = parseXml(renderJunit(result));
    const failed = all(doc, 'testcase').filter((c) => all(c, 'failure').length > 0);
    expect(failed.map((c) => c.attributes.name)).toEqual(['exactly-once', 'recovery: crash the leader of orders-0']);
    const [eo, recovery] = failed.map((c) => all(c, 'failure')[0]);
    expect(eo?.attributes).toEqual({ message: 'observed 2, threshold 0', type: 'slo' });
    expect(eo?.text).toContain('2 duplicated');
    expect(eo?.text).toContain('observed: 2');
    expect(eo?.text).toContain('threshold: 0');
    expect(recovery?.attributes.message).toBe('observed 3.4, threshold 3');
  });

  it('reports a failed check that does not block as a warning, not a failure', () => {
    const doc = parseXml(renderJunit(result));
    const p99 = all(doc, 'testcase').find((c) => c.attributes.name === 'p99 latency');
    expect(p99 && all(p99, 'failure')).toEqual([]);
    expect(p99 && all(p99, 'system-out')[0]?.text).toBe('warning: p99 end-to-end latency 1210 ms over 1000 ms (observed 1,210, threshold 1,000)');
  });

  it('carries seed, command and verdict as properties, and the duration when given', () => {
    const doc = parseXml(renderJunit(result, { timeSeconds: 61.5 }));
    const properties = Object.fromEntries(all(doc, 'property').map((p) => [p.attributes.name, p.attributes.value]));
    expect(properties).toEqual({ seed: '42', command: result.command, verdict: 'fail' });
    expect(all(doc, 'testsuite')[0]?.attributes.time).toBe('61.500');
    expect(all(doc, 'testsuite')[0]?.attributes.timestamp).toBe(result.startedAt);
  });

  it('escapes hostile names and drops characters XML 1.0 cannot carry', () => {
    const hostile = buildReportFixture({ hostile: true }).result;
    const nasty: Check = {
      name: `ctl \u0000\u0001\u001b[31mred\u001b[0m ${HOSTILE.attribute}`,
      pass: false,
      message: `line 1\nline 2 ${HOSTILE.script} \uffff\ud800`,
      observed: '<1>',
      threshold: '"&"',
    };
    const xml = renderJunit({ ...hostile, checks: [...hostile.checks, nasty] });
    const doc = parseXml(xml);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<img');
    const testcase = all(doc, 'testcase').at(-1);
    expect(testcase?.attributes.name).toBe(`ctl [31mred[0m ${HOSTILE.attribute}`);
    const failure = testcase && all(testcase, 'failure')[0];
    expect(failure?.attributes.message).toBe('observed <1>, threshold "&"');
    expect(failure?.text).toContain(`line 1\nline 2 ${HOSTILE.script} `);
    expect(all(doc, 'testsuite')[0]?.attributes.name).toBe(`streamchaos: ${hostile.name}`);
    expect(Object.fromEntries(all(doc, 'property').map((p) => [p.attributes.name, p.attributes.value])).command).toBe(hostile.command);
  });

  it('renders a run without checks', () => {
    const doc = parseXml(renderJunit({ ...result, checks: [] }));
    expect(all(doc, 'testsuite')[0]?.attributes).toMatchObject({ tests: '0', failures: '0' });
    expect(all(doc, 'testcase')).toEqual([]);
  });
});
