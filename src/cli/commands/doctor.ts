import type { ExitCode } from '../../exit-code.js';
import { nativeClient } from '../../cluster/librdkafka.js';
import { cacheDir } from '../../provision/cache.js';
import { findJava } from '../../provision/java.js';
import { cachedKafka, DEFAULT_KAFKA_VERSION } from '../../provision/kafka.js';
import { connectEngine, engineCandidates, START_ENGINE_HINT } from '../../runtime/docker/engine.js';
import { which } from '../../util/exec.js';
import { c } from '../output.js';

type Status = 'ok' | 'warn' | 'fail';
interface Finding {
  what: string;
  status: Status;
  detail: string;
  fix?: string;
}

/** `streamchaos doctor`: checks what streamchaos needs, says what to fix. Exit 0 when runs can start. */
export async function doctor(args: { json: boolean }): Promise<ExitCode> {
  const findings = await Promise.all([checkNode(), checkJava(), checkKafka(), checkKafkaClient(), checkToxiproxy(), checkSetpriv(), checkDocker()]);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ cache: cacheDir(), findings }, null, 2)}\n`);
  } else {
    const mark: Record<Status, string> = { ok: c.green('✓'), warn: c.yellow('!'), fail: c.red('✗') };
    for (const f of findings) {
      process.stdout.write(`${mark[f.status]} ${f.what.padEnd(12)} ${f.detail}\n`);
      if (f.fix !== undefined && f.status !== 'ok') process.stdout.write(`  ${c.dim('fix:')} ${f.fix}\n`);
    }
    process.stdout.write(`${c.dim(`cache: ${cacheDir()}`)}\n`);
  }
  return findings.some((f) => f.status === 'fail') ? 3 : 0;
}

async function checkNode(): Promise<Finding> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { what: 'Node.js', status: ok ? 'ok' : 'fail', detail: `v${process.versions.node}`, fix: 'install Node.js 20.19 or newer' };
}

async function checkJava(): Promise<Finding> {
  try {
    const java = await findJava();
    return {
      what: 'Java',
      status: java.major >= 17 ? 'ok' : 'fail',
      detail: `Java ${java.major} at ${java.bin}`,
      fix: 'Kafka 4 needs Java 17+: apt-get install openjdk-17-jre-headless, or set JAVA_HOME',
    };
  } catch (e) {
    return {
      what: 'Java',
      status: 'fail',
      detail: e instanceof Error ? e.message : String(e),
      fix: 'apt-get install openjdk-17-jre-headless, or set JAVA_HOME',
    };
  }
}

async function checkKafka(): Promise<Finding> {
  if (process.env.KAFKA_HOME) return { what: 'Kafka', status: 'ok', detail: `KAFKA_HOME=${process.env.KAFKA_HOME}` };
  const cached = await cachedKafka(DEFAULT_KAFKA_VERSION);
  if (cached !== undefined) return { what: 'Kafka', status: 'ok', detail: `${DEFAULT_KAFKA_VERSION} cached (${cached.length} jars)` };
  const mvn = await which('mvn');
  return mvn === undefined
    ? {
        what: 'Kafka',
        status: 'fail',
        detail: 'not cached, and no Maven to fetch it',
        fix: 'apt-get install maven, or set KAFKA_HOME to an unpacked Kafka download',
      }
    : { what: 'Kafka', status: 'warn', detail: `not cached yet; \`streamchaos setup\` fetches it with ${mvn}`, fix: 'run `streamchaos setup`' };
}

/** The harness's own Kafka client: librdkafka when its native module loads, else kafkajs (and every run says so). */
async function checkKafkaClient(): Promise<Finding> {
  const native = nativeClient();
  return native.available
    ? { what: 'librdkafka', status: 'ok', detail: `${native.version} (the native client loaded: producers, processor and consumers run on it)` }
    : {
        what: 'librdkafka',
        status: 'warn',
        detail: `not available: ${native.reason}; runs use kafkajs instead, and their summary and report say so`,
        fix: 'scripts/install.sh builds it (Debian: libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev, then CKJS_LINKING=dynamic npm rebuild @confluentinc/kafka-javascript)',
      };
}

async function checkToxiproxy(): Promise<Finding> {
  const env = process.env.TOXIPROXY_SERVER;
  if (env) {
    return (await which(env)) === undefined
      ? {
          what: 'Toxiproxy',
          status: 'fail',
          detail: `TOXIPROXY_SERVER=${env} is not executable`,
          fix: 'point TOXIPROXY_SERVER at toxiproxy-server, or unset it',
        }
      : { what: 'Toxiproxy', status: 'ok', detail: `TOXIPROXY_SERVER=${env}` };
  }
  const onPath = (await which('toxiproxy-server')) ?? (await which(`${cacheDir()}/toxiproxy-2.12.0/toxiproxy-server`));
  if (onPath !== undefined) return { what: 'Toxiproxy', status: 'ok', detail: onPath };
  const go = await which('go');
  return go === undefined
    ? { what: 'Toxiproxy', status: 'fail', detail: 'toxiproxy-server not found, and no Go to build it', fix: 'install Go, or put toxiproxy-server on PATH' }
    : { what: 'Toxiproxy', status: 'warn', detail: 'not built yet; `streamchaos setup` builds it with go install', fix: 'run `streamchaos setup`' };
}

async function checkSetpriv(): Promise<Finding> {
  if (process.platform !== 'linux') return { what: 'setpriv', status: 'warn', detail: 'not Linux: nodes are not tied to the harness by the kernel' };
  const bin = await which('setpriv');
  return bin === undefined
    ? { what: 'setpriv', status: 'warn', detail: 'not found: if streamchaos is killed, its brokers may outlive it', fix: 'apt-get install util-linux' }
    : { what: 'setpriv', status: 'ok', detail: `${bin} (nodes die with the harness)` };
}

async function checkDocker(): Promise<Finding> {
  try {
    const engine = await connectEngine(process.env, 3000);
    const via = process.env.DOCKER_HOST ? '' : ` at ${engine.host} (export DOCKER_HOST=${engine.host} for the docker CLI)`;
    return { what: 'Docker', status: 'ok', detail: `engine ${engine.version} answers${via} (needed only for --runtime docker and processor images)` };
  } catch {
    return {
      what: 'Docker',
      status: 'warn',
      detail: `no Docker engine answers at ${engineCandidates().join(' or ')} (needed only for --runtime docker and processor images)`,
      fix: START_ENGINE_HINT,
    };
  }
}
