import { LspClient } from '../test/lsp/client';
(async () => {
  const c = new LspClient();
  await c.initialize({ rootUri: 'file:///ws' });
  const uri = 'file:///ws/policies/bad/deep-nesting.yaml';
  const t = 'name: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
  const w = c.waitForDiagnostics(uri, 1);
  c.open(uri, t);
  const d = await w;
  console.log(d.diagnostics.length, JSON.stringify(d.diagnostics.slice(0, 3).map((x) => [x.code, x.range, x.source])));
  await c.shutdown();
})();
