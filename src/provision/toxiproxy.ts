import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { exec, which } from '../util/exec.js';
import { cacheDir } from './cache.js';
import type { Progress } from './progress.js';

export const TOXIPROXY_VERSION = '2.12.0';
const MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';

export interface ToxiproxyServer {
  bin: string;
  source: 'TOXIPROXY_SERVER' | 'PATH' | 'cache';
}

/**
 * Finds Shopify's toxiproxy-server: $TOXIPROXY_SERVER, else `toxiproxy-server` on PATH, else the cache;
 * else builds it with `go install` (the module's binary is called `server`) into the cache as `toxiproxy-server`.
 */
export async function provisionToxiproxy(progress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<ToxiproxyServer> {
  if (env.TOXIPROXY_SERVER) {
    const bin = await which(env.TOXIPROXY_SERVER, env);
    if (bin === undefined) throw new ProvisionError(`TOXIPROXY_SERVER=${env.TOXIPROXY_SERVER} is not an executable file`);
    return { bin, source: 'TOXIPROXY_SERVER' };
  }
  const onPath = await which('toxiproxy-server', env);
  if (onPath !== undefined) return { bin: onPath, source: 'PATH' };

  const dir = join(cacheDir(env), `toxiproxy-${TOXIPROXY_VERSION}`);
  const bin = join(dir, 'toxiproxy-server');
  if (existsSync(bin)) return { bin, source: 'cache' };

  const go = await which('go', env);
  if (go === undefined) {
    throw new ProvisionError('toxiproxy-server was not found and Go is not installed to build it', {
      hint: `Install Go (https://go.dev/dl or apt-get install golang), or put Shopify's toxiproxy-server on PATH, or set TOXIPROXY_SERVER to it.`,
    });
  }
  progress.step(`building Toxiproxy ${TOXIPROXY_VERSION} with go install (${MODULE})`);
  await mkdir(dir, { recursive: true });
  const gobin = await mkdtemp(join(dir, 'build-'));
  try {
    const result = await exec(go, ['install', `-ldflags=-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION}`, `${MODULE}@v${TOXIPROXY_VERSION}`], {
      env: { ...env, GOBIN: gobin, CGO_ENABLED: '0' },
      timeoutMs: 20 * 60_000,
      what: `go install to build Toxiproxy ${TOXIPROXY_VERSION}`,
      onLine: (line) => progress.detail(line.replace(/^go: /, '')),
    });
    if (result.code !== 0) {
      throw new ProvisionError(`go install ${MODULE}@v${TOXIPROXY_VERSION} failed:\n${result.tail.slice(-10).join('\n')}`, {
        hint: 'Check that the Go module proxy is reachable (GOPROXY), or put toxiproxy-server on PATH.',
      });
    }
    await rename(join(gobin, 'server'), bin);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  progress.done(`Toxiproxy ${TOXIPROXY_VERSION}: ${bin}`);
  return { bin, source: 'cache' };
}
