// Writes a build output the way a reader running at the same moment can trust: into a temporary
// file beside it, then renamed over the old one. A process that starts while dist/ is rebuilt (a
// test spawning the CLI while the real-editor suite packs the .vsix, whose `vscode:prepublish`
// builds again) reads the old file or the new one, never an empty or half-written one.
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `contents` in one rename. The new file keeps the mode of the one it
 * replaces, and a script (`#!` first) is executable: `dist/cli.js` is the package's bin, and npm
 * made it executable when it installed the package (a link to this checkout in the action's
 * test); a rebuild that left it 0644 under a running `policylens` made it "Permission denied".
 */
export function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  let mode;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    mode = undefined;
  }
  const head =
    typeof contents === 'string'
      ? contents.slice(0, 2)
      : Buffer.from(contents.subarray(0, 2)).toString('latin1');
  if (head === '#!') mode = (mode ?? 0o644) | 0o111;
  if (mode !== undefined) chmodSync(temp, mode);
  renameSync(temp, path);
}
