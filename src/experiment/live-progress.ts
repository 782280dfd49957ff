import type { HistoryRecorder } from '../history/recorder.js';
import type { Progress } from '../provision/progress.js';
import type { ExperimentSpec } from '../schema/experiment.js';

/**
 * Every second while load runs: elapsed of total, acknowledged records per second, lag, and
 * the faults active now, on the progress line (a terminal shows it; a CI log does not).
 */
export function liveProgress(history: HistoryRecorder, spec: ExperimentSpec, t0: number, progress: Progress): NodeJS.Timeout {
  let seen = 0;
  let acked = 0;
  const batches = new Map<string, number>();
  const active = new Map<string, string>();
  let lag: number | undefined;
  return setInterval(() => {
    const entries = history.entries();
    let ackedNow = 0;
    for (; seen < entries.length; seen++) {
      const e = entries[seen]!;
      if (e.type === 'send' && e.phase === 'invoke') batches.set(`${e.process}:${e.batch}`, e.records.length);
      else if (e.type === 'send' && e.phase === 'ok') ackedNow += e.count ?? batches.get(`${e.process}:${e.batch}`) ?? 0;
      else if (e.type === 'lag') lag = e.total;
      else if (e.type === 'event' && e.kind === 'fault-start') active.set(String(e.detail?.index), e.name);
      else if (e.type === 'event' && e.kind === 'fault-heal') active.delete(String(e.detail?.index));
    }
    acked += ackedNow;
    const elapsed = (Date.now() - t0) / 1000;
    const parts = [
      `${elapsed.toFixed(0)}/${(spec.durationMs / 1000).toFixed(0)} s`,
      `${ackedNow} acked/s`,
      lag === undefined ? undefined : `lag ${lag}`,
      active.size === 0 ? 'no fault' : `fault: ${[...active.values()].join(', ')}`,
      `${acked} acked in all`,
    ];
    progress.detail(parts.filter((p) => p !== undefined).join(' · '));
  }, 1000).unref();
}
