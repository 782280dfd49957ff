/**
 * Spec files are read as what they claim to be: regular files of YAML text, at most 1 MiB.
 * Anything else is refused with a message that names the path and what it is, and quotes
 * nothing of the content — above all not the environment of /proc/self/environ.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import { loadExperiment } from '../../src/schema/load-experiment.js';
import { MAX_SPEC_FILE_BYTES, readSpecFile } from '../../src/schema/read-input-file.js';
import { runInProcess } from '../helpers/in-process-cli.js';

const SECRET = 'hunter2-streamchaos-fake-secret-7d1f';
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamchaos-read-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.STREAMCHAOS_FAKE_SECRET;
});

const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** The message readSpecFile refuses `path` with. */
async function refusal(path: string): Promise<string> {
  const error: unknown = await readSpecFile(path, 'environment file', 'hint').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

const experimentNaming = (environment: string): string => `environment: ${environment}\nduration: 1m\nworkload:\n  producers: [{ topic: orders, rate: 10 }]\n`;

describe('readSpecFile reads regular files of text only', () => {
  it('reads a regular file, dropping a UTF-8 byte-order mark', async () => {
    expect(await readSpecFile(file('bom.yaml', '\ufeffbrokers: { count: 1 }\n'), 'environment file', '')).toBe('brokers: { count: 1 }\n');
    expect(await readSpecFile(file('crlf.yaml', 'a: 1\r\nb: 2\r\n'), 'environment file', '')).toBe('a: 1\r\nb: 2\r\n');
  });

  it('refuses a FIFO at once, without waiting for a writer', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toBe(`${fifo} is a FIFO (a pipe: reading it waits for whoever writes), not an environment file`);
    symlinkSync(fifo, join(dir, 'link-to-fifo'));
    expect(await refusal(join(dir, 'link-to-fifo'))).toMatch(/link-to-fifo is a symbolic link to a FIFO/);
  });

  it('refuses devices, directories and kernel files, saying what each is', async () => {
    expect(await refusal('/dev/zero')).toBe('/dev/zero is a character device, not an environment file');
    expect(await refusal('/dev/null')).toBe('/dev/null is a character device, not an environment file');
    expect(await refusal(dir)).toBe(`${dir} is a directory, not an environment file`);
    expect(await refusal('/proc/self/status')).toBe('/proc/self/status is a kernel file under /proc (made up as it is read), not an environment file');
    expect(await refusal('/proc/version')).toMatch(/is a kernel file under \/proc/);
  });

  it('refuses a file over 1 MiB, and reads one of exactly 1 MiB', async () => {
    expect(await refusal(file('big.yaml', `# ${'x'.repeat(MAX_SPEC_FILE_BYTES)}\n`))).toMatch(
      /big\.yaml is larger than 1 MiB, the limit for an environment file/,
    );
    const exact = `# ${'x'.repeat(MAX_SPEC_FILE_BYTES - 3)}\n`;
    expect(Buffer.byteLength(exact)).toBe(MAX_SPEC_FILE_BYTES);
    expect((await readSpecFile(file('exact.yaml', exact), 'environment file', '')).length).toBe(MAX_SPEC_FILE_BYTES);
  });

  it('refuses what is not text, quoting none of it', async () => {
    const payload = 'PAYLOAD-never-shown';
    const cases: Array<[string, Buffer, RegExp]> = [
      ['nul.yaml', Buffer.from(`a: ${payload}\0\n`), /nul\.yaml is a binary file \(a NUL byte at byte 23\), not an environment file \(YAML text\)$/],
      ['latin1.yaml', Buffer.from(`a: ${payload} caf\xe9\n`, 'latin1'), /latin1\.yaml is not UTF-8 text \(an invalid byte sequence at byte 27\)/],
      [
        'utf16.yaml',
        Buffer.from(`\ufeffa: ${payload}\n`, 'utf16le'),
        /utf16\.yaml is UTF-16 text \(it starts with a UTF-16 byte-order mark\); save the environment file as UTF-8$/,
      ],
      [
        'esc.yaml',
        Buffer.from(`a: ${payload}\nb: "\x1b]0;title\x07"\n`),
        /esc\.yaml holds a control character \(U\+001B at line 2, column 5\), which YAML text may not/,
      ],
      ['c1.yaml', Buffer.from(`a: ${payload}\u009b2J\n`), /c1\.yaml holds a control character \(U\+009B at line 1, column 23\)/],
    ];
    for (const [name, bytes, expected] of cases) {
      const message = await refusal(file(name, bytes));
      expect(message).toMatch(expected);
      expect(message).not.toContain('PAYLOAD');
    }
  });

  it('escapes a path that holds a newline or an escape', async () => {
    const message = await refusal(join(dir, 'no\n✓ ok\x1b[2K.yaml'));
    expect(message).toBe(`environment file not found: ${dir}/no\\n✓ ok\\x1b[2K.yaml`);
  });
});

describe('/proc/self/environ never prints the environment', () => {
  it('refused as a kernel file: the fake secret appears nowhere, directly or through a symbolic link', async () => {
    process.env.STREAMCHAOS_FAKE_SECRET = SECRET;
    symlinkSync('/proc/self/environ', join(dir, 'innocent.yaml'));
    for (const environment of ['/proc/self/environ', 'innocent.yaml', `/proc/${process.pid}/environ`]) {
      const error: unknown = await loadExperiment(file('exp.yaml', experimentNaming(environment))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      const message = (error as InvalidInputError).message;
      expect(message).toMatch(/exp\.yaml:1:14: environment: .*is a kernel file under \/proc/);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain('STREAMCHAOS_FAKE_SECRET');
      expect(message).not.toMatch(/PATH=|HOME=/);
    }
  });

  it('validate and plan on it, and on experiments naming it: the secret is not in their output', async () => {
    process.env.STREAMCHAOS_FAKE_SECRET = SECRET;
    const exp = file('exp-environ.yaml', experimentNaming('/proc/self/environ'));
    for (const args of [
      ['validate', '/proc/self/environ'],
      ['validate', exp],
      ['plan', exp],
      ['plan', '/proc/self/environ'],
    ]) {
      const r = await runInProcess(args);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/\/proc\/self\/environ is a kernel file under \/proc/);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain('STREAMCHAOS_FAKE_SECRET');
    }
  });

  it('a copy of the environment in a regular file (a YAML-looking one) is refused without quoting its values either', async () => {
    process.env.STREAMCHAOS_FAKE_SECRET = SECRET;
    const copy = Object.entries(process.env)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n');
    mkdirSync(join(dir, 'copy'), { recursive: true });
    writeFileSync(join(dir, 'copy', 'env.yaml'), copy);
    writeFileSync(join(dir, 'copy', 'exp.yaml'), experimentNaming('env.yaml'));
    const refused: unknown = await loadExperiment(join(dir, 'copy', 'exp.yaml')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    const message = (refused as InvalidInputError).message;
    // one message for the whole file, unless a variable happens to be named like a field (then its name, never its value)
    expect(message).toMatch(/copy\/env\.yaml:\d+:\d+: /);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('STREAMCHAOS_FAKE_SECRET');
  });
});
