import { chainPolicyFromText } from './server/src/core/index';
import { HOSTILE } from './test/hardening/support/hostile';
for (const h of HOSTILE) {
  const t0 = Date.now();
  try { const p = chainPolicyFromText('file:///x/' + h.fileName, h.bytes().toString('utf8')); console.log(h.name, Date.now() - t0, 'ms', p ? p.name?.slice(0, 20) : 'skip'); }
  catch (e) { console.log(h.name, 'THREW', (e as Error).message.slice(0, 200)); }
}
