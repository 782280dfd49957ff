/**
 * Reading spec files from disk as what they claim to be — a regular file of YAML text, of a
 * bounded size, read in a bounded time — with the error a user can act on when that fails, and
 * the default name a spec takes from its file.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UsageError } from '../errors.js';
import { printable } from '../util/printable.js';

/** The largest spec file read: a real one is a few kB. */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;

/** How long reading one spec file may take. */
export const SPEC_FILE_READ_MS = 5_000;

/**
 * The text of `file`. Throws UsageError naming the path (escaped) when it cannot be read
 * (missing, no permission, a read past SPEC_FILE_READ_MS), when it is not a regular file (a
 * directory, a FIFO, a device such as /dev/stdin or /dev/zero, a socket, a file under /proc or
 * /sys), when it is larger than MAX_SPEC_FILE_BYTES, and when it is not text (NUL bytes, not
 * UTF-8, control characters): the message never quotes the content. `noun` says what kind of
 * file was expected ("environment file"). A UTF-8 byte-order mark is dropped.
 *
 * Nothing here blocks on a FIFO or a terminal: the file is opened non-blocking, and the open
 * handle (not the path, which may have changed since) is checked before a byte is read.
 */
export async function readSpecFile(file: string, noun: string, hint: string): Promise<string> {
  const shown = printable(file, 160);
  const refuse = (what: string): UsageError => new UsageError(`${shown} ${what}`, { hint });
  const not = `not an ${noun}`;
  let bytes: Buffer;
  try {
    const kind = fileKind(await stat(file));
    if (kind !== undefined) throw refuse(`is ${await viaLink(file, kind)}, ${not}`);
    const real = await realpath(file);
    if (/^\/(proc|sys)(\/|$)/.test(real)) throw refuse(`is a kernel file under /${real.split('/')[1]} (made up as it is read), ${not}`);
    bytes = await readBounded(file, noun, refuse);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw unreadable(shown, error, noun, hint);
  }
  return decodeText(bytes, noun, refuse);
}

/** What a non-regular file is, in words; undefined for a regular file. */
function fileKind(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (a pipe: reading it waits for whoever writes)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

async function viaLink(file: string, kind: string): Promise<string> {
  const link = await lstat(file).catch(() => undefined);
  return link?.isSymbolicLink() === true ? `a symbolic link to ${kind}` : kind;
}

/** Up to MAX_SPEC_FILE_BYTES of the regular file at `file`, within SPEC_FILE_READ_MS. */
async function readBounded(file: string, noun: string, refuse: (what: string) => UsageError): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  let timer: NodeJS.Timeout | undefined;
  try {
    const opened = await handle.stat();
    const kind = fileKind(opened);
    if (kind !== undefined) throw refuse(`is ${kind}, not an ${noun}`); // it changed since it was looked at
    const tooLarge = `is larger than ${MAX_SPEC_FILE_BYTES / 1024 / 1024} MiB, the limit for an ${noun} (a real one is a few kB)`;
    if (opened.size > MAX_SPEC_FILE_BYTES) throw refuse(tooLarge);
    const read = async (): Promise<Buffer> => {
      const buffer = Buffer.alloc(MAX_SPEC_FILE_BYTES + 1);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    };
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UsageError(`reading ${printable(file, 160)} took longer than ${SPEC_FILE_READ_MS / 1000} s; gave up`)),
        SPEC_FILE_READ_MS,
      );
    });
    const bytes = await Promise.race([read(), late]);
    if (bytes.length > MAX_SPEC_FILE_BYTES) throw refuse(tooLarge); // it grew while it was read
    return bytes;
  } finally {
    clearTimeout(timer);
    void handle.close().catch(() => undefined);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters YAML text may not hold
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** The bytes as text, or a refusal that says why they are not text without quoting them. */
function decodeText(bytes: Buffer, noun: string, refuse: (what: string) => UsageError): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw refuse(`is UTF-16 text (it starts with a UTF-16 byte-order mark); save the ${noun} as UTF-8`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw refuse(`is a binary file (a NUL byte at byte ${nul + 1}), not an ${noun} (YAML text)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refuse(`is not UTF-8 text (an invalid byte sequence${firstInvalid(bytes)}); an ${noun} is YAML text in UTF-8`);
  }
  const control = CONTROL.exec(text);
  if (control !== null) {
    const before = text.slice(0, control.index);
    const line = before.split('\n').length;
    const column = control.index - before.lastIndexOf('\n');
    const code = control[0].codePointAt(0) ?? 0;
    const name = `U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
    throw refuse(
      `holds a control character (${name} at line ${line}, column ${column}), which YAML text may not; write it as an escape in a double-quoted string if it is meant`,
    );
  }
  return text;
}

/** ` at byte N` for the first byte where UTF-8 decoding fails, or '' if it cannot be told. */
function firstInvalid(bytes: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // the longest prefix that decodes (a cut inside a character counts as valid with stream: true)
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo < bytes.length ? ` at byte ${lo + 1}` : '';
}

function unreadable(shown: string, error: unknown, noun: string, hint: string): UsageError {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'ENOENT':
      return new UsageError(`${noun} not found: ${shown}`, { hint, cause: error });
    case 'ENOTDIR':
      return new UsageError(`${noun} not found: ${shown} (a part of the path is not a directory)`, { hint, cause: error });
    case 'EISDIR':
      return new UsageError(`${shown} is a directory, not an ${noun}`, { hint, cause: error });
    case 'EACCES':
    case 'EPERM':
      return new UsageError(`cannot read ${noun} ${shown}: permission denied`, { cause: error });
    case 'ELOOP':
      return new UsageError(`cannot read ${noun} ${shown}: too many symbolic links (a loop?)`, { cause: error });
    case 'ENAMETOOLONG':
      return new UsageError(`cannot read ${noun} ${shown}: the path is too long`, { cause: error });
    default:
      return new UsageError(`cannot read ${noun} ${shown}${typeof code === 'string' ? ` (${printable(code, 20)})` : ''}`, { cause: error });
  }
}

/** The file's basename without extension, with characters unfit for a name replaced by '-'. */
export function defaultName(file: string, fallback: string): string {
  const base = basename(file, extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return base.slice(0, 63) || fallback;
}
