import type { Location } from 'vscode-languageserver';
import { chainReferences, policyNameAt, referencesAt } from '../../core/index';
import { currentIndex } from '../chain/workspaceChain';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { runSafe } from '../runSafe';
import { siteLocations, testSitesNaming } from '../testNames';

/**
 * Find references on a policy name (its `name`, or a prerequisite naming it): every prerequisite
 * entry in the workspace that depends on it, and its declaration when the client asks for it.
 */
export async function references(
  ctx: ServerContext,
  uri: string,
  position: { line: number; character: number },
  includeDeclaration: boolean,
): Promise<Location[] | null> {
  // A workflow or server name inside one Preloop document.
  const doc = ctx.documents.get(uri);
  const local = doc && referencesAt(doc, doc.lines.offsetAt(position), includeDeclaration);
  if (local) return local.map((span) => ({ uri, range: toRange(doc.lines, span) }));
  const index = await currentIndex(ctx.chain);
  const offset = index.offsetAt(uri, position);
  if (offset === undefined) return null;
  const found = chainReferences(index.policies, uri, offset, includeDeclaration);
  const out = found.flatMap((l) => index.locationOf(l.uri, l.span) ?? []);
  // The policy tests that expect it by name.
  const name = policyNameAt(index.policies, uri, offset)?.name;
  return name ? [...out, ...siteLocations(await testSitesNaming(ctx, name))] : out;
}

/** `textDocument/references`. */
export const referencesFeature: Feature = {
  name: 'references',
  capabilities: () => ({ referencesProvider: true }),
  register(ctx) {
    ctx.connection.onReferences((params, token) =>
      runSafe(ctx.log, 'references', token, null, () =>
        references(ctx, params.textDocument.uri, params.position, params.context.includeDeclaration),
      ),
    );
  },
};
