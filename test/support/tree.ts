import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under a directory (dot-files included), as sorted paths relative to it. */
export function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? filesUnder(p, base) : [relative(base, p).split('\\').join('/')];
    });
}
