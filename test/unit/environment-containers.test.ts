import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it, vi } from 'vitest';
import { Container, type ContainerSpec } from '../../src/runtime/docker/container.js';
import { LABEL } from '../../src/runtime/docker/engine.js';
import { EnvironmentContainers } from '../../src/runtime/docker/environment-containers.js';

// no real watchdog for the test worker: the fake engine has nothing it could reap
vi.mock('../../src/runtime/watchdog.js', () => ({ noteCreateInFlight: () => () => undefined, startWatchdog: () => undefined }));

interface Deferred {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * A Docker engine in memory, as far as containers go: a create is answered only when the test
 * says so (`answer`), and the engine can make the container before it answers (`make`), as a
 * real one does when its client is slow to hear back. It records every call, in order.
 */
class FakeEngine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, { name: string; labels: Record<string, string> }>();
  private readonly pending: { name: string; made: boolean; deferred: Deferred; labels: Record<string, string> }[] = [];
  private next = 0;
  private readonly startAnswers: Deferred[] = [];

  readonly docker = {
    createContainer: (opts: { name: string; Labels: Record<string, string> }) => {
      this.calls.push(`create ${opts.name}`);
      return new Promise((resolve, reject) => {
        const entry = {
          name: opts.name,
          made: false,
          labels: opts.Labels,
          deferred: {
            resolve: () => {
              this.make(entry);
              resolve(this.handle(opts.name));
            },
            reject,
          },
        };
        this.pending.push(entry);
      });
    },
    listContainers: async (opts: { filters: { label: string[] } }) => {
      this.calls.push('list');
      return [...this.containers.entries()]
        .filter(([, c]) => opts.filters.label.every((l) => c.labels[l.split('=')[0] ?? ''] === l.split('=')[1]))
        .map(([id, c]) => ({ Id: id, Names: [`/${c.name}`], Labels: c.labels }));
    },
    getContainer: (id: string) => this.handle(this.containers.get(id)?.name ?? id),
    modem: { demuxStream: () => undefined },
  };

  /** Answers the oldest create in flight (the engine makes the container first, if it has not yet). */
  answer(): void {
    this.pending.shift()?.deferred.resolve();
  }

  /** The engine makes the oldest pending container, but its answer is lost: the create fails for its client. */
  makeButFail(): void {
    const p = this.pending.shift();
    if (p === undefined) return;
    this.make(p);
    p.deferred.reject(new Error('socket hang up'));
  }

  answerStart(): void {
    this.startAnswers.shift()?.resolve();
  }

  names(): string[] {
    return [...this.containers.values()].map((c) => c.name);
  }

  private make(entry: { name: string; made: boolean; labels: Record<string, string> }): void {
    if (entry.made) return;
    entry.made = true;
    this.containers.set(`id-${this.next++}`, { name: entry.name, labels: entry.labels });
  }

  private handle(name: string) {
    const id = [...this.containers.entries()].find(([, c]) => c.name === name)?.[0] ?? name;
    return {
      id,
      remove: async () => {
        this.calls.push(`remove ${name}`);
        this.containers.delete(id);
      },
      attach: async () => new PassThrough(),
      start: () => {
        this.calls.push(`start ${name}`);
        return new Promise<void>((resolve, reject) => this.startAnswers.push({ resolve, reject }));
      },
      wait: () => new Promise(() => undefined),
    };
  }
}

const spec = (node: string): ContainerSpec => ({
  containerName: `streamchaos-test-${node}`,
  node,
  image: 'streamchaos/kafka:test',
  binds: [],
  labels: { [LABEL.environment]: 'test' },
  logFile: '/dev/null',
  runAsHarnessUser: false,
});

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('EnvironmentContainers: a teardown accounts for container creates still in flight', () => {
  it('waits for a create in flight, then removes the container it made; the create rejects', async () => {
    const engine = new FakeEngine();
    const containers = new EnvironmentContainers(engine.docker as unknown as Docker, 'test');
    const creating = containers.create(spec('broker-1'));
    creating.catch(() => undefined);
    await tick();
    let tornDown = false;
    const teardown = containers.removeAll().then(() => {
      tornDown = true;
    });
    await tick();
    expect(tornDown).toBe(false); // the create has not been answered: the teardown waits for it
    engine.answer();
    await teardown;
    expect(engine.names()).toEqual([]);
    expect(engine.calls).toEqual(['create streamchaos-test-broker-1', 'remove streamchaos-test-broker-1', 'list']);
    await expect(creating).rejects.toThrow('being torn down');
  });

  it('sends no create once the teardown began', async () => {
    const engine = new FakeEngine();
    const containers = new EnvironmentContainers(engine.docker as unknown as Docker, 'test');
    containers.close();
    await expect(containers.create(spec('broker-2'))).rejects.toThrow('being torn down');
    expect(engine.calls).toEqual([]);
  });

  it('removes every container it created, and sweeps one the engine made though its create failed for us', async () => {
    const engine = new FakeEngine();
    const containers = new EnvironmentContainers(engine.docker as unknown as Docker, 'test');
    const toxiproxy = containers.create(spec('toxiproxy'));
    engine.answer();
    await toxiproxy;
    const broker = containers.create(spec('broker-1'));
    broker.catch(() => undefined);
    await tick();
    engine.makeButFail();
    await expect(broker).rejects.toThrow('socket hang up');
    expect(engine.names()).toEqual(['streamchaos-test-toxiproxy', 'streamchaos-test-broker-1']);
    await containers.removeAll();
    expect(engine.names()).toEqual([]);
  });

  it('leaves containers of other environments and other harness processes alone in its sweep', async () => {
    const engine = new FakeEngine();
    engine.containers.set('other-env', {
      name: 'streamchaos-other-broker-1',
      labels: { [LABEL.environment]: 'other', [LABEL.ownerPid]: String(process.pid), [LABEL.ownerHost]: hostname() },
    });
    engine.containers.set('other-pid', {
      name: 'streamchaos-test-broker-9',
      labels: { [LABEL.environment]: 'test', [LABEL.ownerPid]: '1', [LABEL.ownerHost]: hostname() },
    });
    await new EnvironmentContainers(engine.docker as unknown as Docker, 'test').removeAll();
    expect(engine.names()).toEqual(['streamchaos-other-broker-1', 'streamchaos-test-broker-9']);
  });

  it('gives up waiting after its bound, and still removes the container when the create lands later', async () => {
    const engine = new FakeEngine();
    const containers = new EnvironmentContainers(engine.docker as unknown as Docker, 'test', { inFlightWaitMs: 50 });
    const creating = containers.create(spec('broker-3'));
    creating.catch(() => undefined);
    await containers.removeAll(); // the engine never answered within 50 ms
    expect(engine.calls).toEqual(['create streamchaos-test-broker-3', 'list']);
    engine.answer();
    await expect(creating).rejects.toThrow('being torn down');
    expect(engine.names()).toEqual([]);
  });
});

describe('Container', () => {
  it('removes a container only once a start in flight has been answered', async () => {
    const engine = new FakeEngine();
    const creating = Container.create(engine.docker as unknown as Docker, spec('broker-1'));
    engine.answer();
    const container = await creating;
    const starting = container.start();
    await tick();
    const removing = container.remove();
    await tick();
    expect(engine.calls).toEqual(['create streamchaos-test-broker-1', 'start streamchaos-test-broker-1']);
    engine.answerStart();
    await starting;
    await removing;
    expect(engine.calls.at(-1)).toBe('remove streamchaos-test-broker-1');
    expect(engine.names()).toEqual([]);
  });
});
