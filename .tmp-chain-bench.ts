import { chainFindings, chainPolicyFromText, ChainIndex, evaluationOrder } from './server/src/core/index';
function bundle(i: number, n: number, cyc: boolean) {
  const pre = i ? [`p${i - 1}`] : cyc ? [`p${n - 1}`] : [];
  if (i > 5) pre.push(`p${Math.floor(i / 3)}`);
  return `name: p${i}\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: cost > ${i}.0\nprerequisites: [${pre.join(', ')}]\nevaluationOrder: ${(i * 7919) % 1000}\n`;
}
for (const n of [200, 2000]) for (const cyc of [false, true]) {
  const texts = Array.from({ length: n }, (_, i) => bundle(i, n, cyc));
  let t = performance.now();
  const index = new ChainIndex();
  texts.forEach((s, i) => index.set(chainPolicyFromText(`p${i}.yaml`, s)!));
  const build = performance.now() - t;
  t = performance.now(); const f = chainFindings(index); const find = performance.now() - t;
  t = performance.now(); evaluationOrder(index); const ord = performance.now() - t;
  // one edit
  const times: number[] = [];
  for (let k = 0; k < 20; k++) {
    t = performance.now();
    index.set(chainPolicyFromText('p50.yaml', texts[50].replace('evaluationOrder', `# ${k}\nevaluationOrder`))!);
    chainFindings(index); evaluationOrder(index);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`n=${n} cycle=${cyc}: build ${build.toFixed(1)}ms, findings ${find.toFixed(1)}ms (${f.size} files), order ${ord.toFixed(1)}ms, edit+recheck median ${times[10].toFixed(2)}ms`);
}
