import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { findLocalEquivalent } from '../../provision/image-names.js';
import type { Progress } from '../../provision/progress.js';
import { withTimeout } from '../../util/time.js';

const PULL_TIMEOUT_MS = 600_000;

/** The image a node runs, and why that one. */
export interface ChosenImage {
  /** What the environment asked for. */
  wanted: string;
  /** What runs: `wanted`, or the local equivalent `streamchaos setup --docker` built for it. */
  image: string;
  how: 'present' | 'local equivalent' | 'pulled';
}

async function present(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the image to run for `wanted`: the image itself when the engine has it; else the local
 * equivalent built by `streamchaos setup --docker` (labelled as such), said out loud; else a
 * pull, unless STREAMCHAOS_PULL=never (CI here: no registry traffic at all). The report names
 * the image that ran.
 */
export async function chooseImage(docker: Docker, wanted: string, progress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<ChosenImage> {
  if (await present(docker, wanted)) return { wanted, image: wanted, how: 'present' };
  const local = await findLocalEquivalent(docker, wanted);
  if (local !== undefined) {
    progress.detail(`${wanted} is not on this engine; using ${local}, its local equivalent built by \`streamchaos setup --docker\``);
    return { wanted, image: local, how: 'local equivalent' };
  }
  if (env.STREAMCHAOS_PULL === 'never') {
    throw new EnvironmentError(`image ${wanted} is not on the Docker engine, and pulling is off (STREAMCHAOS_PULL=never)`, {
      hint: 'build local equivalents with `streamchaos setup --docker`, or name an image the engine has in the environment file (images:)',
    });
  }
  progress.detail(`pulling ${wanted}`);
  try {
    await withTimeout(pull(docker, wanted), PULL_TIMEOUT_MS, `pulling ${wanted}`);
    return { wanted, image: wanted, how: 'pulled' };
  } catch (e) {
    throw new EnvironmentError(`image ${wanted} is not on the Docker engine and could not be pulled: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'without a registry, build local equivalents with `streamchaos setup --docker`; or name an image the engine has in the environment file (images:)',
    });
  }
}

async function pull(docker: Docker, name: string): Promise<void> {
  const stream = await docker.pull(name);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = output?.find((o) => o.error !== undefined);
      if (error !== null) reject(error);
      else if (failed !== undefined) reject(new Error(failed.error));
      else resolve();
    });
  });
}
