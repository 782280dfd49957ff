import { formatIssue, InvalidInputError } from '../../src/errors.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';

/** The problems parseExperiment reports for `text` (as file x.yaml), as the user sees them; throws when there are none. */
export async function problems(text: string): Promise<string[]> {
  try {
    await parseExperiment(text, 'x.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('parsed without problems');
}
