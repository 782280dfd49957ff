import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded and built tools live: $STREAMCHAOS_CACHE, else $XDG_CACHE_HOME/streamchaos, else ~/.cache/streamchaos. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STREAMCHAOS_CACHE) return env.STREAMCHAOS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'streamchaos');
}

/** Where running environments keep their state: $STREAMCHAOS_STATE, else $XDG_STATE_HOME/streamchaos, else ~/.local/state/streamchaos. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STREAMCHAOS_STATE) return env.STREAMCHAOS_STATE;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'streamchaos');
}
