import type { Feature } from './context';
import { chainLensProvider } from './chainLens';
import { provideChainFindings } from './chain/workspaceChain';

/**
 * The prerequisite chain across the workspace: the index of every bundle, its findings merged into
 * each open document's diagnostics, the lens on each name, and the index kept current from file
 * events and closed documents. Navigation (definition, references, rename) and the order request
 * are features of their own in handlers/.
 */
export const chainFeature: Feature = {
  name: 'chain',
  register(ctx) {
    const chain = ctx.chain;
    ctx.diagnostics.addProvider({ id: 'chain', provide: (doc) => provideChainFindings(chain, doc) });
    ctx.codeLens.register(chainLensProvider(ctx));
    // Related information of a cycle points into files that may not be open.
    ctx.documents.addLinesSource((uri) => chain.index.get(uri)?.lines);
    // A bundle the scan parsed and the editor then opens unchanged is not parsed a second time.
    ctx.documents.addParseSource((uri) => chain.index.get(uri)?.doc);
    ctx.files.onDidChange((changes) => void chain.scanner.onFilesChanged(changes));
    // The config's include/exclude or `gitignore` changed which files the scan reads (or its
    // `dialects`, how it reads them).
    ctx.project.onDidChange(() => void chain.scanner.rescan());
    // The `policyLens.dialects` setting: closed files are read with the dialect it forces.
    let dialects = JSON.stringify(ctx.settings.current().dialects);
    ctx.settings.onDidChange((s) => {
      const next = JSON.stringify(s.dialects);
      if (next === dialects) return;
      dialects = next;
      void chain.scanner.redialect();
    });
    ctx.documents.textDocuments.onDidClose((e) => {
      chain.republisher.forget(e.document.uri);
      void chain.scanner.onClosed(e.document.uri);
    });
  },
};
