import { InvalidInputError, UsageError } from '../../errors.js';
import { loadEnvironment } from '../../spec/load-environment.js';
import { count } from '../../util/words.js';
import { c } from '../output.js';

/**
 * `streamchaos validate <files…>`: checks files without starting anything and reports every
 * problem of every file, then exits 2 if any file has one.
 */
export async function validate(args: { files: readonly string[] }): Promise<number> {
  if (args.files.length === 0) throw new UsageError('name at least one file to validate, e.g. environments/local-3.yaml');
  let bad = 0;
  for (const file of args.files) {
    try {
      const spec = await loadEnvironment(file);
      process.stdout.write(`${c.green('✓')} ${file}: environment ${spec.name}, ${count(spec.brokers.count, 'broker')}, Kafka ${spec.kafka.version}, ${count(spec.topics.length, 'topic')}\n`);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      bad++;
      const lines = e instanceof InvalidInputError ? e.message.split('\n').slice(1) : [`  ${e.message}`];
      process.stdout.write(`${c.red('✗')} ${file}\n${lines.join('\n')}\n`);
    }
  }
  if (bad > 0) process.stderr.write(`${bad} of ${args.files.length} files have problems\n`);
  return bad > 0 ? 2 : 0;
}
