import { analyze } from './server/src/core/index';
import { HOSTILE } from './test/hardening/support/hostile';
const dec = (b: Buffer) => { try { return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), invalidEncoding: false }; } catch { return { text: new TextDecoder().decode(b), invalidEncoding: true }; } };
for (const h of HOSTILE.filter(h => !h.name.includes("100,000"))) {
  const t0 = Date.now();
  try {
    const { text, invalidEncoding } = dec(h.bytes());
    const a = analyze(text, { fileName: h.fileName, invalidEncoding });
    const codes = [...new Set(a.findings.map(f => f.code))].sort();
    console.log(h.name, Date.now() - t0, 'ms', a.findings.length, JSON.stringify(codes), a.findings[0]?.message.slice(0, 100));
  } catch (e) { console.log(h.name, 'THREW', (e as Error).stack?.slice(0, 500)); }
}
