/** The registry suite on PGlite, the default storage of `policylens serve`. */
import { describe } from 'node:test';
import { pgliteBackend } from './backends';
import { registrySuite } from './suite';

describe('registry on PGlite', () => registrySuite(pgliteBackend));
