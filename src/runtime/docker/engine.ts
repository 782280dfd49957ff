import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { cacheDir } from '../../provision/cache.js';
import { withTimeout } from '../../util/time.js';

/** The labels every container streamchaos creates carries, so cleanup finds them. */
export const LABEL = {
  /** Present on everything we create; `docker ps -a --filter label=io.streamchaos`. */
  ours: 'io.streamchaos',
  /** The run (or `env up`) that created it. */
  run: 'io.streamchaos.run',
  environment: 'io.streamchaos.environment',
  /** `broker-2`, `toxiproxy`, `processor-1`. */
  node: 'io.streamchaos.node',
  /** The harness process that owns it: when that process is gone, the container is a leftover. */
  ownerPid: 'io.streamchaos.owner-pid',
  /** The machine of that process: a pid means nothing on another host sharing the engine. */
  ownerHost: 'io.streamchaos.owner-host',
} as const;

export const START_ENGINE_HINT =
  'start one with `scripts/dockerd.sh start` (no bridge, no iptables, loopback only; Debian: apt-get install docker.io) and export the DOCKER_HOST it prints';

/** Where we look for an engine, in order: $DOCKER_HOST, the system socket, the one scripts/dockerd.sh starts. */
export function engineCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.DOCKER_HOST) return [env.DOCKER_HOST];
  return ['unix:///var/run/docker.sock', `unix://${join(cacheDir(env), 'dockerd', 'docker.sock')}`];
}

function clientFor(host: string): Docker {
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host);
  return new Docker({ host: url.hostname, port: Number(url.port), protocol: url.protocol === 'https:' ? 'https' : 'http' });
}

export interface Engine {
  docker: Docker;
  /** The DOCKER_HOST-style address that answered. */
  host: string;
  version: string;
}

/** The first engine that answers, or an EnvironmentError saying how to start one. */
export async function connectEngine(env: NodeJS.ProcessEnv = process.env, timeoutMs = 3000): Promise<Engine> {
  const tried: string[] = [];
  for (const host of engineCandidates(env)) {
    if (host.startsWith('unix://') && !existsSync(host.slice('unix://'.length))) {
      tried.push(`${host} (no socket)`);
      continue;
    }
    const docker = clientFor(host);
    try {
      const version = await withTimeout(docker.version(), timeoutMs, `the Docker engine at ${host}`);
      return { docker, host, version: version.Version };
    } catch (e) {
      tried.push(`${host} (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  throw new EnvironmentError(`no Docker engine answers; tried ${tried.join(', ')}`, { hint: START_ENGINE_HINT });
}
