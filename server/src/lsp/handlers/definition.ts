import type { Definition } from 'vscode-languageserver';
import { chainDefinition, definitionAt } from '../../core/index';
import { currentIndex } from '../chain/workspaceChain';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { runSafe } from '../runSafe';

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
