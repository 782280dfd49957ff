import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules of ../shared/DESIGN.md ("Imports that never exist"), read from the code: every
 * relative import of every file in src/, and every package it imports.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  /** The folder of src/ the file is in (`check`, `cli`…), or the file itself at the top (`errors.ts`). */
  room: string;
  /** A path under src/ for a relative import; the package name otherwise. */
  to: string;
  toRoom: string | undefined;
}

const roomOf = (path: string): string => relative(SRC, path).split('/')[0]!;

const imports: Import[] = files(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => {
    const spec = (m[1] ?? m[2])!;
    if (!spec.startsWith('.')) return { from: relative(SRC, file), room: roomOf(file), to: spec, toRoom: undefined };
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    return { from: relative(SRC, file), room: roomOf(file), to: relative(SRC, target), toRoom: roomOf(target) };
  });
});

const offending = (rule: (i: Import) => boolean): string[] => imports.filter(rule).map((i) => `${i.from} → ${i.to}`);

describe('the source layout keeps the rules of DESIGN.md', () => {
  it('check/ imports only history/ and its own files: checkers are pure functions of the History', () => {
    expect(offending((i) => i.room === 'check' && i.toRoom !== undefined && !['check', 'history'].includes(i.toRoom))).toEqual([]);
    expect(offending((i) => i.room === 'check' && i.toRoom === undefined)).toEqual([]);
  });

  it('report/ imports check/ and history/ only (and node:fs to write its files)', () => {
    expect(offending((i) => i.room === 'report' && i.toRoom !== undefined && !['report', 'check', 'history'].includes(i.toRoom))).toEqual([]);
    expect(offending((i) => i.room === 'report' && i.toRoom === undefined && !['node:fs/promises', 'node:path'].includes(i.to))).toEqual([]);
  });

  it('schema/ starts nothing: no runtime, experiment or Kafka client', () => {
    expect(offending((i) => i.room === 'schema' && ['runtime', 'experiment', 'workload', 'cluster', 'faults', 'network'].includes(i.toRoom ?? ''))).toEqual([]);
    expect(offending((i) => i.room === 'schema' && /^(kafkajs|@confluentinc\/|dockerode|toxiproxy-node-client|node:child_process)/.test(i.to))).toEqual([]);
  });

  it('nothing imports cli/, and colour (chalk) lives in cli/ alone', () => {
    expect(offending((i) => i.room !== 'cli' && i.toRoom === 'cli')).toEqual([]);
    expect(offending((i) => i.room !== 'cli' && i.to === 'chalk')).toEqual([]);
  });

  it('faults/ reach nodes through the Runtime and links through network/, never child_process or dockerode', () => {
    expect(offending((i) => i.room === 'faults' && /^(node:child_process|dockerode)$/.test(i.to))).toEqual([]);
  });

  it('Kafka clients are imported in workload/ and cluster/ only', () => {
    expect(offending((i) => !['workload', 'cluster'].includes(i.room) && /^(kafkajs|@confluentinc\/kafka-javascript)$/.test(i.to))).toEqual([]);
  });

  it('no import climbs from a lower layer to a higher one', () => {
    // lowest first; a room may import its own and any room before it
    const layers = [
      'exit-code.ts',
      'errors.ts',
      'util',
      'history',
      'check',
      'report',
      'schema',
      'provision',
      'cluster',
      'network',
      'runtime',
      'workload',
      'faults',
      'experiment',
      'cli',
    ];
    const rank = (room: string): number => layers.indexOf(room);
    for (const i of imports) if (i.toRoom !== undefined) expect(rank(i.room), `unknown room ${i.room}`).toBeGreaterThanOrEqual(0);
    expect(offending((i) => i.toRoom !== undefined && rank(i.toRoom) > rank(i.room))).toEqual([]);
  });

  it('no file in src/ runs past 300 lines', () => {
    const long = files(SRC)
      .map((f) => ({ f: relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > 300);
    expect(long).toEqual([]);
  });

  it('runExperiment reads as its phases: it fits on one screen (80 lines)', () => {
    const text = readFileSync(join(SRC, 'experiment/runner.ts'), 'utf8');
    const start = text.indexOf('export async function runExperiment');
    const body = text.slice(start, text.indexOf('\n}\n', start) + 2);
    expect(body.split('\n').length).toBeLessThanOrEqual(80);
  });

  it('no literal exit status: every exit goes through exit-code.ts', () => {
    const exits = files(SRC).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, n) => (/\bexit\(/.test(line) ? [`${relative(SRC, f)}:${n + 1}`] : [])),
    );
    expect(exits).toEqual(['exit-code.ts:37']);
  });
});
