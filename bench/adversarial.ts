// Adversarial corpora (issue 14): workspaces written to break the easy cases of the cross-file
// analysis, not to look like the project's own bundles. Deterministic and seeded like corpus.ts.
//
//   unresolved  every prerequisite names no bundle: live-policy ids as Execlave exports them
//               (`pol-00042`, and server UUIDs), so every one is a "not a policy" question
//   near-dup    names that are all near-duplicates (`policy-0001` …), and every bundle has one
//               misspelt prerequisite, so every "did you mean" has thousands of close candidates
//   chain       one prerequisite chain through every bundle (10,000 long at 10,000 files)
//   fan-in      one policy that is the prerequisite of every other
//   cycles      500 prerequisite cycles, whatever the number of files
//   ring        one cycle through every bundle: each file's finding closes a cycle as long as the
//               workspace (a breadcrumb that named it all cost lint 26 s and 2.7 GB at 5,000)
//   dup-fan     half the bundles share one name, and the other half name it: a duplicate under the
//               largest fan-in (one list per entry cost lint 990 MB at 20,000 files)
//   large       the project's own corpus at 50,000 bundles (lint only)
//   dense       every bundle names 20 others at random (the schema's most): one cycle through
//               almost all, every entry on it; a search per entry cost lint 21 s at 5,000
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  breakBundle,
  buildWorkspace,
  CORPUS_ROOT,
  current,
  ERROR_KINDS,
  GENERATOR_VERSION,
  manifestPath,
  MODES,
  pick,
  rng,
  ruleFor,
  TEAMS,
  toYaml,
  TYPES,
  writeTree,
  type CorpusFile,
  type WorkspaceManifest,
} from './corpus';

export const ADVERSARIAL_KINDS = [
  'unresolved',
  'near-dup',
  'chain',
  'fan-in',
  'cycles',
  'large',
  'ring',
  'dup-fan',
  'dense',
] as const;
export type AdversarialKind = (typeof ADVERSARIAL_KINDS)[number];

export const ADVERSARIAL_LABELS: Record<AdversarialKind, string> = {
  unresolved: '(a) every prerequisite an unresolved id',
  'near-dup': '(b) near-duplicate names, misspelt prerequisites',
  chain: '(c) one long prerequisite chain',
  'fan-in': '(d) one prerequisite of all the others',
  cycles: '(e) 500 cycles',
  large: '(f) the project corpus',
  ring: '(g) one cycle through every policy',
  'dup-fan': '(h) one name shared by half, the prerequisite of the other half',
  dense: '(i) every policy names 20 others at random',
};

/** The sizes each kind is measured at: 1,000 and 5,000 for the scaling ratio, plus its own. */
export const ADVERSARIAL_SIZES: Record<AdversarialKind, number[]> = {
  unresolved: [1000, 5000],
  'near-dup': [1000, 5000],
  chain: [1000, 5000, 10000],
  'fan-in': [1000, 5000],
  cycles: [1000, 5000],
  large: [50000],
  ring: [1000, 5000],
  'dup-fan': [1000, 5000],
  dense: [1000, 5000],
};

/** (i): the prerequisites of each bundle, the most the Execlave schema allows. */
const DENSE_FAN_OUT = 20;

const hex = (r: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r: () => number) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;

/** A misspelling of `name`: one character dropped, doubled or swapped with the next. */
function typo(r: () => number, name: string): string {
  const at = 1 + Math.floor(r() * (name.length - 2));
  const how = Math.floor(r() * 3);
  if (how === 0) return name.slice(0, at) + name.slice(at + 1);
  if (how === 1) return name.slice(0, at) + name[at] + name.slice(at);
  return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
}

export function buildAdversarial(
  kind: AdversarialKind,
  count: number,
  seed: number,
): { files: CorpusFile[]; texts: string[] } {
  if (kind === 'large') return buildWorkspace(count, seed);
  const r = rng(seed);
  const width = String(count).length;
  const names = Array.from({ length: count }, (_, i) =>
    kind === 'near-dup'
      ? `policy-${String(i + 1).padStart(width, '0')}`
      : kind === 'dup-fan' && i < count / 2
        ? 'shared guard'
        : `${pick(r, TEAMS)} ${kind} ${i}`,
  );
  // For `cycles`: 500 rings of equal length (2 at 1,000 files, 10 at 5,000).
  const ring = Math.max(2, Math.floor(count / 500));
  const files: CorpusFile[] = [];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(r, TYPES);
    const team = pick(r, TEAMS);
    const bundle: Record<string, unknown> = {
      name: names[i],
      policyType: type,
      enforcementMode: pick(r, MODES),
      ruleDefinition: ruleFor(r, type),
      metadata: { owner: `${team}-oncall`, team },
    };
    let prerequisites: string[] = [];
    let inCycle = false;
    switch (kind) {
      case 'unresolved':
        prerequisites = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
          r() < 0.5 ? `pol-${String(Math.floor(r() * 100000)).padStart(5, '0')}` : uuid(r),
        );
        break;
      case 'near-dup':
        if (i > 0) prerequisites.push(names[Math.floor(r() * i)]!);
        prerequisites.push(typo(r, names[Math.floor(r() * count)]!));
        break;
      case 'chain':
        if (i > 0) prerequisites.push(names[i - 1]!);
        break;
      case 'fan-in':
        if (i > 0) prerequisites.push(names[0]!);
        break;
      case 'ring':
        prerequisites.push(names[(i + 1) % count]!);
        inCycle = true;
        break;
      case 'dup-fan':
        if (i >= count / 2) prerequisites.push('shared guard');
        break;
      case 'dense': {
        const named = new Set<string>();
        while (named.size < Math.min(DENSE_FAN_OUT, count - 1)) {
          const j = Math.floor(r() * count);
          if (j !== i) named.add(names[j]!);
        }
        prerequisites = [...named];
        inCycle = true;
        break;
      }
      case 'cycles': {
        const start = i - (i % ring);
        const end = Math.min(start + ring, count);
        if (end - start >= 2 && start / ring < 500) {
          prerequisites.push(names[i + 1 < end ? i + 1 : start]!);
          inCycle = true;
        }
        break;
      }
    }
    prerequisites = [...new Set(prerequisites)];
    if (prerequisites.length) bundle.prerequisites = prerequisites;
    // One file in ten carries a planted schema error, as in the project's corpus.
    const error = !inCycle && r() < 0.1 ? pick(r, ERROR_KINDS) : undefined;
    if (error) breakBundle(bundle, error);
    const format = r() < 0.3 ? 'json' : 'yaml';
    // The bundles of a shared name need files of their own.
    const slug = names[i]!.replace(/\s+/g, '-') + (kind === 'dup-fan' && i < count / 2 ? `-${i}` : '');
    const file: CorpusFile = { path: `policies/${team}/${slug}.${format}`, name: names[i]!, format };
    if (error) file.error = error;
    if (inCycle) file.inCycle = true;
    files.push(file);
    texts.push(format === 'json' ? JSON.stringify(bundle, null, 2) + '\n' : toYaml(bundle) + '\n');
  }
  return { files, texts };
}

/** The adversarial workspace `kind` of `count` bundles, generated if missing. */
export function ensureAdversarial(
  kind: AdversarialKind,
  count: number,
  dir = CORPUS_ROOT,
): WorkspaceManifest {
  const id = `adv-${kind}-${count}`;
  const have = current(id, dir);
  if (have) return have;
  const root = join(dir, id);
  const { files, texts } = buildAdversarial(kind, count, 0x85ebca6b ^ (count * 31 + kind.length));
  const bytes = writeTree(root, files, texts);
  const m: WorkspaceManifest = { version: GENERATOR_VERSION, kind: 'workspace', root, files, bytes };
  writeFileSync(manifestPath(id, dir), JSON.stringify(m, null, 1));
  return m;
}
