import type { CodeLens } from 'vscode-languageserver';
import type { Feature } from '../context';
import { runSafe } from '../runSafe';

/** What the server puts into `CodeLens.data`, so `codeLens/resolve` finds the provider again. */
interface LensData {
  provider: string;
  data?: unknown;
}

/**
 * `textDocument/codeLens`: one handler for every lens provider (the prerequisite chain, the sync
 * plan, …). A failing provider is logged and skipped; the others' lenses still show.
 */
export const codeLensFeature: Feature = {
  name: 'codeLens',
  capabilities: () => ({ codeLensProvider: { resolveProvider: true } }),
  register(ctx) {
    ctx.connection.onCodeLens((params, token) =>
      runSafe(ctx.log, 'codeLens', token, [] as CodeLens[], async () => {
        const doc = ctx.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const out: CodeLens[] = [];
        for (const p of ctx.codeLens.providers) {
          try {
            const lenses = await p.provide(doc, token);
            for (const lens of lenses)
              out.push({ ...lens, data: { provider: p.id, data: lens.data } as LensData });
          } catch (e) {
            ctx.log(`codeLens provider ${p.id} failed: ${(e as Error).stack ?? e}`);
          }
        }
        return out;
      }),
    );
    ctx.connection.onCodeLensResolve((lens, token) =>
      runSafe(ctx.log, 'codeLens/resolve', token, lens, async () => {
        const tagged = lens.data as LensData | undefined;
        const p = ctx.codeLens.providers.find((x) => x.id === tagged?.provider);
        if (!p?.resolve || !tagged) return lens;
        const resolved = await p.resolve({ ...lens, data: tagged.data }, token);
        return { ...resolved, data: tagged };
      }),
    );
  },
};
