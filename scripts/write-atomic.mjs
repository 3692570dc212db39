// Writes a build output the way a reader running at the same moment can trust: into a temporary
// file beside it, then renamed over the old one. A process that starts while dist/ is rebuilt (a
// test spawning the CLI while the real-editor suite packs the .vsix, whose `vscode:prepublish`
// builds again) reads the old file or the new one, never an empty or half-written one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Replaces `path` with `contents` in one rename. */
export function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}
