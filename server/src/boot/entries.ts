// The exports of the one bundle (dist/policylens.js, boot/bundle.ts): the extension and the language
// server. Each side's modules are evaluated only when its loader asks for them (esbuild keeps a
// dynamic import's modules lazy), so the server never runs the client's code, nor the client the
// server's — but for `firstDiagnostics`, the server's first publication of the policies open as the
// editor starts, which the extension computes itself while the server's process starts
// (lsp/firstDiagnostics.ts). This is build glue, not a layer: nothing else imports it.
export const client = () => import('../../../client/src/extension');
export const server = () => import('../lsp/main');
export const firstDiagnostics = () => import('../lsp/firstDiagnostics');
