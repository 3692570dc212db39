import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver';
import { DISPLAY_ONLY_COMMAND } from '../../protocol/index';
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
    // Informational lenses carry this command; running it (a click) does nothing.
    ctx.commands.register(DISPLAY_ONLY_COMMAND, () => null);
    /** A lens whose command neither the server nor the client runs shows, and does nothing. */
    const runnable = (lens: CodeLens): CodeLens =>
      !lens.command || ctx.clientRunsCommands() || ctx.commands.handlers.has(lens.command.command)
        ? lens
        : { ...lens, command: { title: lens.command.title, command: DISPLAY_ONLY_COMMAND } };
    ctx.connection.onCodeLens((params, token) =>
      runSafe(ctx.log, 'codeLens', token, [] as CodeLens[], async () => {
        const doc = ctx.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const out: CodeLens[] = [];
        const shown = ctx.settings.current().codeLens;
        if (!shown.enabled) return out;
        // `policyLens.codeLens.sync` / `.chain`: a provider whose switch is off is not asked.
        const switches: Record<string, boolean> = { sync: shown.sync, chain: shown.chain };
        for (const p of ctx.codeLens.providers) {
          if (switches[p.id] === false) continue;
          try {
            const lenses = await p.provide(doc, token);
            for (const lens of lenses)
              out.push({ ...runnable(lens), data: { provider: p.id, data: lens.data } as LensData });
          } catch (e) {
            ctx.log(`codeLens provider ${p.id} failed: ${(e as Error).stack ?? e}`);
          }
        }
        return out;
      }),
    );
    // A lens switch changed: clients that can be told re-ask for the lenses of visible editors.
    let last = JSON.stringify(ctx.settings.current().codeLens);
    ctx.settings.onDidChange((s) => {
      const now = JSON.stringify(s.codeLens);
      if (now === last) return;
      last = now;
      if (ctx.clientCapabilities().workspace?.codeLens?.refreshSupport)
        ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    });
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
