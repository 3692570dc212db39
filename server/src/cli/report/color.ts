/**
 * Whether a report is coloured, by the conventions Node's own `tty.getColorDepth()` and chalk
 * follow (docs/decisions/cli-output.md): an explicit `--color` / `--no-color` wins; then
 * FORCE_COLOR (`0` or `false` turns colour off; empty, `1`, `2`, `3` or `true` turns it on, even
 * into a pipe or a file; any other value is ignored); then NO_COLOR when it is not empty
 * (https://no-color.org); then `TERM=dumb`; and otherwise colour only on a terminal.
 */
export function colorEnabled(
  stream: { isTTY?: boolean },
  flag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR?.trim().toLowerCase();
  if (force === '0' || force === 'false') return false;
  if (force === '' || force === '1' || force === '2' || force === '3' || force === 'true') return true;
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

/** ANSI colours for a report written to `stream`, when colorEnabled() says so. */
export function painter(stream: { isTTY?: boolean }, flag?: boolean): Paint {
  const on = colorEnabled(stream, flag);
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2) };
}
