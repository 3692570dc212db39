import type { Hover, HoverParams } from 'vscode-languageserver';
import { hoverAt } from '../../core/index';
import type { Feature, ServerContext } from '../context';
import { toRange } from '../convert';
import { runSafe } from '../runSafe';
import { testFileHover } from '../testFileAssist';
import { isPolicyTestUri } from '../testFiles';

export function hover(ctx: ServerContext, params: HoverParams): Hover | null {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) return null;
  const h = hoverAt(doc, doc.lines.offsetAt(params.position));
  return h ? { contents: { kind: 'markdown', value: h.markdown }, range: toRange(doc.lines, h.span) } : null;
}

/** `textDocument/hover`. */
export const hoverFeature: Feature = {
  name: 'hover',
  capabilities: () => ({ hoverProvider: true }),
  register(ctx) {
    ctx.connection.onHover((params, token) => {
      ctx.diagnostics.userWaits();
      return runSafe(ctx.log, 'hover', token, null, () =>
        isPolicyTestUri(params.textDocument.uri) ? testFileHover(ctx, params) : hover(ctx, params),
      );
    });
  },
};
