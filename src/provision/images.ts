import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import type Docker from 'dockerode';
import { ProvisionError } from '../errors.js';
import { exec } from '../util/exec.js';
import { withTimeout } from '../util/time.js';
import type { Progress } from './progress.js';
import type { Tools } from './tools.js';
import { TOXIPROXY_VERSION } from './toxiproxy.js';

/** A question to the Docker engine (inspect, list, remove): it answers in moments. */
const ENGINE_MS = 30_000;
/** Building one local image: copying a JDK or Kafka's jars into it takes a while on a slow disk. */
const BUILD_MS = 15 * 60_000;

export type ImageKind = 'kafka' | 'toxiproxy' | 'node';
export const IMAGE_KINDS: readonly ImageKind[] = ['kafka', 'toxiproxy', 'node'];

/** Public images a user elsewhere pulls; `streamchaos setup --docker` builds local equivalents with the same interface. */
export const PUBLIC_IMAGES = {
  kafka: (version: string): string => `apache/kafka:${version}`,
  toxiproxy: `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION}`,
  node: 'node:20-slim',
} as const;

export const IMAGE_LABEL = {
  /** The public image this local one stands in for, e.g. `apache/kafka:4.3.1`. */
  equivalentOf: 'io.streamchaos.equivalent-of',
  /** inputsHash() of what the image was built from: equal means a rebuild would give the same image. */
  inputs: 'io.streamchaos.inputs',
} as const;

/** `streamchaos/kafka:4.3.1`, `streamchaos/toxiproxy:2.12.0`, `streamchaos/node:20`. */
/** The repository our local images are tagged under. */
const LOCAL_REPOSITORY = 'streamchaos';

export function localImageName(kind: ImageKind, version: string): string {
  return `${LOCAL_REPOSITORY}/${kind}:${version}`;
}

/** A host file copied into an image (symlinks followed), with what identifies its content for the cache. */
export interface InputFile {
  /** Absolute path in the image. */
  dest: string;
  /** Real path on the host. */
  src: string;
  size: number;
  mtimeMs: number;
}

/** Everything one local image is made of. */
export interface ImageSpec {
  kind: ImageKind;
  tag: string;
  equivalentOf: string;
  files: InputFile[];
  /** Small files written for the image, by path in the image (/etc/passwd and friends). */
  generated: Record<string, string>;
  env: Record<string, string>;
  entrypoint: string[];
}

export interface BuiltImage {
  kind: ImageKind;
  tag: string;
  equivalentOf: string;
  /** False when an image with this tag and the same inputs label was there already and was reused. */
  built: boolean;
  seconds: number;
  sizeBytes: number;
}

/**
 * Reads `ldd` output: the absolute paths of the libraries a binary loads, the dynamic loader
 * included, and the names ldd could not find. The vDSO comes from the kernel and is left out;
 * a static binary (`statically linked`, `not a dynamic executable`) has none.
 */
export function parseLdd(output: string): { libs: string[]; missing: string[] } {
  const libs = new Set<string>();
  const missing = new Set<string>();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const arrow = /^(\S+)\s+=>\s*(.*)$/.exec(line);
    if (arrow !== null) {
      const [, name = '', target = ''] = arrow;
      if (target.startsWith('not found')) missing.add(name);
      else if (target.startsWith('/')) libs.add(target.split(/\s/)[0] ?? target); // `=> (0x…)` is the vDSO on older glibc
      continue;
    }
    const loader = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line);
    if (loader?.[1] !== undefined) libs.add(loader[1]);
  }
  return { libs: [...libs], missing: [...missing] };
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
    const spec = await specFor(kind, tools, progress);
    const result = await buildImage(docker, spec, progress, opts.force ?? false);
    built.push({ kind, tag: spec.tag, equivalentOf: spec.equivalentOf, ...result, seconds: (Date.now() - started) / 1000 });
  }
  return built;
}

/**
 * The tag of a local image standing in for `publicName` (its equivalent-of label), newest first;
 * undefined when there is none. Only our own tags count: an image a user builds FROM one of
 * ours inherits its labels, and must never be taken for it.
 */
export async function findLocalEquivalent(docker: Docker, publicName: string): Promise<string | undefined> {
  const images = await withTimeout(
    docker.listImages({ filters: { label: [`${IMAGE_LABEL.equivalentOf}=${publicName}`] } }),
    ENGINE_MS,
    `the Docker engine to list the local equivalents of ${publicName}`,
  );
  const tags = images
    .sort((a, b) => b.Created - a.Created)
    .flatMap((i) => i.RepoTags ?? [])
    .filter((t) => t.startsWith(`${LOCAL_REPOSITORY}/`));
  return tags[0];
}

/** Files every image gets: users for Java's and glibc's look-ups, and name resolution from /etc/hosts first. */
const BASE_FILES: Record<string, string> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n',
  '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  '/etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
};
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const JAVA_HOME = '/opt/java/openjdk'; // where apache/kafka (eclipse-temurin) has it
/** The parts of a JDK a broker needs; jmods, headers, man pages and docs stay out. */
const JDK_PARTS = ['bin', 'conf', 'lib', 'legal', 'release'];

async function specFor(kind: ImageKind, tools: Tools, progress: Progress): Promise<ImageSpec> {
  progress.detail(`collecting the files of the local ${kind} image`);
  const base = { kind, generated: BASE_FILES };
  if (kind === 'kafka') {
    const home = dirname(dirname(await realpath(tools.kafka.java.bin)));
    const jdk = (await Promise.all(JDK_PARTS.map((p) => collect(join(home, p), `${JAVA_HOME}/${p}`)))).flat();
    const jars = await collect(tools.kafka.libs, '/opt/kafka/libs');
    // ldd over the launcher and every native library of the JDK; what the JDK holds itself is already in
    const natives = [join(home, 'bin', 'java'), ...jdk.filter((f) => f.dest.endsWith('.so')).map((f) => f.src)];
    const libs = await sharedLibraries(natives, new Set(jdk.map((f) => posix.basename(f.dest))), progress);
    return {
      ...base,
      tag: localImageName('kafka', tools.kafka.version),
      equivalentOf: PUBLIC_IMAGES.kafka(tools.kafka.version),
      files: unique([...jdk, ...jars, ...libs]),
      env: { JAVA_HOME, PATH: `${JAVA_HOME}/bin:${PATH}` },
      entrypoint: ['java'],
    };
  }
  if (kind === 'toxiproxy') {
    const bin = await inputFile(tools.toxiproxy.bin, '/toxiproxy');
    return {
      ...base,
      tag: localImageName('toxiproxy', TOXIPROXY_VERSION),
      equivalentOf: PUBLIC_IMAGES.toxiproxy,
      files: unique([bin, ...(await sharedLibraries([bin.src], new Set(), progress))]),
      env: { PATH },
      entrypoint: ['/toxiproxy'],
    };
  }
  const node = await inputFile(process.execPath, '/usr/local/bin/node');
  return {
    ...base,
    tag: localImageName('node', process.versions.node.split('.')[0] ?? process.versions.node),
    equivalentOf: PUBLIC_IMAGES.node,
    files: unique([node, ...(await sharedLibraries([node.src], new Set(), progress))]),
    env: { PATH },
    entrypoint: ['node'],
  };
}

async function inputFile(path: string, dest: string): Promise<InputFile> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined || !st.isFile()) throw new ProvisionError(`${path} is not a file; cannot put it into an image as ${dest}`);
  return { dest, src: await realpath(path), size: st.size, mtimeMs: st.mtimeMs };
}

/** Every file under `path` (symlinks followed: Debian's JDK links into /etc), as files under `dest`; dangling links are skipped. */
async function collect(path: string, dest: string): Promise<InputFile[]> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return []; // a dangling link, e.g. lib/src.zip without the source package
  if (st.isFile()) return [{ dest, src: await realpath(path), size: st.size, mtimeMs: st.mtimeMs }];
  if (!st.isDirectory()) return [];
  const entries = (await readdir(path)).sort();
  return (await Promise.all(entries.map((e) => collect(join(path, e), posix.join(dest, e))))).flat();
}

/**
 * The shared libraries and dynamic loader `binaries` need (ldd), at the paths ldd found them.
 * A library not found on the host is fatal for the first binary (the executable itself); for
 * another (an optional JDK library) it is reported and left out, as the host JVM would. Names
 * in `provided` (e.g. libjvm.so, which the JDK loads from its own lib/server) are not missing.
 */
async function sharedLibraries(binaries: readonly string[], provided: ReadonlySet<string>, progress: Progress): Promise<InputFile[]> {
  const outputs = await Promise.all(
    binaries.map((binary) =>
      exec('ldd', [binary], { tailLines: 1000, timeoutMs: 60_000, what: `ldd to list the libraries of ${binary}` }).catch((e: unknown) => {
        throw new ProvisionError(`cannot run ldd on ${binary}: ${e instanceof Error ? e.message : String(e)}`, {
          hint: 'ldd comes with glibc (Debian: libc-bin).',
        });
      }),
    ),
  );
  const found = new Map<string, InputFile>();
  for (const [index, binary] of binaries.entries()) {
    const { libs, missing } = parseLdd(outputs[index]?.tail.join('\n') ?? '');
    const absent = missing.filter((name) => !provided.has(name));
    if (absent.length > 0 && index === 0) throw new ProvisionError(`${binary} needs ${absent.join(', ')}, which ldd cannot find on this machine`);
    if (absent.length > 0) progress.detail(`${binary} needs ${absent.join(', ')} (not on this machine); left out`);
    for (const lib of libs) {
      const dest = posix.normalize(lib);
      if (!provided.has(posix.basename(dest)) && !found.has(dest)) found.set(dest, await inputFile(lib, dest));
    }
  }
  return [...found.values()];
}

function unique(files: readonly InputFile[]): InputFile[] {
  return [...new Map(files.map((f) => [f.dest, f])).values()];
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
