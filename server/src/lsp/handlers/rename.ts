import {
  ErrorCodes,
  ResponseError,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { chainRename, policyNameAt, prepareRenameAt, renameAt } from '../../core/index';
import { currentIndex } from '../chain/workspaceChain';
import type { Feature, ServerContext } from '../context';
import { toRange, toTextEdits } from '../convert';
import { runSafe } from '../runSafe';
import { addSiteEdits, testSitesNaming } from '../testNames';

type Pos = { line: number; character: number };

/** The name under the cursor, without its quotes, and the text the rename box starts with. */
export async function prepareRename(
  ctx: ServerContext,
  uri: string,
  position: Pos,
): Promise<{ range: Range; placeholder: string } | null> {
  const doc = ctx.documents.get(uri);
  const local = doc && prepareRenameAt(doc, doc.lines.offsetAt(position));
  if (local) return { range: toRange(doc.lines, local.span), placeholder: local.placeholder };
  const index = await currentIndex(ctx.chain);
  const offset = index.offsetAt(uri, position);
  const policy = index.get(uri);
  if (offset === undefined || !policy) return null;
  const at = policyNameAt(index.policies, uri, offset);
  if (!at) return null;
  const { start, end } = at.span;
  const quoted = /^["']/.test(policy.doc.text[start] ?? '') && end - start >= 2;
  const span = quoted ? { start: start + 1, end: end - 1 } : at.span;
  return { range: toRange(policy.lines, span), placeholder: at.name };
}

/**
 * Renames a policy: its `name` and every prerequisite in the workspace that names it. A name that
 * another bundle already has is refused (names are unique within an org).
 */
export async function rename(
  ctx: ServerContext,
  uri: string,
  position: Pos,
  newName: string,
): Promise<WorkspaceEdit | ResponseError<void> | null> {
  // A workflow or server name inside one Preloop document.
  const doc = ctx.documents.get(uri);
  const local = doc && renameAt(doc, doc.lines.offsetAt(position), newName);
  if (local)
    return 'error' in local
      ? new ResponseError(ErrorCodes.InvalidParams, local.error)
      : { changes: { [uri]: toTextEdits(doc.lines, local.edits) } };
  const index = await currentIndex(ctx.chain);
  const offset = index.offsetAt(uri, position);
  if (offset === undefined) return null;
  const result = chainRename(index.policies, uri, offset, newName);
  if (!result) return null;
  if ('error' in result) return new ResponseError(ErrorCodes.InvalidParams, result.error);
  const changes: Record<string, TextEdit[]> = {};
  for (const [target, edits] of Object.entries(result.edits)) {
    const lines = index.get(target)?.lines;
    if (lines) changes[target] = edits.map((e) => ({ range: toRange(lines, e), newText: e.newText }));
  }
  // The policy tests that expect it by name follow (they would fail as an unknown policy).
  const old = policyNameAt(index.policies, uri, offset)?.name;
  if (old) addSiteEdits(changes, await testSitesNaming(ctx, old), newName);
  return { changes };
}

/** `textDocument/prepareRename` and `textDocument/rename`. */
export const renameFeature: Feature = {
  name: 'rename',
  capabilities: () => ({ renameProvider: { prepareProvider: true } }),
  register(ctx) {
    ctx.connection.onPrepareRename((params, token) =>
      runSafe(ctx.log, 'prepareRename', token, null, () =>
        prepareRename(ctx, params.textDocument.uri, params.position),
      ),
    );
    ctx.connection.onRenameRequest((params, token) =>
      runSafe(ctx.log, 'rename', token, null, () =>
        rename(ctx, params.textDocument.uri, params.position, params.newName),
      ),
    );
  },
};
