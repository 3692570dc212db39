// vscode-languageclient creates every feature of the protocol it knows when a client starts, and
// each one only acts when the server announces the matching capability. The Policy Lens server
// announces none of those listed in unused-features.json (notebooks, pull diagnostics, semantic
// tokens, formatting, file operations…), so the extension's bundle gives the client these inert
// stand-ins for their modules (esbuild.mjs, `unusedClientFeatures`): about 80 KB of the minified
// bundle. test/tools/client-shims.test.ts fails when the server announces one of those
// capabilities, or when the client library names a feature the list does not stand in for.
import type { FeatureState, StaticFeature } from 'vscode-languageclient';

/**
 * A feature that declares nothing to the server and does nothing: what the real one does for a
 * server without its capability, less the client capabilities it would have declared.
 */
export class UnusedFeature implements StaticFeature {
  fillClientCapabilities(): void {}

  initialize(): void {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {}
}

/** The notebook feature's stand-in keeps the scheme the client compares a document's URI with. */
export class UnusedNotebookFeature extends UnusedFeature {
  static readonly CellScheme = 'vscode-notebook-cell';
}
