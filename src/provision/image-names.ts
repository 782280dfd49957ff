/**
 * Which image each node runs: the public images a user elsewhere pulls, the names and labels of
 * the local equivalents `streamchaos setup --docker` builds (image-build.ts), and finding one of
 * those on the engine.
 */
import type Docker from 'dockerode';
import { withTimeout } from '../util/time.js';
import { TOXIPROXY_VERSION } from './toxiproxy.js';

/** A question to the Docker engine (inspect, list, remove): it answers in moments. */
export const ENGINE_MS = 30_000;

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

/** The repository our local images are tagged under. */
const LOCAL_REPOSITORY = 'streamchaos';

/** `streamchaos/kafka:4.3.1`, `streamchaos/toxiproxy:2.12.0`, `streamchaos/node:20`. */
export function localImageName(kind: ImageKind, version: string): string {
  return `${LOCAL_REPOSITORY}/${kind}:${version}`;
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
