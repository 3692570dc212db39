import { FileChangeType } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import {
  compilePolicies,
  expectableNames,
  gatherTestedPolicies,
  loadPolicy,
  type CompiledPolicies,
  type ExpectableNames,
  type LoadError,
  type PolicyPathListing,
  type PolicySource,
} from '../core/index';
import type { ServerContext } from './context';

/** Policy test files (`*.policytest.yaml|yml|json`): never policies, run by the Test Explorer. */
export const POLICY_TEST = /\.policytest\.(json|ya?ml)$/i;
const POLICY_FILE = /\.(json|ya?ml)$/i;

export function isPolicyTestUri(uri: string): boolean {
  return POLICY_TEST.test(uri);
}

export { policyPathsOf, type LoadError } from '../core/index';

/** The policies a test file runs against, compiled once per set of policy versions. */
export interface TestedSet {
  sources: PolicySource[];
  compiled: CompiledPolicies;
  known: ExpectableNames;
  /** `../policies/chain (3 policies)`, for messages. */
  describe: string;
  error?: LoadError;
  /** Changes when any policy of the set changes (its text), for caches keyed on it. */
  key: string;
}

/**
 * Loads the policies of test files as `policylens test` does (`policies:` relative to the test file,
 * default its folder; open buffers win over the disk), for the Test Explorer's runs, the diagnostics
 * of test files and the coverage lens. Each policy file is analysed once per text, and a set is
 * compiled once per version of its files.
 */
export class TestPolicies {
  private readonly files = new Map<
    string,
    { text: string; loaded: ReturnType<typeof loadPolicy>; hash: string }
  >();
  private readonly sets = new Map<string, TestedSet>();
  /**
   * Texts read from the disk and folder listings, kept until a file event says they changed: the
   * coverage lens loads every test file's policies for each policy document it is asked about, and
   * reading them again each time cost a second per request with 4,000 policies and 10 test files.
   */
  private readonly disk = new Map<string, string | undefined>();
  private readonly listings = new Map<string, string[]>();
  /**
   * What each test file's last load used (the policy files and the paths' targets), and how many
   * test files use each: a file or listing no test file uses any more is dropped. They were kept
   * until a file event: a `policies:` typed through `../../` or `/` on the way to its path listed
   * and read thousands of files once, and held them for the server's life (206 → 312 MB).
   */
  private readonly uses = new Map<string, { files: Set<string>; targets: Set<string> }>();
  private readonly users = new Map<string, number>();

  constructor(private readonly ctx: ServerContext) {
    ctx.files.onDidChange((changes) => {
      for (const c of changes) {
        this.disk.delete(c.uri);
        // A file created or deleted (or a folder, whose files are not named): listings change.
        if (c.type !== FileChangeType.Changed) {
          this.listings.clear();
          if (c.type === FileChangeType.Deleted) this.disk.clear();
        }
      }
    });
  }

  /** The text of a file: the editor's buffer when it is open (unsaved edits count), else the disk. */
  async textOf(uri: string): Promise<string | undefined> {
    const open = this.ctx.documents.textDocuments.get(uri)?.getText();
    if (open !== undefined) return open;
    if (!this.disk.has(uri)) this.disk.set(uri, await this.ctx.runtime.fs.readFile(uri));
    return this.disk.get(uri);
  }

  /** A policy file analysed once per text, with its text's hash (for the set's key). */
  private loadOne(uri: string, text: string): { loaded: ReturnType<typeof loadPolicy>; hash: string } {
    const cached = this.files.get(uri);
    if (cached?.text === text) return cached;
    const entry = { text, loaded: loadPolicy(uri, text), hash: hash(text) };
    this.files.set(uri, entry);
    return entry;
  }

  /**
   * The policy files a path names: the policy files under a folder, or the file itself whatever its
   * name, as `policylens test` loads a file named under `policies:` (a test file is never a
   * policy). A file without a YAML/JSON extension was taken for a folder: it listed nothing, so
   * the cases ran against no policy where the CLI ran them against it, and `/dev/zero` ran clean
   * where the CLI says it cannot be read.
   */
  private async filesOf(target: string): Promise<string[] | undefined> {
    const kept = this.listings.get(target);
    if (kept) return kept;
    const fs = this.ctx.runtime.fs;
    const folder = fs.isFolder ? await fs.isFolder(target) : !POLICY_FILE.test(target);
    if (!folder) {
      if (!(await fs.exists(target)) && !this.ctx.documents.textDocuments.get(target)) return undefined;
      return POLICY_TEST.test(target) ? [] : [target];
    }
    const files = await this.ctx.runtime.fs.listFiles(
      target,
      (u) => POLICY_FILE.test(u) && !POLICY_TEST.test(u),
    );
    if (!files.length && !(await this.ctx.runtime.fs.exists(target))) return undefined;
    files.sort();
    this.listings.set(target, files);
    return files;
  }

  async load(testUri: string, paths: readonly string[], written = true): Promise<TestedSet> {
    const base = Utils.dirname(URI.parse(testUri));
    const used = { files: new Set<string>(), targets: new Set<string>() };
    // Listed and read first, then accounted for by the engine (the same account as lint's).
    const listings: PolicyPathListing[] = [];
    for (const p of paths) {
      const target = Utils.resolvePath(base, p).toString();
      used.targets.add(target);
      const files = await this.filesOf(target);
      if (!files) {
        listings.push({ path: p });
        continue;
      }
      const read: NonNullable<PolicyPathListing['files']> = [];
      for (const uri of files) {
        used.files.add(uri);
        read.push({ uri, name: Utils.basename(URI.parse(uri)), text: await this.textOf(uri) });
      }
      listings.push({ path: p, files: read });
    }
    const gathered = gatherTestedPolicies(listings, written, (uri, text) => this.loadOne(uri, text).loaded);
    const { sources, error } = gathered;
    const versions = gathered.used.map(
      ({ uri, text }) => `${uri}\u0000${text.length}\u0000${this.loadOne(uri, text).hash}`,
    );
    this.use(testUri, used);
    const key = versions.join('\u0001');
    const cached = this.sets.get(testUri);
    if (cached && cached.key === key && cached.error?.message === error?.message) return cached;
    const compiled = compilePolicies(sources);
    const set: TestedSet = {
      sources,
      compiled,
      known: expectableNames(compiled),
      describe: gathered.describe,
      ...(error ? { error } : {}),
      key,
    };
    this.sets.set(testUri, set);
    return set;
  }

  /** A closed test file's set is not kept, nor what only it used. */
  forget(testUri: string): void {
    this.sets.delete(testUri);
    this.use(testUri, undefined);
  }

  /** How many policy files and listings are held (for tests). */
  held(): { files: number; listings: number } {
    return { files: this.files.size, listings: this.listings.size };
  }

  /** Records what a test file uses now, and drops what no test file uses any more. */
  private use(testUri: string, now: { files: Set<string>; targets: Set<string> } | undefined): void {
    const before = this.uses.get(testUri);
    if (now) this.uses.set(testUri, now);
    else this.uses.delete(testUri);
    // Targets and files share the counts: a key is a folder's or a file's URI, never both.
    const keys = (u: typeof now) => (u ? [...u.files, ...u.targets] : []);
    for (const k of keys(now)) this.users.set(k, (this.users.get(k) ?? 0) + 1);
    for (const k of keys(before)) {
      const n = (this.users.get(k) ?? 0) - 1;
      if (n > 0) {
        this.users.set(k, n);
        continue;
      }
      this.users.delete(k);
      this.files.delete(k);
      this.listings.delete(k);
      if (!POLICY_TEST.test(k)) this.disk.delete(k);
    }
  }
}

/** FNV-1a of a text: enough to tell versions of one file apart in a cache key. */
export function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const loaders = new WeakMap<ServerContext, TestPolicies>();

/** The server's one loader of test files' policies. */
export function testPoliciesOf(ctx: ServerContext): TestPolicies {
  let t = loaders.get(ctx);
  if (!t) loaders.set(ctx, (t = new TestPolicies(ctx)));
  return t;
}

/** The policy test files under the workspace's folders on disk (at most `limit` per folder). */
export async function testFilesOnDisk(ctx: ServerContext, limit?: number): Promise<string[]> {
  const uris = new Set<string>();
  for (const folder of ctx.workspaceFolders())
    for (const u of await ctx.runtime.fs.listFiles(folder, isPolicyTestUri, limit)) uris.add(u);
  return [...uris];
}

/** `onDisk` and the test files open in the editor, sorted, each once. */
export function withOpenTestFiles(ctx: ServerContext, onDisk: readonly string[]): string[] {
  const uris = new Set(onDisk);
  for (const td of ctx.documents.textDocuments.all()) if (isPolicyTestUri(td.uri)) uris.add(td.uri);
  return [...uris].sort();
}
