import { readFileSync } from 'node:fs';
import { LspClient } from '../test/lsp/client';
(async () => {
  const path = process.argv[2];
  const c = new LspClient(['--stdio'], process.env, ['--cpu-prof', '--cpu-prof-dir=/tmp/lsp-prof']);
  await c.initialize({ rootUri: 'file://' + path.replace(/\/policies\/.*/, '') });
  const uri = 'file://' + path;
  let text = readFileSync(path, 'utf8');
  const w = c.waitForDiagnostics(uri, 1);
  c.open(uri, text);
  await w;
  const lines = text.split('\n');
  for (let i = 0; i < 20; i++) {
    const ln = 100 + i * 200;
    const old = lines[ln];
    lines[ln] = '    - 12345';
    text = lines.join('\n');
    const v = c.change(uri, text);
    const d = await c.waitForDiagnostics(uri, v);
    lines[ln] = old;
    if (i === 0) console.log(d.diagnostics.length);
  }
  await c.shutdown();
})();
