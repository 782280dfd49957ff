import { printable } from '../util/printable.js';

/**
 * The shape of every line of a history.jsonl but the run line (run-shape.ts): each field an
 * entry of its type claims, of the type it claims, checked in place (no copy: a History holds
 * 10^6 lines and more). A line that passes is what the checkers can read without a guard; the
 * fields no checker reads (extras) are left alone. What is wrong is said in words for a message,
 * `without records` or `whose records[2].crc is not a number`, never quoting the line.
 */

type Obj = Record<string, unknown>;
/** A field missing (`what` undefined) or not what it should be. */
interface Flaw {
  path: string;
  what?: string;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): boolean => Number.isInteger(v);
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';

const A_NUMBER = 'a finite number';
const A_COUNT = 'a whole number, 0 or more';
const A_STRING = 'a string';

function need(o: Obj, key: string, test: (v: unknown) => boolean, what: string, optional = false): Flaw | undefined {
  const v = o[key];
  if (v === undefined) return optional ? undefined : { path: key };
  return test(v) ? undefined : { path: key, what };
}

/** Every element passes `test`; the first that does not is named by its index. */
function each(o: Obj, key: string, test: (v: unknown) => boolean, what: string, optional = false): Flaw | undefined {
  const v = o[key];
  if (v === undefined) return optional ? undefined : { path: key };
  if (!Array.isArray(v)) return { path: key, what: 'a list' };
  for (let i = 0; i < v.length; i++) if (!test(v[i])) return { path: `${key}[${i}]`, what };
  return undefined;
}

/** Every element is an object whose fields pass `fields`; the first flaw is named with its index. */
function eachObject(o: Obj, key: string, fields: (e: Obj) => Flaw | undefined, optional = false): Flaw | undefined {
  const v = o[key];
  if (v === undefined) return optional ? undefined : { path: key };
  if (!Array.isArray(v)) return { path: key, what: 'a list' };
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!isObj(e)) return { path: `${key}[${i}]`, what: 'an object' };
    const f = fields(e);
    if (f !== undefined) return { path: `${key}[${i}].${f.path}`, ...(f.what === undefined ? {} : { what: f.what }) };
  }
  return undefined;
}

/** An object of numbers by name (per-partition lag, end offsets, min.insync.replicas). */
function numbersByName(o: Obj, key: string, test: (v: unknown) => boolean, what: string, optional = false): Flaw | undefined {
  const v = o[key];
  if (v === undefined) return optional ? undefined : { path: key };
  if (!isObj(v)) return { path: key, what: 'an object' };
  for (const k in v) if (!test(v[k])) return { path: `${key}.${k}`, what };
  return undefined;
}

const first = (...flaws: (Flaw | undefined)[]): Flaw | undefined => flaws.find((f) => f !== undefined);

const EVENT_KINDS = new Set(['phase', 'load', 'fault-start', 'fault-heal', 'fault-error', 'node-down', 'node-up', 'probe', 'note']);
/** Nesting of an event's detail: streamchaos writes two levels at most. */
const MAX_DETAIL_DEPTH = 16;

const sentRecord = (r: Obj) => first(need(r, 'id', isString, A_STRING), need(r, 'key', isString, A_STRING), need(r, 'crc', isNumber, A_NUMBER));
const readRecord = (r: Obj) =>
  first(
    need(r, 'offset', isCount, A_COUNT),
    need(r, 'id', isString, A_STRING, true),
    need(r, 'key', isString, A_STRING),
    need(r, 'crc', isNumber, A_NUMBER),
    need(r, 'latencyMs', isNumber, A_NUMBER, true),
  );
const samplePartition = (p: Obj) =>
  first(
    need(p, 'topic', isString, A_STRING),
    need(p, 'partition', isCount, A_COUNT),
    need(p, 'leader', isInt, 'a broker id'),
    need(p, 'leaderEpoch', isInt, 'a whole number', true),
    each(p, 'replicas', isInt, 'a broker id'),
    each(p, 'isr', isInt, 'a broker id'),
  );
const quorumAnswer = (q: Obj) =>
  first(need(q, 'broker', isInt, 'a broker id'), need(q, 'leader', isInt, 'a broker id'), need(q, 'epoch', isInt, 'a whole number'));

/** The checks of each line type but `run`, after `type` and `time`. */
const SHAPES: Record<string, (o: Obj) => Flaw | undefined> = {
  send: (o) => {
    const process = first(need(o, 'process', isString, A_STRING), need(o, 'batch', isCount, A_COUNT));
    if (process !== undefined) return process;
    if (o.phase === 'invoke')
      return first(need(o, 'topic', isString, A_STRING), need(o, 'partition', isCount, A_COUNT, true), eachObject(o, 'records', sentRecord));
    if (o.phase === 'ok' || o.phase === 'fail' || o.phase === 'info')
      return first(
        need(o, 'error', isString, A_STRING, true),
        need(o, 'first', isCount, A_COUNT, true),
        need(o, 'count', isCount, A_COUNT, true),
        (o.first === undefined) === (o.count === undefined)
          ? undefined
          : { path: o.first === undefined ? 'first' : 'count', what: 'both first and count, or neither' },
        each(o, 'offsets', isCount, A_COUNT, true),
      );
    return o.phase === undefined ? { path: 'phase' } : { path: 'phase', what: 'invoke, ok, fail or info' };
  },
  read: (o) => first(need(o, 'topic', isString, A_STRING), need(o, 'partition', isCount, A_COUNT), eachObject(o, 'records', readRecord)),
  'read-done': (o) =>
    first(
      need(o, 'topic', isString, A_STRING),
      numbersByName(o, 'endOffsets', isCount, A_COUNT),
      need(o, 'complete', isBoolean, 'true or false'),
      need(o, 'error', isString, A_STRING, true),
    ),
  event: (o) =>
    first(
      need(o, 'kind', (k) => typeof k === 'string' && EVENT_KINDS.has(k), 'a kind of event streamchaos writes'),
      need(o, 'name', isString, A_STRING),
      need(o, 'target', isString, A_STRING, true),
      need(o, 'detail', isPlainDetail, `an object of plain values (finite numbers, at most ${MAX_DETAIL_DEPTH} levels deep)`, true),
    ),
  sample: (o) =>
    first(
      each(o, 'liveBrokers', isInt, 'a broker id'),
      eachObject(o, 'partitions', samplePartition),
      numbersByName(o, 'minIsr', isCount, A_COUNT, true),
      eachObject(o, 'quorum', quorumAnswer, true),
      need(o, 'processorsAlive', isCount, A_COUNT, true),
    ),
  seen: (o) =>
    first(
      need(o, 'topic', isString, A_STRING),
      need(o, 'partition', isCount, A_COUNT),
      each(o, 'ids', (id) => id === null || typeof id === 'string', 'a record id or null'),
    ),
  lag: (o) =>
    first(
      need(o, 'group', isString, A_STRING),
      need(o, 'topic', isString, A_STRING),
      numbersByName(o, 'partitions', isNumber, A_NUMBER),
      need(o, 'total', isNumber, A_NUMBER),
    ),
};

/** An event's detail: an object whose values, however nested (up to a bound), are strings, booleans, null or finite numbers. Walked without recursion. */
function isPlainDetail(detail: unknown): boolean {
  if (!isObj(detail)) return false;
  const stack: { v: unknown; depth: number }[] = [{ v: detail, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, depth } = top;
    if (typeof v === 'number' && !Number.isFinite(v)) return false;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_DETAIL_DEPTH) return false;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: x, depth: depth + 1 });
  }
  return true;
}

/**
 * What is wrong with one parsed line that is not a run line, in words (`a send line without
 * records`), or undefined when it is an entry of its type. Anything from the line that the
 * words show (a field name, a type) is made printable.
 */
export function entryFlaw(v: unknown): string | undefined {
  if (!isObj(v)) return `${v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`}, not a history entry`;
  const type = v.type;
  if (type === undefined) return 'an object without a type, not a history entry';
  if (typeof type !== 'string') return 'an object whose type is not a string, not a history entry';
  const shape = SHAPES[type];
  if (shape === undefined) return `a line of type ${printable(JSON.stringify(type), 40)}, which streamchaos does not write`;
  const f = need(v, 'time', isNumber, A_NUMBER) ?? shape(v);
  if (f === undefined) return undefined;
  const path = printable(f.path, 80);
  const line = `${type === 'event' ? 'an' : 'a'} ${type} line`;
  return f.what === undefined ? `${line} without ${path}` : `${line} whose ${path} is not ${f.what}`;
}
