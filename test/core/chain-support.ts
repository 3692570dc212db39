// Loads a chain fixture workspace (`test/fixtures/chain/<case>/workspace`) into a ChainIndex, with
// the case's `live.json` (id → live policy, or null for "the org has no such policy") as the live
// org. URIs are the paths relative to the workspace folder, so expectations are portable.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chainPolicyFromText, ChainIndex, type LivePolicy } from '../../server/src/core/index';

export function workspaceFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(json|ya?ml)$/.test(name))
        out.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

type Lookup = (key: string) => LivePolicy | null | undefined;

/** The case's live org: `live.json` is `{ ids: {id: policy | null}, names: {name: policy} }`. */
export function liveOf(caseDir: string): { byId?: Lookup; byName?: Lookup } {
  const file = join(caseDir, 'live.json');
  if (!existsSync(file)) return {};
  const live = JSON.parse(readFileSync(file, 'utf8')) as {
    ids?: Record<string, LivePolicy | null>;
    names?: Record<string, LivePolicy>;
  };
  const ids = live.ids ?? {};
  const names = live.names ?? {};
  return { byId: (id) => (id in ids ? ids[id] : undefined), byName: (name) => names[name] ?? null };
}

export function loadIndex(caseDir: string): { index: ChainIndex; files: Map<string, string> } {
  const files = workspaceFiles(join(caseDir, 'workspace'));
  const index = new ChainIndex();
  const live = liveOf(caseDir);
  index.setLiveResolvers(live.byId, live.byName);
  for (const [uri, text] of files) {
    const p = chainPolicyFromText(uri, text);
    if (p) index.set(p);
  }
  return { index, files };
}
