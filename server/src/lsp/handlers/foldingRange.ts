import type { FoldingRange } from 'vscode-languageserver';
import type { AstNode } from '../../core/index';
import type { Feature } from '../context';
import type { PolicyDocument } from '../documents';
import { runSafe } from '../runSafe';

/** Folding ranges from the positioned tree: every mapping, sequence and block string over lines. */
export function foldingRanges(doc: PolicyDocument): FoldingRange[] {
  const root = doc.analysis.doc?.root;
  if (!root) return [];
  const { lines, text } = doc;
  const out: FoldingRange[] = [];
  const visit = (node: AstNode | null, start: number): void => {
    if (!node) return;
    const startLine = lines.positionAt(start).line;
    const flow = (node.type === 'object' || node.type === 'array') && node.flow;
    let endLine: number;
    if (flow) {
      // The closing bracket stays visible, as in VS Code's JSON folding.
      endLine = lines.positionAt(node.end).line - 1;
    } else {
      let end = node.end;
      while (end > start && /\s/.test(text[end - 1])) end--;
      endLine = lines.positionAt(end).line;
    }
    const foldable = node.type === 'object' || node.type === 'array' || node.type === 'string';
    if (foldable && endLine > startLine) out.push({ startLine, endLine });
    if (node.type === 'object') for (const p of node.properties) visit(p.value, p.key.offset);
    else if (node.type === 'array') for (const item of node.items) visit(item, item.offset);
  };
  if (root.type === 'object') for (const p of root.properties) visit(p.value, p.key.offset);
  else visit(root, root.offset);
  if (root.type === 'object' && root.flow) {
    const endLine = lines.positionAt(root.end).line - 1;
    const startLine = lines.positionAt(root.offset).line;
    if (endLine > startLine) out.unshift({ startLine, endLine });
  }
  return out;
}

/** `textDocument/foldingRange`. */
export const foldingRangeFeature: Feature = {
  name: 'foldingRange',
  capabilities: () => ({ foldingRangeProvider: true }),
  register(ctx) {
    ctx.connection.onFoldingRanges((params, token) =>
      runSafe(ctx.log, 'foldingRange', token, [] as FoldingRange[], () => {
        const doc = ctx.documents.get(params.textDocument.uri);
        return doc ? foldingRanges(doc) : [];
      }),
    );
  },
};
