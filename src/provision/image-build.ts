/**
 * Builds the local equivalents of the public images (`streamchaos setup --docker`): a Dockerfile
 * FROM scratch and a context of the host files (image-files.ts), streamed to the engine as tar;
 * an image whose inputs have not changed is reused.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { ProvisionError } from '../errors.js';
import { withTimeout } from '../util/time.js';
import { imageSpecFor, type ImageSpec, type InputFile } from './image-files.js';
import { ENGINE_MS, IMAGE_KINDS, IMAGE_LABEL, type ImageKind } from './image-names.js';
import type { Progress } from './progress.js';
import type { Tools } from './tools.js';

/** Building one local image: copying a JDK or Kafka's jars into it takes a while on a slow disk. */
const BUILD_MS = 15 * 60_000;

export interface BuiltImage {
  kind: ImageKind;
  tag: string;
  equivalentOf: string;
  /** False when an image with this tag and the same inputs label was there already and was reused. */
  built: boolean;
  seconds: number;
  sizeBytes: number;
}

/** The Dockerfile of a local image, without the inputs label (which hashes this text). */
export function dockerfileText(spec: Pick<ImageSpec, 'kind' | 'equivalentOf' | 'env' | 'entrypoint'>): string {
  return [
    `# streamchaos/${spec.kind}: a local equivalent of ${spec.equivalentOf}, built by \`streamchaos setup --docker\` from files on this machine`,
    'FROM scratch',
    'COPY rootfs/ /',
    ...Object.entries(spec.env).map(([key, value]) => `ENV ${key}=${JSON.stringify(value)}`),
    `LABEL ${IMAGE_LABEL.equivalentOf}=${JSON.stringify(spec.equivalentOf)}`,
    `ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`,
    '',
  ].join('\n');
}

/** sha256 of the sorted input files (path in the image, host path, size, mtime), the generated files and the Dockerfile. */
export function inputsHash(files: readonly InputFile[], dockerfile: string, generated: Readonly<Record<string, string>> = {}): string {
  const hash = createHash('sha256');
  const byDest = (a: { dest: string }, b: { dest: string }): number => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0);
  for (const f of [...files].sort(byDest)) hash.update(`${f.dest}\t${f.src}\t${f.size}\t${f.mtimeMs}\n`);
  for (const [dest, text] of Object.entries(generated).sort(([a], [b]) => byDest({ dest: a }, { dest: b }))) hash.update(`${JSON.stringify([dest, text])}\n`);
  hash.update(dockerfile);
  return hash.digest('hex');
}

/** One JSON object of the engine's build output stream. */
export interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** The error a build output stream reports, if any. */
export function buildStreamError(events: readonly BuildEvent[]): string | undefined {
  const failed = events.find((e) => e.error !== undefined || e.errorDetail !== undefined);
  return failed === undefined ? undefined : (failed.errorDetail?.message ?? failed.error ?? 'unknown error').trim();
}

/**
 * Builds (or reuses) the local equivalents of the public images from files on this machine:
 * Kafka (this machine's JVM and the provisioned jars), Toxiproxy (the provisioned binary) and
 * Node (the node running this process). An image whose tag exists with the same inputs label
 * is reused (built: false) unless `force`. Builds one at a time.
 * Throws ProvisionError naming the image when collecting its files or building it fails.
 */
export async function buildLocalImages(
  docker: Docker,
  tools: Tools,
  progress: Progress,
  opts: { kinds?: readonly ImageKind[]; force?: boolean } = {},
): Promise<BuiltImage[]> {
  const built: BuiltImage[] = [];
  for (const kind of opts.kinds ?? IMAGE_KINDS) {
    const started = Date.now();
    const spec = await imageSpecFor(kind, tools, progress);
    const result = await buildImage(docker, spec, progress, opts.force ?? false);
    built.push({ kind, tag: spec.tag, equivalentOf: spec.equivalentOf, ...result, seconds: (Date.now() - started) / 1000 });
  }
  return built;
}

/** Builds `spec` unless an image with its tag and inputs label exists; removes the image it replaces. */
async function buildImage(docker: Docker, spec: ImageSpec, progress: Progress, force: boolean): Promise<{ built: boolean; sizeBytes: number }> {
  const body = dockerfileText(spec);
  const inputs = inputsHash(spec.files, body, spec.generated);
  const previous = await withTimeout(docker.getImage(spec.tag).inspect(), ENGINE_MS, `the Docker engine to describe ${spec.tag}`).catch(() => undefined);
  if (!force && previous?.Config.Labels?.[IMAGE_LABEL.inputs] === inputs) {
    progress.done(`${spec.tag}: cached (its inputs have not changed)`);
    return { built: false, sizeBytes: previous.Size };
  }
  progress.step(
    `building ${spec.tag} (a local equivalent of ${spec.equivalentOf}) from ${spec.files.length} host ${spec.files.length === 1 ? 'file' : 'files'}`,
  );
  const dir = await stage(spec, `${body}LABEL ${IMAGE_LABEL.inputs}=${JSON.stringify(inputs)}\n`);
  try {
    await buildFromDir(docker, dir, spec, progress);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const image = await withTimeout(docker.getImage(spec.tag).inspect(), ENGINE_MS, `the Docker engine to describe ${spec.tag}`);
  // the image this one replaces is now untagged: remove it unless a container still uses it
  if (previous !== undefined && previous.Id !== image.Id) {
    await withTimeout(docker.getImage(previous.Id).remove(), ENGINE_MS, `the Docker engine to remove the image ${spec.tag} replaced`).catch(() => undefined);
  }
  progress.done(`${spec.tag}: built, ${(image.Size / 1e6).toFixed(0)} MB`);
  return { built: true, sizeBytes: image.Size };
}

/** A build context: the Dockerfile and rootfs/ of symlinks to the host files (tar -h copies their content), /tmp sticky. */
async function stage(spec: ImageSpec, dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `streamchaos-image-${spec.kind}-`));
  const rootfs = join(dir, 'rootfs');
  await mkdir(join(rootfs, 'tmp'), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  for (const f of spec.files) {
    await mkdir(dirname(join(rootfs, f.dest)), { recursive: true });
    await symlink(f.src, join(rootfs, f.dest));
  }
  for (const [dest, text] of Object.entries(spec.generated)) {
    await mkdir(dirname(join(rootfs, dest)), { recursive: true });
    await writeFile(join(rootfs, dest), text, { mode: 0o644 });
  }
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

/**
 * Streams `tar` of `dir` to the engine's build and follows its output. Every file is made
 * readable by anyone (--mode=a+rX: containers run as the harness's uid) and owned by root.
 * A failed tar removes what was built from its (incomplete) context.
 */
async function buildFromDir(docker: Docker, dir: string, spec: ImageSpec, progress: Progress): Promise<void> {
  const what = `building the image ${spec.tag} (local equivalent of ${spec.equivalentOf})`;
  const tar = spawn('tar', ['-c', '-h', '--mode=a+rX', '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarErrors = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    tarErrors += chunk.toString('utf8');
  });
  const tarDone = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    tar.on('error', (error) => resolve({ code: null, error }));
    tar.on('close', (code) => resolve({ code }));
  });
  let buildError: unknown;
  try {
    const build = async (): Promise<BuildEvent[]> => {
      const stream = await docker.buildImage(tar.stdout, { t: spec.tag, rm: true, forcerm: true });
      return new Promise<BuildEvent[]>((resolve, reject) => {
        const onEvent = (event: BuildEvent): void => {
          const line = event.stream?.trim();
          if (line) progress.detail(line);
        };
        docker.modem.followProgress(stream, (error: Error | null, output: BuildEvent[]) => (error === null ? resolve(output) : reject(error)), onEvent);
      });
    };
    const events = await withTimeout(build(), BUILD_MS, what);
    const failed = buildStreamError(events);
    if (failed !== undefined) buildError = new ProvisionError(`${what} failed: ${failed}`);
  } catch (e) {
    buildError = e;
  }
  if (buildError !== undefined) tar.kill();
  const tarResult = await tarDone;
  // tar's own failure is the root cause when there is one (a build from a partial context is not to be kept)
  const tarFailure =
    tarResult.error !== undefined
      ? tarResult.error.code === 'ENOENT'
        ? 'tar was not found'
        : tarResult.error.message
      : buildError === undefined && tarResult.code !== 0
        ? `tar exited with ${tarResult.code}: ${tarErrors.trim().split('\n').slice(-5).join('; ')}`
        : undefined;
  if (tarFailure !== undefined) {
    if (buildError === undefined)
      await withTimeout(docker.getImage(spec.tag).remove(), ENGINE_MS, `the Docker engine to remove ${spec.tag}`).catch(() => undefined);
    throw new ProvisionError(`${what} failed: ${tarFailure}`);
  }
  if (buildError instanceof ProvisionError) throw buildError;
  if (buildError !== undefined) {
    throw new ProvisionError(`${what} failed: ${buildError instanceof Error ? buildError.message : String(buildError)}`, { cause: buildError });
  }
}
