// What a test file's entry (scripts/test-entries.mjs) imports to wait for the build of dist/: only
// Node, so that waiting costs the entry nothing but the wait.
import { existsSync, watch } from 'node:fs';
import { dirname } from 'node:path';

/** Resolves once `file` exists: a watch on its directory, then a look, so no creation is missed. */
export function whenExists(file) {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(file), () => {
      if (!existsSync(file)) return;
      watcher.close();
      resolve();
    });
    watcher.on('error', reject);
    if (existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}
