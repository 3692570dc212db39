import type { Finding } from '../findings';
import { looksLikePolicy } from '../dialects';
import { locate, type ParsedDocument } from '../parse';
import { loadPolicy, type LoadedPolicy } from './load';
import { policyTestFindings, type TestedPolicies } from './testfile';
import type { PolicySource } from './types';

/**
 * What a test file's policies are, from the files its `policies:` names: the one account of it for
 * the editor (lsp/testFiles.ts, which lists and reads through the editor's buffers) and
 * `policylens lint` (cli/lint/testFiles.ts, from the disk), so that both say the same thing of a
 * test file whose policies do not load.
 */

/** Why a test file's policies do not load: the `policies` entry (its index) and the reason. */
export interface LoadError {
  /**
   * The index in `policies:` (0 for a single string; -1 for the whole list; undefined for the
   * default folder).
   */
  index?: number;
  message: string;
}

/** One path of `policies:` as listed: its policy files, or undefined when it names nothing. */
export interface PolicyPathListing {
  /** The path as written (`.` for the default folder). */
  path: string;
  /** `name`: the file's base name, for messages; `text` undefined: it cannot be read. */
  files?: { uri: string; name: string; text: string | undefined }[];
}

/** The policies of a test file, and the texts they came from (for caches keyed on them). */
export interface GatheredPolicies {
  sources: PolicySource[];
  used: { uri: string; text: string }[];
  error?: LoadError;
  /** `../policies/chain (3 policies)`, for messages. */
  describe: string;
}

/**
 * The policies of the listed paths, in order: a file that is not a policy is left out, and the
 * first path that names nothing, a file that cannot be read or does not parse is the error (a set
 * with no policy at all is one too: its cases would run against nothing). `load` analyses a file
 * (the editor's keeps one analysis per text).
 */
export function gatherTestedPolicies(
  listings: readonly PolicyPathListing[],
  written: boolean,
  load: (uri: string, text: string) => LoadedPolicy = loadPolicy,
): GatheredPolicies {
  const sources: PolicySource[] = [];
  const used: { uri: string; text: string }[] = [];
  let error: LoadError | undefined;
  for (const [index, { path, files }] of listings.entries()) {
    const at = written ? { index } : {};
    if (!files) {
      error ??= { ...at, message: `no such file or folder: ${path}` };
      continue;
    }
    for (const { uri, name, text } of files) {
      if (text === undefined) {
        error ??= { ...at, message: `cannot read ${name}` };
        continue;
      }
      const loaded = load(uri, text);
      if (!loaded.source) {
        if (!loaded.notAPolicy) error ??= { ...at, message: `${name} does not parse (${loaded.unusable})` };
        continue;
      }
      if (!looksLikePolicy(loaded.source.value, uri)) continue;
      sources.push(loaded.source);
      used.push({ uri, text });
    }
  }
  const paths = listings.map((l) => l.path);
  // Against no policy every case runs against nothing: `policylens test` refuses such a file
  // (exit 2), and the Test Explorer ran its cases as if they proved something.
  if (!sources.length && !error)
    error = {
      ...(written ? { index: paths.length === 1 ? 0 : -1 } : {}),
      message: `no policy file under ${written ? paths.join(', ') : 'its folder'} to run its cases against`,
    };
  const n = sources.length;
  const where = written ? paths.join(', ') : 'its folder';
  return {
    sources,
    used,
    ...(error ? { error } : {}),
    describe: `${where} (${n} ${n === 1 ? 'policy' : 'policies'})`,
  };
}

/** The finding of a `policies:` entry that loads nothing: on the entry, or on the key. */
export function policiesLoadFinding(doc: ParsedDocument, error: LoadError): Finding | undefined {
  const p = locate(doc.root, ['policies']);
  if (error.index === undefined || p.depth !== 1 || !p.node) return undefined;
  const node = p.node.type === 'array' ? (p.node.items[error.index] ?? p.node) : p.node;
  return {
    code: 'policytest/policies-not-found',
    severity: 'error',
    message: `policies: ${error.message}`,
    span: { start: node.offset, end: node.end },
  };
}

/** The paths of a test file's `policies:` as written (default: its folder). */
export function policyPathsOf(value: unknown): { paths: string[]; written: boolean } {
  const p = (value as { policies?: unknown } | null | undefined)?.policies;
  const paths = typeof p === 'string' ? [p] : Array.isArray(p) ? p.filter((x) => typeof x === 'string') : [];
  return paths.length ? { paths, written: true } : { paths: ['.'], written: false };
}

/**
 * Whether a test file parses well enough for its policies to be loaded and its `expect` names
 * checked against them (a file with a syntax error gets its syntax findings alone).
 */
export function loadsItsPolicies(doc: ParsedDocument): boolean {
  return doc.value !== undefined && !doc.parseFindings.some((f) => f.severity === 'error');
}

/**
 * The findings of a test file as the editor shows them and lint reports them: its own, the `expect`
 * names against the policies it runs against (`tested`, when `loadsItsPolicies`), and the
 * `policies:` entry that loads nothing.
 */
export function testFileFindings(
  doc: ParsedDocument,
  tested?: TestedPolicies & { error?: LoadError },
): Finding[] {
  const findings = policyTestFindings(doc, tested);
  const load = tested?.error && policiesLoadFinding(doc, tested.error);
  if (load) findings.push(load);
  return findings;
}
