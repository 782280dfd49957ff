import type { RecoveryDefinition } from '../../history/slos.js';
import { html, type Markup } from '../escape.js';
import { formatCount, formatPercent, formatSeconds } from '../format.js';
import { definitions, section } from '../html-kit.js';

/** What exactly was measured, with this run's recovery definition filled in. */
export function definitionsSection(r: RecoveryDefinition): Markup {
  const ratio = formatPercent(r.throughputRatio);
  const hold = `${formatSeconds(r.holdSeconds)} s`;
  return section(
    'definitions',
    'Definitions: what was measured',
    definitions([
      ['throughput', 'Records acknowledged by the brokers per second, counted by the time of the acknowledgement (1 s windows from load start).'],
      ['baseline', 'Mean throughput from 2 s after load start until the first fault was injected.'],
      [
        'recovered',
        html`Throughput at or above ${ratio} of the baseline in every 1 s window for ${hold}, with no failed send in that time. The moment of recovery is the first acknowledgement from then on.`,
      ],
      ['failover', 'Seconds from the injection of a fault until recovered, while the fault was still active (e.g. a new leader took over).'],
      ['recovery after heal', 'Seconds from the heal of a fault until recovered again (0 when the heal disturbed nothing).'],
      ['outage', 'Seconds from the injection until the service had recovered for good, for a fault that impacted clients: the outage as clients saw it.'],
      [
        'end-to-end latency',
        'From the invocation of the send until a read_committed reader, through the observer listener that no fault touches, saw the record.',
      ],
      ['lag', 'Per consumer group: the end offset minus the committed offset, summed over the partitions.'],
      ['lag recovered', html`Every consumer group's lag under ${formatCount(r.lagBelow)} records.`],
      ['ISR full', 'Every partition has all its replicas in sync (ISR = replicas).'],
      [
        'exactly-once',
        'After heal and drain, the output read with read_committed holds every acknowledged id exactly once, intact, and nothing else (see the Exactly-once table).',
      ],
    ]),
  );
}
