import type { Definition } from 'vscode-languageserver';
import { chainDefinition, definitionAt, nameSpan } from '../../core/index';
import { currentIndex } from '../chain/workspaceChain';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { runSafe } from '../runSafe';
import { isPolicyTestUri } from '../testFiles';
import { testNameAt } from '../testNames';

/** Go to definition on a prerequisite: the `name` of the bundle it names (several when duplicated). */
export async function definition(
  ctx: ServerContext,
  uri: string,
  position: { line: number; character: number },
): Promise<Definition | null> {
  // A workflow, server or action named in the same document (Preloop, Agent Sentinel).
  const doc = ctx.documents.get(uri);
  const local = doc && definitionAt(doc, doc.lines.offsetAt(position));
  if (local) return [{ uri, range: toRange(doc.lines, local) }];
  const index = await currentIndex(ctx.chain);
  // A policy a test expects by name: the bundles of that name.
  if (isPolicyTestUri(uri) && doc === undefined) {
    const td = ctx.documents.textDocuments.get(uri);
    const name = td && testNameAt(ctx, uri, td.offsetAt(position));
    if (!name) return null;
    const named = index.policies.withName(name).flatMap((p) => {
      const span = nameSpan(p);
      return span ? (index.locationOf(p.uri, span) ?? []) : [];
    });
    return named.length ? named : null;
  }
  const offset = index.offsetAt(uri, position);
  if (offset === undefined) return null;
  const out = chainDefinition(index.policies, uri, offset).flatMap(
    (l) => index.locationOf(l.uri, l.span) ?? [],
  );
  return out.length ? out : null;
}

/** `textDocument/definition`. */
export const definitionFeature: Feature = {
  name: 'definition',
  capabilities: () => ({ definitionProvider: true }),
  register(ctx) {
    ctx.connection.onDefinition((params, token) =>
      runSafe(ctx.log, 'definition', token, null, () =>
        definition(ctx, params.textDocument.uri, params.position),
      ),
    );
  },
};
