import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { buildLocalImages } from '../../src/provision/image-build.js';
import { localImageName, PUBLIC_IMAGES } from '../../src/provision/image-names.js';
import { ensureTools } from '../../src/provision/tools.js';
import { Container, reapLeftoverContainers } from '../../src/runtime/docker/container.js';
import { connectEngine, LABEL, type Engine } from '../../src/runtime/docker/engine.js';
import { chooseImage } from '../../src/runtime/docker/image-choice.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/schema/environment.js';

/** The parts of the docker runtime that the end-to-end runs do not reach on their own. */
const engine: Engine | undefined = await connectEngine(process.env, 3000).catch(() => undefined);
const required = process.env.CI_REQUIRE_DOCKER === '1';
const silent = { step: () => undefined, detail: () => undefined, done: () => undefined };
const TEST_LABEL = 'io.streamchaos.test';

describe.skipIf(engine === undefined && !required)('docker runtime parts, on a real engine', () => {
  let docker: Engine['docker'];
  const toxiproxy = localImageName('toxiproxy', '2.12.0');

  beforeAll(async () => {
    expect(engine, 'no Docker engine answers: .ci/run starts one with scripts/dockerd.sh').toBeDefined();
    docker = engine!.docker;
    await buildLocalImages(docker, await ensureTools(DEFAULT_KAFKA_VERSION, silent), silent, { kinds: ['toxiproxy'] });
  });

  afterAll(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=parts`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    expect(left.map((c) => c.Names[0])).toEqual([]);
  });

  it('uses the local equivalent of a public image the engine lacks, and with pulling off refuses an unknown image, saying how to get one', async () => {
    const chosen = await chooseImage(docker, PUBLIC_IMAGES.toxiproxy, silent, { STREAMCHAOS_PULL: 'never' });
    const hasPublic = await docker
      .getImage(PUBLIC_IMAGES.toxiproxy)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    expect(chosen).toEqual(
      hasPublic
        ? { wanted: PUBLIC_IMAGES.toxiproxy, image: PUBLIC_IMAGES.toxiproxy, how: 'present' }
        : { wanted: PUBLIC_IMAGES.toxiproxy, image: toxiproxy, how: 'local equivalent' },
    );

    const refused = await chooseImage(docker, 'streamchaos-test/absent:1', silent, { STREAMCHAOS_PULL: 'never' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EnvironmentError);
    expect((refused as EnvironmentError).message).toBe(
      'image streamchaos-test/absent:1 is not on the Docker engine, and pulling is off (STREAMCHAOS_PULL=never)',
    );
    expect((refused as EnvironmentError).hint).toContain('streamchaos setup --docker');
  });

  it('pauses, resumes, stops and removes a container, each resolving once the engine reports it; its output lands in its log file', async () => {
    const log = join(inject('testRoot'), 'parts-toxiproxy.log');
    const c = await Container.create(docker, {
      containerName: 'streamchaos-test-parts-toxiproxy',
      node: 'toxiproxy',
      image: toxiproxy,
      cmd: ['-host', '127.0.0.1', '-port', '28474'],
      binds: [],
      labels: { [TEST_LABEL]: 'parts' },
      logFile: log,
      runAsHarnessUser: true,
    });
    try {
      await c.start();
      expect(c.running).toBe(true);
      const { HostConfig, Config } = await docker.getContainer(c.container).inspect();
      expect({
        privileged: HostConfig.Privileged,
        network: HostConfig.NetworkMode,
        capAdd: HostConfig.CapAdd ?? [],
        securityOpt: HostConfig.SecurityOpt,
      }).toEqual({
        privileged: false,
        network: 'host',
        capAdd: [],
        securityOpt: ['no-new-privileges'],
      });
      expect(Config.User).toBe(`${process.getuid!()}:${process.getgid!()}`);
      await c.pause();
      expect(await c.paused()).toBe(true);
      await c.resume();
      expect(await c.paused()).toBe(false);
      await c.pause(); // a paused container still stops: it is thawed first so it can act on SIGTERM
      await c.stop(5000);
      expect(c.running).toBe(false);
      expect((await c.exited).code).not.toBeNull();
      expect(await c.tail()).toMatch(/API HTTP server starting|Starting Toxiproxy/i);
      await c.stop(5000); // idempotent
      await c.kill();
    } finally {
      await c.remove();
      await c.remove(); // idempotent
    }
    expect(await docker.listContainers({ all: true, filters: { name: ['streamchaos-test-parts-toxiproxy'] } })).toEqual([]);
  });

  it('reaps containers whose owning harness died on this machine, and leaves those of a live harness alone', async () => {
    const dead = spawnSync('true').pid!; // a pid that has exited
    const create = (name: string, pid: number, host = hostname()) =>
      docker.createContainer({
        name,
        Image: toxiproxy,
        Cmd: ['-version'],
        Labels: { [LABEL.ours]: '1', [LABEL.ownerPid]: String(pid), [LABEL.ownerHost]: host, [TEST_LABEL]: 'parts' },
        HostConfig: { NetworkMode: 'host' },
      });
    await create('streamchaos-test-parts-orphan', dead);
    await create('streamchaos-test-parts-alive', process.pid);
    await create('streamchaos-test-parts-other-host', dead, 'another-machine');
    const reaped = await reapLeftoverContainers(docker);
    expect(reaped).toContain('streamchaos-test-parts-orphan');
    const left = (await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=parts`] } })).map((c) => c.Names[0]).sort();
    expect(left).toEqual(['/streamchaos-test-parts-alive', '/streamchaos-test-parts-other-host']);
    await Promise.all(left.map((n) => docker.getContainer(n!.slice(1)).remove({ force: true })));
  });
});
