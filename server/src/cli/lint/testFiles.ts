// `policylens lint` of policy test files (`*.policytest.yaml|yml|json`): the checks and messages the
// editor shows for them (lsp/testFileDiagnostics.ts), from the same engine functions, with the
// policies each file runs against loaded from the disk as the editor loads them.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  applyRuleSettings,
  compilePolicies,
  expectableNames,
  gatherTestedPolicies,
  languageOf,
  LineIndex,
  loadPolicy,
  loadsItsPolicies,
  ParsedDocument,
  policyPathsOf,
  testFileFindings,
  tooLargeFinding,
  type ExpectableNames,
  type Finding,
  type LoadError,
} from '../../core/index';
import {
  POLICY_EXTENSIONS,
  POLICY_TEST_FILE,
  readPolicyText,
  readWholeText,
  type PolicyFile,
} from '../files';
import { POLICY_TEST_DIALECT, type FileResult } from '../report/types';
import type { Fixable } from './fix';

interface TestedSet {
  known: ExpectableNames;
  describe: string;
  error?: LoadError;
}

/**
 * The policy files a path of `policies:` names, as the editor lists them (lsp/testFiles.ts with the
 * node runtime): a file itself whatever its name (a test file is never a policy), or the YAML/JSON
 * files under a folder, sorted, without entries whose name starts with `.`, `node_modules` or
 * symbolic links; undefined when nothing is there. The config's include/exclude does not apply:
 * `policies:` says what the cases run against.
 */
function filesOf(target: string): string[] | undefined {
  let folder: boolean;
  try {
    folder = statSync(target).isDirectory();
  } catch {
    return undefined;
  }
  if (!folder) return POLICY_TEST_FILE.test(target) ? [] : [target];
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && POLICY_EXTENSIONS.test(e.name) && !POLICY_TEST_FILE.test(e.name)) out.push(p);
    }
  };
  walk(target);
  return out.sort();
}

function textOrUndefined(path: string): string | undefined {
  try {
    return readWholeText(path);
  } catch {
    return undefined;
  }
}

/**
 * Loads test files' policies for one run: each policy file read and analysed once, each set of
 * paths compiled once (test files beside each other share their folder).
 */
export class TestPolicyLoader {
  private readonly loaded = new Map<string, ReturnType<typeof loadPolicy>>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly sets = new Map<string, TestedSet>();

  load(testPath: string, paths: readonly string[], written: boolean): TestedSet {
    const targets = paths.map((p) => resolve(dirname(testPath), p));
    const key = `${written}\u0000${paths.join('\u0000')}\u0000${targets.join('\u0000')}`;
    const kept = this.sets.get(key);
    if (kept) return kept;
    const listings = paths.map((path, i) => {
      const files = filesOf(targets[i]);
      return {
        path,
        ...(files ? { files: files.map((f) => ({ uri: f, name: basename(f), text: this.textOf(f) })) } : {}),
      };
    });
    const gathered = gatherTestedPolicies(listings, written, (uri, text) => this.loadOne(uri, text));
    const set: TestedSet = {
      known: expectableNames(compilePolicies(gathered.sources)),
      describe: gathered.describe,
      ...(gathered.error ? { error: gathered.error } : {}),
    };
    this.sets.set(key, set);
    return set;
  }

  private textOf(path: string): string | undefined {
    if (!this.texts.has(path)) this.texts.set(path, textOrUndefined(path));
    return this.texts.get(path);
  }

  private loadOne(path: string, text: string): ReturnType<typeof loadPolicy> {
    let l = this.loaded.get(path);
    if (!l) this.loaded.set(path, (l = loadPolicy(path, text)));
    return l;
  }
}

/** The findings of a test file's text, with the config's severities (no policy loaded: for --fix). */
export function testFileTextFindings(path: string, text: string, loader?: TestPolicyLoader): Finding[] {
  const doc = new ParsedDocument(text, languageOf(path));
  if (!loader || !loadsItsPolicies(doc)) return testFileFindings(doc);
  const { paths, written } = policyPathsOf(doc.value);
  return testFileFindings(doc, loader.load(path, paths, written));
}

/** Lints one test file; never throws (a file that cannot be read is a `readError`). */
export function lintTestFile(file: PolicyFile, loader: TestPolicyLoader): FileResult & Fixable {
  const base = {
    path: file.path,
    file: file.display,
    rules: file.settings.rules,
    dialect: POLICY_TEST_DIALECT.id,
    dialectLabel: POLICY_TEST_DIALECT.label,
  };
  const failed = (readError: string) => ({ ...base, readError, findings: [], lines: new LineIndex('') });
  if (file.error !== undefined) return failed(file.error);
  try {
    const read = readPolicyText(file.path, file.regular === true);
    if (read.kind === 'too-large')
      return { ...base, findings: [tooLargeFinding(read.bytes, 'disk')], lines: new LineIndex('') };
    const findings = applyRuleSettings(
      testFileTextFindings(file.path, read.text, loader),
      file.settings.rules,
    );
    return { ...base, findings, lines: new LineIndex(read.text) };
  } catch (e) {
    return failed((e as Error).message);
  }
}
