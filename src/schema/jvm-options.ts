/**
 * The broker JVM's heap and flags, checked with the JVM's own rules, so a value the JVM refuses
 * is refused at its line instead of failing the broker's start: the maximum heap (-Xmx) is more
 * than 2 MB ("Too small maximum heap"), the initial heap (-Xms) at most the maximum ("Initial heap
 * size set to a larger value than the maximum heap size"), and each flag is one command-line
 * argument. The maximum heap is set by `brokers.heap` alone, never around it.
 */
import { printable } from '../util/printable.js';
import { LIMITS } from './limits.js';

const KIB = 1024n;
const UNITS: Readonly<Record<string, bigint>> = { '': 1n, k: KIB, m: KIB ** 2n, g: KIB ** 3n, t: KIB ** 4n };

/** The smallest maximum heap the JVM starts with is above this. */
const MIN_HEAP = 2n * KIB ** 2n;
/** Beyond any machine streamchaos runs brokers on; a larger number is a typo. */
const MAX_HEAP = KIB ** 4n;

/** A size as the JVM reads it (`512m`, `2g`, `1048576`), in bytes, or undefined when it is not one. */
export function jvmSize(text: string): bigint | undefined {
  const m = /^(\d{1,19})([kKmMgGtT]?)$/.exec(text);
  if (m === null) return undefined;
  return BigInt(m[1] ?? '0') * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1n);
}

const HEAP_SYNTAX = "write a number followed by k, m or g, e.g. '512m' or '2g'";

/** What is wrong with `brokers.heap`, or undefined. */
export function heapProblem(heap: string): string | undefined {
  const m = /^(\d{1,13})([kKmMgG])$/.exec(heap);
  if (m === null) return `'${printable(heap, 64)}' is not a JVM heap size; ${HEAP_SYNTAX}`;
  if (/^0\d/.test(heap)) return `'${heap}': ${HEAP_SYNTAX}, without leading zeros`;
  const bytes = jvmSize(heap) ?? 0n;
  if (bytes <= MIN_HEAP)
    return `'${heap}' is too small: the JVM refuses a maximum heap of 2m or less (and a Kafka broker needs far more: 512m is a good start)`;
  if (bytes > MAX_HEAP) return `'${heap}' is more than 1024g; no broker here needs that much: write a size that fits the machine, e.g. '2g'`;
  return undefined;
}

/** Flags that set the maximum heap, which brokers.heap owns. */
const MAX_HEAP_FLAG = /^-(?:Xmx|XX:MaxHeapSize=)/i;
/** Flags that set the initial (or minimum) heap, with their size. */
const INITIAL_HEAP_FLAG = /^-(?:Xms|XX:InitialHeapSize=|XX:MinHeapSize=)(.*)$/i;
/** Flags that read more flags from a file, or replace what streamchaos starts. */
const MORE_FLAGS = /^-XX:(?:Flags|VMOptionsFile)=/i;
const CLASS_PATH = /^(?:-cp|-classpath|--class-path(?:=.*)?|-jar|-m|--module(?:=.*)?)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What is wrong with one JVM flag of `brokers.jvmOptions` on its own, or undefined. The heap rule needs the heap: see `initialHeapProblem`. */
export function jvmFlagProblem(flag: string): string | undefined {
  if (flag.length > LIMITS.valueLength) return `a flag of ${flag.length} characters; at most ${LIMITS.valueLength}`;
  if (/[\r\n]/.test(flag)) {
    return `'${printable(flag, 64)}' holds a line break: each list item is one command-line argument of the JVM, which would not start with this one; write one flag per item`;
  }
  if (flag.includes('\u0000')) return `'${printable(flag, 64)}' holds a NUL character, which no command-line argument can hold: the broker would not start`;
  if (CONTROL.test(flag)) return `'${printable(flag, 64)}' holds a control character, which no JVM flag has`;
  if (MAX_HEAP_FLAG.test(flag)) return `set the maximum heap with brokers.heap, not with '${printable(flag, 64)}'`;
  if (flag.startsWith('-Djdk.net.hosts.file')) return 'streamchaos sets -Djdk.net.hosts.file itself, to route each broker-to-broker link through its proxy';
  if (MORE_FLAGS.test(flag))
    return `'${printable(flag, 64)}' reads more JVM flags from a file, where these rules cannot see them: write each flag here instead`;
  if (CLASS_PATH.test(flag)) return `'${printable(flag, 64)}': streamchaos sets the class path and the main class (kafka.Kafka) itself`;
  if (!flag.startsWith('-')) return `'${printable(flag, 64)}' is not a JVM flag; JVM flags start with '-', e.g. '-XX:+UseG1GC'`;
  const initial = INITIAL_HEAP_FLAG.exec(flag);
  if (initial !== null && jvmSize(initial[1] ?? '') === undefined) {
    return `'${printable(flag, 64)}': the JVM would refuse this size; write a number followed by k, m or g, e.g. '-Xms256m'`;
  }
  return undefined;
}

/** What is wrong with an initial-heap flag (-Xms…) given the maximum heap, or undefined (also for any other flag). */
export function initialHeapProblem(flag: string, heap: string): string | undefined {
  const initial = INITIAL_HEAP_FLAG.exec(flag);
  const size = initial === null ? undefined : jvmSize(initial[1] ?? '');
  const max = heapProblem(heap) === undefined ? jvmSize(heap) : undefined;
  if (size === undefined || max === undefined) return undefined;
  if (size > max) {
    return `'${flag}' is more than brokers.heap (${heap}): the JVM refuses to start with an initial or minimum heap larger than the maximum one`;
  }
  if (size > 0n && size < KIB ** 2n && !/^-XX:MinHeapSize/i.test(flag)) {
    return `'${flag}' is less than 1m: the JVM refuses an initial heap that small ("Too small initial heap"); 0 leaves it to the JVM`;
  }
  return undefined;
}
