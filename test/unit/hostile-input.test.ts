/**
 * The hostile-input corpus: every case under test/fixtures/hostile/<class>/cases.json is a file
 * (or run folder) as an attacker or a careless user would write it, with the exit code and the
 * message it must get. Beyond each case's own expectation, every case must: exit with a code a
 * user mistake gets (never 3, "streamchaos crashed"), show no stack trace, print no control
 * character (the terminal stays ours), print a bounded amount, and finish promptly.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/in-process-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'hostile');

interface HostileCase {
  /** What the case tries, in a few words. */
  name: string;
  /** Command-line arguments; `{dir}` is the class folder (relative to the project root), `{tmp}` a fresh copy of it (for `report`, which writes into a run folder). */
  args: string[];
  /** The exit code it must get. */
  exit: number;
  /** Regular expressions the output must match (stdout and stderr together) … */
  output?: string[];
  /** … and must not. */
  notOutput?: string[];
  /** Files that must exist afterwards, `{tmp}` relative (report renders what it can). */
  writes?: string[];
}

/** Characters a terminal acts on: C0 controls but newline, DEL, C1 controls, and the bidi overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is looked for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
const MAX_OUTPUT = 16 * 1024;

const classes = existsSync(CORPUS) ? readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
const tmps: string[] = [];
afterAll(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
}, 60_000);

describe('hostile input: every file of the corpus gets a clear refusal, and nothing else', () => {
  it('holds at least 150 cases', () => {
    const total = classes.reduce((n, d) => n + (JSON.parse(readFileSync(join(CORPUS, d.name, 'cases.json'), 'utf8')) as HostileCase[]).length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
  });

  for (const d of classes) {
    const dir = join(CORPUS, d.name);
    const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as HostileCase[];
    describe(d.name, () => {
      for (const k of cases) {
        it(k.name, async () => {
          let tmp = '';
          if (k.args.some((a) => a.includes('{tmp}'))) {
            tmp = mkdtempSync(join(tmpdir(), 'streamchaos-hostile-'));
            tmps.push(tmp);
            // copy only what the case names (a run folder), not the whole class
            for (const a of k.args) {
              const m = /\{tmp\}\/([^/]+)/.exec(a);
              if (m?.[1] !== undefined && existsSync(join(dir, m[1]))) cpSync(join(dir, m[1]), join(tmp, m[1]), { recursive: true });
            }
          }
          const args = k.args.map((a) => a.replaceAll('{dir}', relative(ROOT, dir)).replaceAll('{tmp}', tmp));
          const cwd = process.cwd();
          process.chdir(ROOT);
          const r = await runInProcess(args).finally(() => process.chdir(cwd));
          const output = r.stdout + r.stderr;
          const shown = `exit ${r.code}\n${output.slice(0, 3000)}`;
          expect(r.code, shown).toBe(k.exit);
          expect(output, shown).not.toMatch(/streamchaos crashed/);
          expect(output, shown).not.toMatch(STACK);
          expect(CONTROL.exec(output)?.[0], shown).toBeUndefined();
          expect(output.length, shown).toBeLessThanOrEqual(MAX_OUTPUT);
          for (const re of k.output ?? []) expect(output, shown).toMatch(new RegExp(re));
          for (const re of k.notOutput ?? []) expect(output, shown).not.toMatch(new RegExp(re));
          for (const f of k.writes ?? []) expect(existsSync(join(tmp, f)), `${f} written`).toBe(true);
        }, 30_000); // the command's own bound is 10 s; the first case of a file also pays for the lazy imports
      }
    });
  }
});
