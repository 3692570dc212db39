import { readFileSync } from 'node:fs';
import { LspClient } from '../test/lsp/client';
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
(async () => {
  const path = '/work/main/bench/corpus/big-5000/policies/big-5000.yaml';
  const c = new LspClient(['--stdio'], process.env, ['/work/main/.tmp-pl/srv.js']);
  await c.initialize({ rootUri: 'file:///work/main/bench/corpus/big-5000' });
  const uri = 'file://' + path;
  let text = readFileSync(path, 'utf8');
  const w = c.waitForDiagnostics(uri, 1); c.open(uri, text); await w;
  await new Promise((r) => setTimeout(r, 1500));
  const lines = text.split('\n');
  const c0 = cpu(c.proc.pid!);
  for (let i = 0; i < 100; i++) {
    const ln = 100 + i * 45; const old = lines[ln]; lines[ln] = '    - 12345';
    const v = c.change(uri, lines.join('\n'));
    await c.waitForDiagnostics(uri, v); lines[ln] = old;
  }
  await new Promise((r) => setTimeout(r, 1500));
  console.log(process.env.SKIP ?? '', 'cpu per edit', ((cpu(c.proc.pid!) - c0) / 100).toFixed(1), 'ms');
  await c.shutdown();
})();
