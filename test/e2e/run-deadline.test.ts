import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { RunResult } from '../../src/check/result.js';
import { readHistory } from '../../src/history/recorder.js';
import { LEFT_TO_TEARDOWN_NOTE, type EventEntry } from '../../src/history/types.js';
import { cli } from '../helpers/cli.js';
import { processesUnder } from '../integration/global-setup.js';

const state = { STREAMCHAOS_STATE: join(inject('testRoot'), 'run-state') };

describe('streamchaos run --deadline, on real Kafka and Toxiproxy', () => {
  it('leader-kill with a deadline shorter than its load: exit 3 naming the deadline and the phase, the note in the History, nothing left running', async () => {
    const out = join(inject('testRoot'), 'run-deadline');
    const began = Date.now();
    const { code, stderr } = await cli(['run', 'experiments/leader-kill.yaml', '--deadline', '40s', '--out', out], state, 290_000);
    const tookS = (Date.now() - began) / 1000;

    expect(code, stderr).toBe(3);
    const said = /error: the run passed its deadline of 40s while (.+)\n/.exec(stderr);
    expect(said, stderr).not.toBeNull();
    const phase = said![1]!;
    // the load alone lasts longer than the deadline: the run is cut off while starting, checking or under load, never later
    expect(phase).toMatch(/^(starting environment local-3|checking the steady state before|running load for [\dms]+ with 1 fault)$/);
    expect(stderr).toContain('--deadline'); // the hint: how to give it more time

    const history = await readHistory(join(out, 'history.jsonl'));
    const notes = history.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'note').map((e) => e.name);
    expect(notes).toContain(`deadline passed while ${phase}`);
    // cut off there: the load never ran to its end, nothing was verified
    expect(history.some((e) => e.type === 'event' && e.kind === 'load' && e.name === 'stop')).toBe(false);
    expect(history.some((e) => e.type === 'read-done')).toBe(false);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(processesUnder(out)).toEqual([]);

    // what was recorded is judged: unknown (the run never reached its verification), the same live and rebuilt
    const live = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(live.verdict).toBe('unknown');
    expect(live.unfinished?.reason).toContain(`the run's deadline passed while ${phase}`);
    expect(live.unfinished?.phasesNotRun).toEqual(expect.arrayContaining(['rollback', 'verify', 'judge']));
    expect(live.exactlyOnce.lost).toBe(0);
    const report = await cli(['report', out], state);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain('UNKNOWN leader-kill');
    const rebuilt = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    for (const r of [live, rebuilt]) expect(r.checks.every((c) => !c.pass)).toBe(true);
    expect(rebuilt).toEqual(live);

    // a broker killed before the deadline is left to the teardown: not restarted only to be stopped again
    const killed = history.some((e) => e.type === 'event' && e.kind === 'fault-start');
    if (killed) {
      expect(notes).toContain(LEFT_TO_TEARDOWN_NOTE);
      expect(history.some((e) => e.type === 'event' && e.kind === 'fault-heal')).toBe(false);
    }
    console.log(`run-deadline: cut off while ${phase}${killed ? ', a broker killed' : ''}; the run took ${tookS.toFixed(1)} s`);
  }, 300_000);
});
