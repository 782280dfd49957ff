/**
 * The watchdog (see watchdog.ts): `node watchdog-main.js <harness pid>`. Waits for the harness
 * to end, then kills the processes and removes the containers it left, and exits. A container
 * create the harness had sent but not seen answered when it died is finished by the engine
 * regardless, later: then the watchdog goes on removing the harness's containers for
 * SETTLE_MS, so one that appears after the harness's death goes too.
 */
import { reapContainersOf } from './docker/container.js';
import { connectEngine } from './docker/engine.js';
import { ExitCode, exitWith } from '../exit-code.js';
import { pidAlive } from '../util/processes.js';
import { sleep } from '../util/time.js';
import { killProcesses, leftoverProcesses } from './leftovers.js';
import { CREATE_ANSWERED, CREATE_SENT } from './watchdog.js';

const POLL_MS = 300;
/** How long after the harness's death creates it left unanswered may still make a container. */
const SETTLE_MS = 30_000;
const SETTLE_POLL_MS = 500;

let unanswered = 0;
let closed = false;
/** The harness's end of the pipe closes when it dies: by then every message it wrote has been read. */
const harnessClosed = new Promise<void>((resolve) => {
  const end = (): void => {
    closed = true;
    resolve();
  };
  process.stdin.on('data', (chunk: Buffer) => {
    for (const c of chunk.toString('latin1')) {
      if (c === CREATE_SENT) unanswered++;
      else if (c === CREATE_ANSWERED) unanswered--;
    }
  });
  process.stdin.on('end', end);
  process.stdin.on('error', end);
  process.stdin.on('close', end);
});

async function watch(owner: number): Promise<void> {
  // woken early by the pipe closing; polled, for a harness whose pipe closed before it died
  while (pidAlive(owner)) await (closed ? sleep(POLL_MS) : Promise.race([harnessClosed, sleep(POLL_MS)]));
  await Promise.race([harnessClosed, sleep(1000)]); // the last messages
  killProcesses(leftoverProcesses(owner));
  const engine = await connectEngine(process.env, 3000).catch(() => undefined);
  if (engine === undefined) return;
  await reapContainersOf(engine.docker, owner).catch(() => undefined);
  if (unanswered <= 0) return;
  for (const until = Date.now() + SETTLE_MS; Date.now() < until; ) {
    await sleep(SETTLE_POLL_MS);
    await reapContainersOf(engine.docker, owner).catch(() => undefined);
  }
}

const owner = Number(process.argv[2]);
if (!Number.isInteger(owner) || owner <= 0) exitWith(ExitCode.usage);
watch(owner).then(
  () => exitWith(ExitCode.ok),
  () => exitWith(ExitCode.failed),
);
