import { registryProcess, tempDir, api, livePolicies } from './harness';
(async () => {
const t0 = Date.now();
const dir = tempDir('dbg');
let r = await registryProcess(dir, 'plk_x');
console.log('started', Date.now() - t0);
const res = await api({ url: r.url, key: 'plk_x' }, 'POST', '/policies', { name: 'x', policyType: 'tool_call', enforcementMode: 'block', ruleDefinition: { tools: ['a'] } });
console.log('created', res.status, Date.now() - t0);
const exited = new Promise((resolve) => r.child.once('exit', (c, s) => { console.log('exit', c, s, Date.now() - t0); resolve(null); }));
r.child.kill('SIGKILL');
await exited;
r = await registryProcess(dir, 'plk_x');
console.log('restarted', Date.now() - t0);
console.log((await livePolicies({ url: r.url, key: 'plk_x' })).map((p: any) => p.name));
r.child.kill('SIGTERM');
})();
