import { analyze } from './server/src/core/index';
import { applyEdit, editFor } from './test/hardening/support/arbitraries';
import { policyCorpus } from './test/hardening/support/invariants';
const corpus = policyCorpus();
let text = corpus[48];
for (const m of JSON.parse(process.argv[2])) text = applyEdit(text, editFor(text, m, corpus));
const a = analyze(text, { fileName: 'x.yaml' });
for (const f of a.findings) console.log(f.code, f.message, f.span, JSON.stringify(text.slice(f.span.start - 5, f.span.end + 5)));
