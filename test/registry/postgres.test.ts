/**
 * The registry suite on a PostgreSQL server: scripts/ensure-postgres.sh installs and starts one on
 * loopback (or POLICYLENS_TEST_DATABASE_URL names one). This is not optional: if PostgreSQL cannot
 * be started, the suite fails rather than skips.
 */
import { describe } from 'node:test';
import { postgresBackend } from './backends';
import { registrySuite } from './suite';

describe('registry on PostgreSQL', () => registrySuite(postgresBackend));
