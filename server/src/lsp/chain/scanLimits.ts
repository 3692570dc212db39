// How much the workspace scan reads, and when: its limits, and the environment that tunes them.

/**
 * The most YAML/JSON files the scan reads (those the config's exclusions and .gitignore leave).
 * Past it the index is partial and no prerequisite is reported missing (a missing one may be in a
 * file it did not read): the log says so, and `include`/`exclude` in policylens.config.yaml narrow
 * the scan. The limit was 5,000, counted with every package.json and fixture, and a larger
 * workspace got false "missing prerequisite" errors.
 */
export const MAX_SCANNED_FILES = 50_000;
/**
 * The scan starts each slice once no diagnostics run has been scheduled for this long (a burst of
 * opens is over), or after the longer wait at the latest, so a busy editor delays it but never stops it.
 */
const SCAN_QUIET_MS = 30;
const SCAN_MAX_WAIT_MS = 500;
/**
 * `POLICYLENS_SCAN_QUIET_MS` lengthens the quiet moment (the longer wait grows with it): the
 * protocol tests use it so that a machine that stalls for 30 ms cannot make them flaky.
 */
export function scanWaits(env: Record<string, string | undefined>): { quiet: number; maxWait: number } {
  const quiet = Number(env.POLICYLENS_SCAN_QUIET_MS) || SCAN_QUIET_MS;
  return { quiet, maxWait: Math.max(SCAN_MAX_WAIT_MS, 4 * quiet) };
}

/**
 * The limit of files in force: `POLICYLENS_SCAN_MAX_FILES` lowers it (a positive whole number), so
 * that the protocol tests can make a partial index of a few files; it never raises it.
 */
export function scanLimit(env: Record<string, string | undefined>): number {
  const n = Number(env.POLICYLENS_SCAN_MAX_FILES);
  return Number.isInteger(n) && n > 0 && n < MAX_SCANNED_FILES ? n : MAX_SCANNED_FILES;
}
