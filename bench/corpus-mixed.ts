// A corpus that mixes two of corpus.ts's: a long bundle among the bundles of a workspace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildBigBundle,
  buildWorkspace,
  CORPUS_ROOT,
  current,
  GENERATOR_VERSION,
  manifestPath,
  writeTree,
  type CorpusFile,
  type WorkspaceManifest,
} from './corpus';

/**
 * The workspace of `count` bundles (the same bundles as `ensureWorkspace`) with the long bundle of
 * `lines` lines beside them: an edit of a long bundle while the folder is indexed, the issue's
 * "CPU per edit, 5,000-line bundle in the same folder".
 */
export function ensureBundleInWorkspace(count: number, lines: number): WorkspaceManifest {
  const id = `ws-${count}-big-${lines}`;
  const have = current(id);
  if (have) return have;
  const root = join(CORPUS_ROOT, id);
  const { files, texts } = buildWorkspace(count, 0x9e3779b9 ^ count);
  const { text, patternLines } = buildBigBundle(lines);
  const file: CorpusFile = {
    path: `policies/big-${lines}.yaml`,
    name: `Big injection scan ${lines}`,
    format: 'yaml',
  };
  // The long bundle comes first: the edit scenarios edit a manifest's first file.
  const bytes = writeTree(root, [file, ...files], [text, ...texts]);
  const m: WorkspaceManifest = {
    version: GENERATOR_VERSION,
    kind: 'bundle',
    root,
    files: [file, ...files],
    bytes,
    lines,
    patternLines,
  };
  writeFileSync(manifestPath(id), JSON.stringify(m, null, 1));
  return m;
}
