import type { CodeLens } from 'vscode-languageserver';
import { chainLens } from '../core/index';
import type { CodeLensProvider, ServerContext } from './context';
import { DISPLAY_ONLY_COMMAND } from '../protocol/index';
import { toRange } from './convert';
import { currentIndex } from './chain/workspaceChain';

/**
 * The lens on a bundle's `name`: `evaluated 3rd of 12 · 2 prerequisites · 1 dependent`. It is a
 * label (the server's do-nothing command): the numbers are the point, and definition/references do
 * the navigating.
 */
export function chainLensProvider(ctx: ServerContext): CodeLensProvider {
  return {
    id: 'chain',
    async provide(doc): Promise<CodeLens[]> {
      const index = await currentIndex(ctx.chain);
      const lens = chainLens(index.policies, index.order(), doc.uri);
      if (!lens) return [];
      return [
        {
          range: toRange(doc.lines, lens.span),
          command: { title: lens.title, command: DISPLAY_ONLY_COMMAND },
        },
      ];
    },
  };
}
