// The validator of the precompiled floor (bench/floor.mjs with a third argument): ajv's standalone
// code for the Execlave schema, generated once per bench process before anything is timed, as the
// build generates Policy Lens's own validators. The floor then measures reading, parsing and
// validating without the ≈ 100 ms of a schema compile that a shipped linter does not pay.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import { writeAtomic } from '../scripts/write-atomic.mjs';
import { REPO, SCHEMA_PATH } from './servers';

let written: string | undefined;

/** The path of the generated CommonJS module (under .cache/bench, so that it resolves ajv's runtime). */
export function floorValidator(): string {
  if (written) return written;
  // The same options as the compiling floor, plus the code generation.
  const ajv = new Ajv2020({ strict: false, allErrors: false, code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  const file = join(REPO, '.cache/bench/floor-validator.cjs');
  // Renamed into place: the bench's smoke run and the corpus test may write it while the other's
  // floor process loads it (the same code either way).
  writeAtomic(file, standaloneCode(ajv, validate));
  return (written = file);
}
