import type { Slos } from './slos.js';

/** One fault window as it will run: when, what, on which target (random targets already drawn from the seed). */
export interface PlannedFault {
  index: number;
  name: string;
  kind: string;
  atMs: number;
  healAtMs?: number;
  target: string;
}

/**
 * The experiment with everything resolved that can be resolved before starting. Recorded in
 * the History's first line: the report shows the experiment as run from it.
 */
export interface Plan {
  name: string;
  description?: string;
  seed: number;
  durationMs: number;
  environment: { name: string; brokers: number; kafka: string; topics: string[] };
  /** For an external environment: where it is, its declared proxies, and which faults are possible there. Never a secret. */
  external?: { bootstrap: string; observer: string; security: string; toxiproxy?: string; proxies: string[]; possible: string[]; impossible: string[] };
  /** `--dry-run`: the workload and every check run, and no fault is injected. */
  dryRun?: boolean;
  producers: {
    name: string;
    topic: string;
    rate: number;
    keys: number;
    payloadBytes: number;
    acks: string;
    idempotent: boolean;
    transactional: boolean;
    instances: number;
  }[];
  processor?: { input: string; output: string; instances: number; mode: string; command?: string[] };
  consumers?: { name: string; topic: string; group: string; instances: number }[];
  timeline: PlannedFault[];
  steadyState: { before: string[]; after: string[] };
  slos: Slos;
  runbook?: string;
}
