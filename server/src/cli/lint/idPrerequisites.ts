/**
 * `lint --fix` of some of a project's files (a pre-commit hook's staged files) fixes a linted file's
 * prerequisites written as server ids as `lint --fix` of the whole project does. Among the files it
 * lints, an id that a bundle carries as its own `id` gets `chain/exported-id`, whose safe fix writes
 * that bundle's name; an id carried by a bundle the run does not lint was left as it was
 * (`chain/unresolved-prerequisite`). So, before the fixes, the ids of the linted files' id
 * prerequisites are looked up in the rest of the project (lint/projectFiles.ts), and only then: the
 * bundles that hold one of them in their text, linted or not, are read with the linted file into a
 * chain index, where each id resolves as it does among all the project's bundles (the bundles that
 * carry an id, or are named by it, all hold it in their text). What the chain says there of each id
 * entry replaces what it said among the linted files.
 *
 * An id the project's bundles of different names carry (a copied export that kept its `id`) is not
 * guessed: its finding has no safe fix, the entry stays, and stderr says why.
 */
import {
  applyRuleSettings,
  applySuppressions,
  chainPolicyFromText,
  ChainIndex,
  compareFindings,
  idEntryFindings,
  idKey,
  languageOf,
  looksLikeId,
  type ChainPolicy,
  type Finding,
} from '../../core/index';
import { fromCwd } from '../files';
import type { Fixable } from './fix';
import { policyHolding, textOf, type ProjectFiles } from './projectFiles';

/** The chain findings of an entry written as an id (`idFinding`'s, and the one for an id it cannot resolve). */
const ID_CODES: ReadonlySet<string> = new Set(['chain/unresolved-prerequisite', 'chain/exported-id']);

export interface IdPrerequisites {
  /** The findings `--fix` works from, by path, for the linted files whose id entries resolve otherwise. */
  findings: Map<string, Finding[]>;
  /** What stderr says of the id entries that stay as they are, though the project was looked at. */
  notes: string[];
}

/** Whether the id entries of a linted file resolve otherwise among all the project's bundles. */
export function idPrerequisites(linted: readonly Fixable[], project: ProjectFiles): IdPrerequisites {
  const out: IdPrerequisites = { findings: new Map(), notes: [] };
  const candidates = linted.filter((f) => !f.readError && f.findings.some((x) => ID_CODES.has(x.code)));
  const byRoot = new Map<string, { file: Fixable; text: string; policy: ChainPolicy }[]>();
  for (const file of candidates) {
    const root = project.rootOf(file.path);
    const others = project.others(root);
    // The run lints the whole project: its chain is the project's.
    if ('files' in others && !others.files.length) continue;
    const text = textOf(file.path);
    const policy = text === undefined ? undefined : parsed(file.path, text);
    if (!text || !policy) continue;
    if ('unread' in others) {
      if (file.findings.some((x) => x.code === 'chain/unresolved-prerequisite'))
        out.notes.push(
          `kept the id prerequisites of ${fromCwd(file.path)} as they are: the project's other bundles could not be read to see which bundle each names (${others.unread})`,
        );
      continue;
    }
    byRoot.set(root, [...(byRoot.get(root) ?? []), { file, text, policy }]);
  }
  for (const [root, files] of byRoot) {
    const keys = new Set(
      files.flatMap(({ policy }) =>
        policy.prerequisites.filter((p) => looksLikeId(p.ref)).map((p) => idKey(p.ref)),
      ),
    );
    const others = project.others(root);
    // The linted bundles are read again too: one that carries an id of the project's under another
    // name makes the id ambiguous there, as in the whole project.
    const paths = [
      ...('files' in others ? others.files : []),
      ...linted.filter((f) => !f.readError).map((f) => f.path),
    ];
    const index = new ChainIndex();
    for (const path of paths) {
      const holder = policyHolding(path, keys);
      if (holder) index.set(holder);
    }
    for (const { policy } of files) index.set(policy);
    for (const { file, text, policy } of files) {
      const own = idEntryFindings(index, policy);
      const at = new Set(own.map((e) => `prerequisites[${e.index}]`));
      const found = own.flatMap((e) => (e.finding ? [e.finding] : []));
      const kept = file.findings.filter(
        (x) => !(ID_CODES.has(x.code) && x.path !== undefined && at.has(x.path)),
      );
      // As the run applied them to the findings it found: the file's suppressions (only those that
      // silence one: the run has already said which directives silence nothing), then the config.
      const silenced = applySuppressions(found, text, languageOf(file.path)).filter((f) => found.includes(f));
      const now = applyRuleSettings(silenced, file.rules);
      out.findings.set(file.path, [...kept, ...now].sort(compareFindings));
      for (const f of now)
        if (f.code === 'chain/exported-id' && !f.fixes?.some((x) => x.safe && x.isPreferred))
          out.notes.push(
            `kept ${f.path ?? 'a prerequisite'} of ${fromCwd(file.path)} as it is: ${f.message}`,
          );
    }
  }
  return out;
}

/** The file as the chain reads it, or undefined (not a bundle, too deep to parse). */
function parsed(path: string, text: string): ChainPolicy | undefined {
  try {
    return chainPolicyFromText(path, text);
  } catch {
    return undefined;
  }
}
