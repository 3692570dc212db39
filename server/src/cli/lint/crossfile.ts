import { createHash } from 'node:crypto';
import {
  chainPolicyFromFacts,
  ChainIndex,
  type ChainFacts,
  type Finding,
  workspaceChainFinder,
} from '../../core/index';
import { factsDigest, type LintCache } from './cache';

/** What the chain analysis needs to know of one linted file. */
export interface ChainInput {
  path: string;
  /** An unreadable or skipped file takes no part. */
  excluded: boolean;
  /** The file's chain facts when they are at hand (a file linted in this run). */
  facts?: ChainFacts;
  /** The digest of its facts when they come from the cache (the facts are then read on demand). */
  factsDigest?: string;
  /** Its content hash, when the cache knows it. */
  hash?: string;
  /** True when this run parsed it on the fast path (lint/one.ts). */
  fastParsed?: boolean;
}

/** Where the analysis gets what it needs beyond the inputs, by the file's index. */
export interface ChainSources {
  cache?: LintCache;
  /** A file's text (read on demand: only a file a chain finding is placed in needs it). */
  text: (i: number) => string;
  /** A file's facts computed again, for a cached file whose recorded facts are missing. */
  relint: (i: number) => ChainFacts | undefined;
}

/**
 * The cross-file findings of every file (asked by its place in the order given), as the editor
 * computes them over the workspace: cycles, missing and inactive prerequisites, duplicate names.
 * They are found when asked, so that lint holds no more of them than it chooses to (where 5,000
 * policies each name 20 others on one cycle there are 100,000); a file asked twice is examined twice.
 *
 * With a cache, they are taken from the last run when both hold: every file's chain facts are
 * those of that run (same paths, in the same order, with the same facts digest), and every file
 * the findings are placed in or link to has the same content (a finding's position comes from its
 * file's text). A file that changed without changing its facts and had no chain finding gets none
 * now either: what the chain finds depends only on the facts, the text only places it. Anything
 * else runs the analysis over every file, as a run without the cache does.
 */
export function crossFileFindings(
  inputs: readonly ChainInput[],
  sources: ChainSources,
): (i: number) => Finding[] {
  const { cache } = sources;
  // The digests only serve the cache (its key, and reading kept facts): without it, hashing every
  // file's facts cost 40-60 ms of a 5,000-file run.
  const digests = inputs.map((f) =>
    f.excluded || !cache ? undefined : (f.factsDigest ?? (f.facts && factsDigest(f.facts))),
  );
  let key: string | undefined;
  if (cache) {
    // One string hashed once: 5,000 small updates of a hash cost more than the hash itself.
    const all = inputs.map((f, i) => (digests[i] ? `${f.path}\0${digests[i]}\n` : '')).join('');
    key = createHash('sha1').update(all).digest('base64url');
    const kept = cache.chain;
    if (kept && kept.key === key && unchanged(kept.texts, inputs))
      return (i) => kept.findings[inputs[i].path] ?? [];
  }
  const index = new ChainIndex();
  index.scope = 'among the files linted';
  inputs.forEach((f, i) => {
    const digest = digests[i];
    if (f.excluded || (cache && !digest)) return;
    // Without the cache every file that takes part was linted in this run, facts included.
    const facts = cache && digest ? (f.facts ?? cache.factsOf(f.path, digest) ?? sources.relint(i)) : f.facts;
    if (facts) index.set(chainPolicyFromFacts(facts, () => sources.text(i), f.fastParsed));
  });
  const find = workspaceChainFinder(index);
  // An excluded file takes no part.
  const of = (i: number): Finding[] => (inputs[i].excluded ? [] : find(inputs[i].path));
  if (cache && key) {
    // The cache keeps them when they are few; they are then found once, here.
    const lists = upTo(MAX_KEPT_FINDINGS, inputs.length, of);
    cache.chain = lists && entryOf(key, inputs, lists);
    if (lists) return (i) => lists[i];
  }
  return of;
}

/** Every file's findings, or undefined as soon as there are more than `max` of them. */
function upTo(max: number, n: number, of: (i: number) => Finding[]): Finding[][] | undefined {
  const out: Finding[][] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const list = of(i);
    count += list.length;
    if (count > max) return undefined;
    out.push(list);
  }
  return out;
}

/** Whether every file recorded has the content it had. */
function unchanged(texts: Record<string, string>, inputs: readonly ChainInput[]): boolean {
  const names = Object.keys(texts);
  if (!names.length) return true;
  const now = new Map(inputs.map((f) => [f.path, f.hash]));
  return names.every((p) => now.get(p) !== undefined && now.get(p) === texts[p]);
}

/**
 * How many cross-file findings the cache keeps. Past it, keeping them costs more than finding them
 * again: where 5,000 policies each name 20 others on one cycle, the 100,000 cycle findings made a
 * 135 MB cache that every run read, rewrote and held (lint --cache 13-15 s and 1.3 GB, against
 * 4.5 s and 420-600 MB without the cache). The project's corpus has 20 such findings, 500 cycles
 * through 5,000 files 5,000.
 */
const MAX_KEPT_FINDINGS = 10_000;

/**
 * The cache entry of a run, or undefined when a file it depends on has no known content hash (the
 * next run then finds them again).
 */
function entryOf(key: string, inputs: readonly ChainInput[], out: Finding[][]) {
  const hashOf = new Map(inputs.map((f) => [f.path, f.hash]));
  const texts: Record<string, string> = {};
  const findings: Record<string, Finding[]> = {};
  for (const [i, list] of out.entries()) {
    if (!list.length) continue;
    const path = inputs[i].path;
    findings[path] = list;
    for (const p of [path, ...list.flatMap((f) => (f.related ?? []).map((r) => r.uri))]) {
      const hash = hashOf.get(p);
      if (hash === undefined) return undefined;
      texts[p] = hash;
    }
  }
  return { key, texts, findings };
}
