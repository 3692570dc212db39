/**
 * Policy names in the `expect` lists of the workspace's policy test files (`fired`, `notFired`,
 * `skipped`), for rename, references and definition. The server already validated, completed and
 * hovered these names; a field test found that renaming a policy left every test naming it broken
 * (`policytest/unknown-policy`), that references did not list them, and that go to definition from
 * one answered nothing.
 */
import type { Location, TextEdit } from 'vscode-languageserver';
import {
  expectNameSites,
  languageOf,
  LineIndex,
  ParsedDocument,
  quoteIfNeeded,
  type StringNode,
} from '../core/index';
import type { ServerContext } from './context';
import { toRange } from './convert';
import { testFilesOnDisk, testPoliciesOf, withOpenTestFiles } from './testFiles';

/** How many test files a rename or a search reads at most. */
const MAX_TEST_FILES = 2_000;

interface NameSite {
  uri: string;
  lines: LineIndex;
  node: StringNode;
  json: boolean;
}

/** The expectation sites of one test file's text, whatever name they hold. */
function sitesOf(uri: string, text: string): NameSite[] {
  const doc = new ParsedDocument(text, languageOf(uri));
  if (doc.parseFindings.some((f) => f.severity === 'error')) return [];
  const lines = new LineIndex(text);
  return expectNameSites(doc).map(({ node }) => ({ uri, lines, node, json: doc.language === 'json' }));
}

/** Every place a test file expects the policy `name`. */
export async function testSitesNaming(ctx: ServerContext, name: string): Promise<NameSite[]> {
  const loader = testPoliciesOf(ctx);
  const out: NameSite[] = [];
  for (const uri of withOpenTestFiles(ctx, await testFilesOnDisk(ctx, MAX_TEST_FILES))) {
    const text = ctx.documents.textDocuments.get(uri)?.getText() ?? (await loader.textOf(uri));
    if (text === undefined || !text.includes(name)) continue;
    out.push(...sitesOf(uri, text).filter((s) => s.node.value === name));
  }
  return out;
}

/** The locations of `sites`. */
export function siteLocations(sites: readonly NameSite[]): Location[] {
  return sites.map((s) => ({
    uri: s.uri,
    range: toRange(s.lines, { start: s.node.offset, end: s.node.end }),
  }));
}

/** The edits that write `newName` at `sites`, quoted as each file needs, added to `changes`. */
export function addSiteEdits(
  changes: Record<string, TextEdit[]>,
  sites: readonly NameSite[],
  newName: string,
): void {
  for (const s of sites) {
    const quoted = s.json || s.node.style !== 'plain' ? JSON.stringify(newName) : quoteIfNeeded(newName);
    const edit = { range: toRange(s.lines, { start: s.node.offset, end: s.node.end }), newText: quoted };
    (changes[s.uri] ??= []).push(edit);
  }
}

/** The policy name expected at `offset` of an open test file, if one is there. */
export function testNameAt(ctx: ServerContext, uri: string, offset: number): string | undefined {
  const text = ctx.documents.textDocuments.get(uri)?.getText();
  if (text === undefined) return undefined;
  return sitesOf(uri, text).find((s) => offset >= s.node.offset && offset <= s.node.end)?.node.value;
}
