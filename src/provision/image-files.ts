/**
 * What a local image is made of, collected from this machine: the JDK and Kafka's jars, the
 * toxiproxy-server binary or this node, each with the shared libraries ldd says it loads.
 */
import { realpath, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { ProvisionError } from '../errors.js';
import { exec } from '../util/exec.js';
import { localImageName, PUBLIC_IMAGES, type ImageKind } from './image-names.js';
import type { Progress } from './progress.js';
import type { Tools } from './tools.js';
import { TOXIPROXY_VERSION } from './toxiproxy.js';

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

/** Collects the files of the local image of `kind`. */
export async function imageSpecFor(kind: ImageKind, tools: Tools, progress: Progress): Promise<ImageSpec> {
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
  // our processor's librdkafka client: the project is mounted into the container, the system libraries it was built against are not
  const native = await librdkafkaModule();
  const nativeLibs = native === undefined ? [] : (await sharedLibraries([native.file], new Set(), progress)).filter((f) => !f.src.startsWith(native.root));
  return {
    ...base,
    tag: localImageName('node', process.versions.node.split('.')[0] ?? process.versions.node),
    equivalentOf: PUBLIC_IMAGES.node,
    files: unique([node, ...(await sharedLibraries([node.src], new Set(), progress)), ...nativeLibs]),
    env: { PATH },
    entrypoint: ['node'],
  };
}

/** The native module of the librdkafka client, when it was built here, and the package it sits in. */
async function librdkafkaModule(): Promise<{ file: string; root: string } | undefined> {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('@confluentinc/kafka-javascript/package.json'));
    const file = join(root, 'build', 'Release', 'confluent-kafka-javascript.node');
    return (await stat(file)).isFile() ? { file, root: await realpath(root) } : undefined;
  } catch {
    return undefined; // not installed: the image has no use for its libraries
  }
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
