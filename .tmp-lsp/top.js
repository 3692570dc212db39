const fs = require('fs');
const f = fs.readdirSync('/tmp/lsp-prof')[0];
const p = JSON.parse(fs.readFileSync('/tmp/lsp-prof/' + f));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas; let total = 0;
p.samples.forEach((id, i) => { self.set(id, (self.get(id) || 0) + (dt[i] || 0)); total += dt[i] || 0; });
// inclusive by function name
const parent = new Map();
for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const incl = new Map(); const selfBy = new Map();
for (const [id, t] of self) {
  const n = byId.get(id); const key = n.callFrame.functionName + ' ' + n.callFrame.url.split('/').slice(-2).join('/') + ':' + n.callFrame.lineNumber;
  selfBy.set(key, (selfBy.get(key) || 0) + t);
  const seen = new Set(); let cur = id;
  while (cur !== undefined) { const m = byId.get(cur); const k = m.callFrame.functionName + ' ' + m.callFrame.url.split('/').slice(-2).join('/') + ':' + m.callFrame.lineNumber; if (!seen.has(k)) { incl.set(k, (incl.get(k) || 0) + t); seen.add(k);} cur = parent.get(cur); }
}
console.log('total ms', total / 1000);
console.log('--- inclusive'); [...incl].sort((a, b) => b[1] - a[1]).slice(0, 45).forEach(([k, t]) => console.log((t / 1000).toFixed(0).padStart(7), k));
console.log('--- self'); [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, 15).forEach(([k, t]) => console.log((t / 1000).toFixed(0).padStart(7), k));
