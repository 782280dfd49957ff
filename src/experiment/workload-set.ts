import { LagReader, waitForCaughtUp } from '../cluster/lag.js';
import type { StartedEnvironment } from '../runtime/runtime.js';
import { Random } from '../util/random.js';
import { withTimeout } from '../util/time.js';
import { type ConsumerLoad, createConsumerGroupLoad } from '../workload/consumer.js';
import { ProcessorGroup } from '../workload/processor-group.js';
import { createLoadGenerator, type LoadGenerator } from '../workload/load-generator.js';
import { Watcher } from '../workload/watcher.js';
import { BUDGET } from './budget.js';
import type { RunContext } from './run-context.js';
import { Sampler } from './sampler.js';

/**
 * Everything of a run that talks to the cluster besides the faults: the sampler, the processor
 * group, the consumer groups, a watcher on every judged output, and the load producers. Built
 * from the plan; each part goes on the cleanup stack the moment it starts.
 */
export class WorkloadSet {
  readonly producers: LoadGenerator[];
  processors: ProcessorGroup | undefined;
  readonly consumers: ConsumerLoad[];
  private readonly watchers: Watcher[] = [];
  private readonly sampler: Sampler;
  /** Where this run's records start, per judged output and partition (an external cluster's topics outlive runs). */
  readonly from = new Map<string, Record<number, number>>();

  constructor(
    private readonly ctx: RunContext,
    private readonly env: StartedEnvironment,
  ) {
    const { plan, spec, history, options } = ctx;
    this.sampler = new Sampler({
      observer: env.observer,
      brokers: env.topology.brokers,
      observerBootstrap: env.topology.observer,
      history,
      topics: plan.environment.topics,
      minIsr: plan.environment.minIsr,
      groups: plan.groups,
      ...(plan.processor === undefined ? {} : { processorsAlive: () => this.processors?.alive().length ?? 0 }),
    });
    const random = new Random(options.seed);
    this.producers = spec.workload.producers.flatMap((p, i) =>
      Array.from({ length: p.instances }, (_, n) => {
        const name = p.instances === 1 ? p.name : `${p.name}-${n + 1}`;
        const planned = plan.producers[i]!;
        return createLoadGenerator(planned.client, {
          name,
          spec: p,
          partitions: planned.partitions,
          bootstrap: env.topology.bootstrap,
          history,
          random: random.fork(name),
          log: options.log,
          ...(planned.alsoIdHeader === undefined ? {} : { alsoIdHeader: planned.alsoIdHeader }),
        });
      }),
    );
    this.consumers = (spec.workload.consumers ?? []).map((c, i) =>
      createConsumerGroupLoad(plan.consumers?.[i]?.client ?? c.client, c, env.topology.bootstrap, options.log),
    );
  }

  /** Starts sampling, the processors, the consumers and the watchers; not the load. */
  async start(): Promise<void> {
    const { ctx, env } = this;
    const { plan, spec } = ctx;
    this.sampler.start();
    ctx.defer('sampler', () => this.sampler.stop());
    const processor = spec.workload.processor;
    if (processor !== undefined && plan.processor !== undefined) {
      ctx.options.progress.step(`starting ${processor.instances} processor instances (${processor.mode})`);
      this.processors = new ProcessorGroup({
        spec: processor,
        group: plan.processor.group,
        outputPartitions: plan.processor.outputPartitions,
        bootstrap: env.topology.bootstrap,
        observer: env.topology.observer,
        dir: env.dir,
        history: ctx.history,
        launch: env.startProcessor,
        ...(plan.processor.client === undefined ? {} : { client: plan.processor.client }),
      });
      ctx.defer('processors', () => this.processors?.stop());
      await this.processors.start();
    }
    ctx.defer('consumers', () => Promise.all(this.consumers.map((c) => c.stop())));
    await Promise.all(this.consumers.map((c) => c.start()));
    for (const judged of plan.judged) {
      const from = spec.environment.runtime === 'external' ? await env.observer.endOffsets(judged.output) : {};
      this.from.set(judged.output, from);
      if (Object.keys(from).length > 0) ctx.note(`${judged.output} read from this run's start offsets`, { from });
      const watcher = new Watcher(judged.output, env.observer, env.topology.brokers, ctx.history, ctx.options.log, judged.idHeader);
      this.watchers.push(watcher);
      ctx.defer(`watcher of ${judged.output}`, () => watcher.stop());
      await watcher.start(from);
    }
  }

  async startLoad(): Promise<void> {
    // on an early exit, stop offering load at once (not waiting: healing comes first); sends in flight end on their own
    this.ctx.defer('producers', () => void Promise.all(this.producers.map((p) => p.stop())).catch(() => undefined));
    await Promise.all(this.producers.map((p) => p.start()));
  }

  async stopLoad(): Promise<void> {
    await withTimeout(Promise.all(this.producers.map((p) => p.stop())), BUDGET.stopAndHealMs, 'the load generators to stop (their sends in flight to end)');
  }

  /** Waits (bounded by the experiment's drain) for the processor and the consumer groups to catch up, then stops them. */
  async drain(): Promise<void> {
    const { ctx } = this;
    const drainMs = ctx.spec.workload.drainMs;
    if (this.processors !== undefined) {
      const lag = await this.processors.drain(drainMs);
      ctx.note(lag === 0 ? 'drained' : `not drained: lag ${lag}`, { lag });
      await this.processors.stop();
    }
    if (this.consumers.length === 0) return;
    const reader = new LagReader(this.env.topology.observer, 5000, 'streamchaos-drain');
    try {
      for (const c of this.consumers) {
        const lag = await waitForCaughtUp(reader, c.spec.group, c.spec.topic, drainMs);
        ctx.note(lag === 0 ? `${c.spec.group} drained` : `${c.spec.group} not drained: lag ${lag}`, { lag });
      }
    } finally {
      await reader.close();
    }
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  async stopSampling(): Promise<void> {
    await this.sampler.stop();
  }

  /** The watchers tailed the outputs all along; once the verifier has read them, they stop. */
  async stopWatching(): Promise<void> {
    await Promise.all(this.watchers.map((w) => w.stop()));
  }
}
