import { cp, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { readHistory } from '../../src/history/recorder.js';
import type { EventEntry, HistoryEntry } from '../../src/history/types.js';
import type { RunResult } from '../../src/check/result.js';
import { buildStreamError, type BuildEvent } from '../../src/provision/image-build.js';
import { findLocalEquivalent, PUBLIC_IMAGES } from '../../src/provision/image-names.js';
import { connectEngine, LABEL, type Engine } from '../../src/runtime/docker/engine.js';
import { cli, ROOT } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

/**
 * A user's own processor as a container image, end to end: examples/user-processor is built
 * as streamchaos-test/user-processor:1 and run by `streamchaos run` on the process runtime
 * (brokers as local JVMs, the processor instances as host-network containers). The example is
 * exactly-once and must pass a kill; told to commit offsets outside its transactions it must
 * be caught duplicating. Skipped without an engine, unless CI_REQUIRE_DOCKER=1.
 */
const engine: Engine | undefined = await connectEngine(process.env, 3000).catch(() => undefined);
const required = process.env.CI_REQUIRE_DOCKER === '1';
const IMAGE = 'streamchaos-test/user-processor:1';
const EXAMPLE = join(ROOT, 'examples', 'user-processor');
const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'user-image-state') };

/** Our containers of the example image (others may share the engine meanwhile: the process runtime runs no other container). */
async function ours(): Promise<string[]> {
  const list = await engine!.docker.listContainers({ all: true, filters: { label: [LABEL.ours], ancestor: [IMAGE] } });
  return list.map((c) => `${c.Names[0]} (${c.State})`);
}

/**
 * Builds the example as a user would (its Dockerfile, node_modules next to it), FROM node:20-slim
 * when the engine has it, else from its local equivalent. Built from the local equivalent, it
 * inherits that image's equivalent-of label; it must still never be taken for node:20-slim.
 */
async function buildExample(docker: Engine['docker']): Promise<void> {
  const hasPublic = await docker
    .getImage(PUBLIC_IMAGES.node)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  const base = hasPublic ? PUBLIC_IMAGES.node : await findLocalEquivalent(docker, PUBLIC_IMAGES.node);
  expect(base, `neither ${PUBLIC_IMAGES.node} nor a local equivalent is on the engine`).toBeDefined();
  const context = await mkdtemp(join(tmpdir(), 'streamchaos-user-processor-'));
  try {
    for (const file of ['Dockerfile', 'processor.mjs']) await cp(join(EXAMPLE, file), join(context, file));
    for (const pkg of ['kafkajs', 'lz4js']) await cp(join(ROOT, 'node_modules', pkg), join(context, 'node_modules', pkg), { recursive: true });
    const stream = await docker.buildImage(
      { context, src: ['Dockerfile', 'processor.mjs', 'node_modules'] },
      { t: IMAGE, buildargs: { BASE: base! }, rm: true, forcerm: true },
    );
    const events = await new Promise<BuildEvent[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: BuildEvent[]) => (error === null ? resolve(output) : reject(error))),
    );
    expect(buildStreamError(events), events.map((e) => e.stream ?? '').join('')).toBeUndefined();
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

async function run(file: string, name: string): Promise<{ code: number | null; stdout: string; out: string; result: RunResult; history: HistoryEntry[] }> {
  const out = join(inject('testRoot'), `user-image-${name}`);
  const r = await cli(['run', file, '--out', out], state, 600_000);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  const history = await readHistory(join(out, 'history.jsonl'));
  expect(processesUnder(out)).toEqual([]);
  return { code: r.code, stdout: r.stdout + r.stderr, out, result, history };
}

function nodeUps(history: HistoryEntry[], name: string): EventEntry[] {
  return history.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'node-up' && e.name === name);
}

describe.skipIf(engine === undefined && !required)("a user's processor image under streamchaos run", () => {
  beforeAll(async () => {
    expect(engine, 'no Docker engine answers: .ci/run starts one with scripts/dockerd.sh').toBeDefined();
    const setup = await cli(['setup', '--docker'], {}, 900_000);
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);
    await buildExample(engine!.docker);
    // the example image does not stand in for node:20-slim
    expect(await findLocalEquivalent(engine!.docker, PUBLIC_IMAGES.node)).not.toBe(IMAGE);
  });

  afterEach(async () => {
    expect(await ours()).toEqual([]);
  });

  it('the exactly-once example passes a kill of its instance: a container, killed and started again', { timeout: 600_000 }, async () => {
    const { code, stdout, out, result, history } = await run('test/fixtures/experiments-real/user-image-processor.yaml', 'pass');
    expect(code, stdout).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(result.faults[0]).toMatchObject({ kind: 'processor-kill', target: 'processor-1' });
    expect(result.exactlyOnce).toMatchObject({ lost: 0, duplicated: 0, corrupted: 0, unexpected: 0 });
    expect(result.exactlyOnce.acked).toBeGreaterThan(4000);
    const up = nodeUps(history, 'processor-1');
    expect(up.length).toBeGreaterThanOrEqual(2); // started, killed, started again
    expect(up.every((e) => typeof e.detail?.container === 'string' && e.detail.container.length > 0)).toBe(true);
    const log = readFileSync(join(out, 'environment', 'processor-1.log'), 'utf8');
    expect(log).toMatch(/processor-1 assigned orders partitions \[\d/);
  });

  it('told to commit offsets outside its transactions, the same image is caught duplicating after the kill', { timeout: 600_000 }, async () => {
    const { code, stdout, result, out } = await run('test/fixtures/experiments-real/user-image-processor-unsafe.yaml', 'unsafe');
    expect(code, stdout).toBe(1);
    expect(result.verdict).toBe('fail');
    expect(result.exactlyOnce.duplicated, stdout).toBeGreaterThan(0);
    expect(result.exactlyOnce.lost).toBe(0);
    expect(readFileSync(join(out, 'environment', 'processor-1.log'), 'utf8')).toContain('UNSAFE');
  });
});
