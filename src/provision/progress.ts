/**
 * How provisioning and startup tell the user what they are doing. The CLI renders it
 * (with colour on a terminal); library code only calls these methods.
 */
export interface Progress {
  /** A step has started, e.g. "resolving Kafka 4.3.1 from Maven Central". */
  step(message: string): void;
  /** Detail under the current step, e.g. "downloaded 12 artifacts"; may be shown on one updating line. */
  detail(message: string): void;
  /** The current step finished; `message` says what it produced. */
  done(message: string): void;
}

export const silentProgress: Progress = {
  step: () => undefined,
  detail: () => undefined,
  done: () => undefined,
};
