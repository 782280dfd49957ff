import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalImages, type BuiltImage } from '../../src/provision/image-build.js';
import { findLocalEquivalent, IMAGE_LABEL, PUBLIC_IMAGES } from '../../src/provision/image-names.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/provision/kafka.js';
import { silentProgress } from '../../src/provision/progress.js';
import { ensureTools, type Tools } from '../../src/provision/tools.js';
import { connectEngine } from '../../src/runtime/docker/engine.js';

/** Every container this file starts carries it; none may be left at the end. */
const TEST_LABEL = { 'io.streamchaos.test': 'images' };
const engineAnswers = await connectEngine().then(
  () => true,
  () => false,
);
const required = process.env.CI_REQUIRE_DOCKER === '1';
const title =
  engineAnswers || required
    ? 'local images (streamchaos setup --docker)'
    : 'local images (skipped: no Docker engine answers; `scripts/dockerd.sh start` starts one, CI_REQUIRE_DOCKER=1 makes this a failure)';

const ME = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;

/** Runs `cmd` in `image` as `user` (this process's by default), on the host network, and returns what it printed (stdout and stderr). */
async function runIn(docker: Docker, image: string, cmd: string[], entrypoint?: string[], user = ME): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    ...(entrypoint === undefined ? {} : { Entrypoint: entrypoint }),
    User: user,
    Labels: TEST_LABEL,
    HostConfig: { NetworkMode: 'host' },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { code: StatusCode, output: demux(logs).trim() };
  } finally {
    await container.remove({ force: true });
  }
}

/** The text of a non-TTY container's logs: frames of an 8-byte header (stream, 0, 0, 0, length) and that many bytes. */
function demux(logs: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= logs.length; at += 8 + logs.readUInt32BE(at + 4)) parts.push(logs.subarray(at + 8, at + 8 + logs.readUInt32BE(at + 4)));
  return Buffer.concat(parts).toString('utf8');
}

/** The names of the files in `dir` of `image`, read from a created (never started) container. */
async function filesIn(docker: Docker, image: string, dir: string): Promise<string[]> {
  const container = await docker.createContainer({ Image: image, Labels: TEST_LABEL, HostConfig: { NetworkMode: 'host' } });
  try {
    const archive = await container.getArchive({ path: dir });
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    const names = execFileSync('tar', ['-t'], { input: Buffer.concat(chunks), encoding: 'utf8' });
    return names
      .split('\n')
      .filter((n) => n !== '' && !n.endsWith('/'))
      .map((n) => n.slice(n.lastIndexOf('/') + 1))
      .sort();
  } finally {
    await container.remove({ force: true });
  }
}

async function leftovers(docker: Docker): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: ['io.streamchaos.test=images'] } });
  return containers.map((c) => c.Id);
}

describe.skipIf(!engineAnswers && !required)(title, () => {
  let docker: Docker;
  let tools: Tools;
  let first: BuiltImage[];
  const tag = (kind: BuiltImage['kind']): string => first.find((b) => b.kind === kind)?.tag ?? `no ${kind} image was built`;

  beforeAll(async () => {
    ({ docker } = await connectEngine()); // with CI_REQUIRE_DOCKER=1 and no engine, this fails every test
    tools = await ensureTools(DEFAULT_KAFKA_VERSION, silentProgress);
    first = await buildLocalImages(docker, tools, silentProgress);
  }, 600_000);

  afterAll(async () => {
    if (docker === undefined) return;
    for (const id of await leftovers(docker)) await docker.getContainer(id).remove({ force: true });
  });

  it('builds the three images, each labelled with the public image it stands in for', async () => {
    expect(first.map((b) => [b.kind, b.tag, b.equivalentOf])).toEqual([
      ['kafka', `streamchaos/kafka:${tools.kafka.version}`, PUBLIC_IMAGES.kafka(tools.kafka.version)],
      ['toxiproxy', 'streamchaos/toxiproxy:2.12.0', PUBLIC_IMAGES.toxiproxy],
      ['node', `streamchaos/node:${process.versions.node.split('.')[0]}`, PUBLIC_IMAGES.node],
    ]);
    for (const b of first) {
      const labels = (await docker.getImage(b.tag).inspect()).Config.Labels;
      expect(labels[IMAGE_LABEL.equivalentOf]).toBe(b.equivalentOf);
      expect(labels[IMAGE_LABEL.inputs]).toMatch(/^[0-9a-f]{64}$/);
      expect(b.sizeBytes).toBeGreaterThan(0);
    }
  });

  it("runs Java 17 in the kafka image as this process's user, and as nobody (every file readable by anyone)", async () => {
    for (const user of [ME, '65534:65534']) {
      const { code, output } = await runIn(docker, tag('kafka'), ['-version'], ['java'], user);
      expect({ user, code }).toEqual({ user, code: 0 });
      expect(output).toMatch(/version "17\./);
    }
  });

  it("holds every jar of the provisioned Kafka in /opt/kafka/libs, and Kafka's tools run from them", async () => {
    const jars = (await readdir(tools.kafka.libs)).sort();
    expect(await filesIn(docker, tag('kafka'), '/opt/kafka/libs')).toEqual(jars);
    const { code, output } = await runIn(docker, tag('kafka'), ['-cp', '/opt/kafka/libs/*', 'kafka.tools.StorageTool', 'random-uuid'], ['java']);
    expect(code).toBe(0);
    expect(output.split('\n').at(-1)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('runs the provisioned toxiproxy-server as /toxiproxy, the entrypoint', async () => {
    const { code, output } = await runIn(docker, tag('toxiproxy'), ['-version']);
    expect(code).toBe(0);
    // the image prints what the host binary prints; provisioning sets the version (-ldflags -X)
    expect(output).toBe(execFileSync(tools.toxiproxy.bin, ['-version'], { encoding: 'utf8' }).trim());
    expect(output).toBe('toxiproxy-server version 2.12.0');
    expect(readFileSync(tools.toxiproxy.bin).includes('github.com/Shopify/toxiproxy/v2\tv2.12.0')).toBe(true);
  });

  it("runs this machine's node in the node image", async () => {
    const { code, output } = await runIn(docker, tag('node'), ['-e', 'console.log(6*7)'], ['node']);
    expect({ code, output }).toEqual({ code: 0, output: '42' });
  });

  it('reuses every image when nothing changed', async () => {
    const again = await buildLocalImages(docker, tools, silentProgress);
    expect(again.map((b) => [b.tag, b.built])).toEqual(first.map((b) => [b.tag, false]));
  });

  it('finds the local equivalent of a public image by its label', async () => {
    expect(await findLocalEquivalent(docker, PUBLIC_IMAGES.kafka(tools.kafka.version))).toBe(`streamchaos/kafka:${tools.kafka.version}`);
    expect(await findLocalEquivalent(docker, PUBLIC_IMAGES.toxiproxy)).toBe('streamchaos/toxiproxy:2.12.0');
    expect(await findLocalEquivalent(docker, 'apache/kafka:0.0.0-none')).toBeUndefined();
  });

  it('leaves no container behind', async () => {
    expect(await leftovers(docker)).toEqual([]);
  });
});
