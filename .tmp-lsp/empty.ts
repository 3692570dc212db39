import { LspClient } from '../test/lsp/client';
(async () => {
  const c = new LspClient();
  await c.initialize({ rootUri: 'file:///ws' });
  const uri = 'file:///ws/policies/bad/empty-file.yaml';
  c.open(uri, '');
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify(c.diagnostics), c.logs, c.stderr);
  c.type(uri, 'n');
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify(c.diagnostics), c.logs);
  await c.shutdown();
})();
