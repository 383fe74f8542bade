import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { corporaAt, REPO_ROOT, type Corpora } from '../test/helpers/corpora';

/** The team's benchmark and evaluation data, beside the repository (see ../shared/README.md). */
const SHARED = join(REPO_ROOT, '..', 'shared');

/**
 * A folder of the shared data, or a clear stop: benchmarks and the evaluation measure on data
 * a clean clone does not have, and a missing folder must not read as a crash in the engine.
 */
export function sharedFolder(...parts: string[]): string {
  const folder = join(SHARED, ...parts);
  if (!existsSync(folder)) {
    console.error(
      `${folder} is missing. The benchmarks and \`npm run eval\` read the team's shared data from ../shared beside the repository (see CONTRIBUTING.md); \`npm test\` does not need it.`,
    );
    process.exit(2);
  }
  return folder;
}

let corpora: Corpora | undefined;

/** The real tool outputs in ../shared/corpora. */
export function sharedCorpora(): Corpora {
  return (corpora ??= corporaAt(sharedFolder('corpora')));
}
