// Before export writes a file, it reads the text back as sync would (cli/export/readBack.ts): a file
// whose policy sync would then change is not written, since the next apply would rewrite the live
// policy with it. Export's own texts never differ (test/core/export.test.ts); this feeds one that does.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { markUnwritten, warningsOf, type ExportPlan } from '../../server/src/cli/export/plan';
import { readBack } from '../../server/src/cli/export/readBack';
import { removeDir, tempDir } from '../sync/harness';

const dir = tempDir('export-readback');
after(() => removeDir(dir));

const live = [
  {
    id: '3745dc0c-09c7-4e21-91cb-eb29bb1dabb7',
    name: 'A',
    policyType: 'tool_call',
    enforcementMode: 'block',
    ruleDefinition: { tools: ['x'] },
  },
];
const text = (mode: string) =>
  `name: A\npolicyType: tool_call\nenforcementMode: ${mode}\nruleDefinition:\n  tools: [x]\n`;

describe('export: reading a file back before writing it', () => {
  it('the same policy is ok; one sync would change is not written, naming the fields', () => {
    const file = (mode: string) => ({ name: 'A', path: join(dir, 'a.yaml'), text: text(mode) });
    const collect = { ignore: true };
    assert.deepEqual(readBack([file('block')], [], live, collect), [{ kind: 'ok' }]);
    assert.deepEqual(readBack([file('log_only')], [], live, collect), [
      {
        kind: 'unwritten',
        why: 'read back, it differs from the live policy (enforcementMode); please report this',
      },
    ]);
  });

  it('a text lint finds an error in is written with the reason (kind invalid)', () => {
    const [r] = readBack([{ name: 'A', path: join(dir, 'a.yaml'), text: text('allow') }], [], live, {
      ignore: true,
    });
    assert.equal(r!.kind, 'invalid');
    assert.match((r as { why: string }).why, /^lint finds an error in it: enforcementMode: /);
  });

  it('after a failed write, the file that failed says why and those after it were not tried', () => {
    const files = ['a', 'b', 'c'].map((n) => ({
      name: n,
      path: join(process.cwd(), `${n}.yaml`),
      text: '',
      warnings: [`${n} warns`],
    }));
    const plan: ExportPlan = {
      rows: [
        ...files.map((f) => ({ name: f.name, file: `${f.name}.yaml` })),
        { name: 'd', problem: 'skipped' },
      ],
      files,
      failed: false,
    };
    markUnwritten(plan, 1, 'cannot write b.yaml: no space left on the device');
    assert.deepEqual(plan.rows, [
      { name: 'a', file: 'a.yaml' },
      { name: 'b', problem: 'cannot write b.yaml: no space left on the device' },
      { name: 'c', problem: 'not written: export stopped at the error above' },
      { name: 'd', problem: 'skipped' },
    ]);
    assert.equal(plan.failed, true);
    // Only the written file's warnings are said.
    assert.deepEqual(warningsOf(plan, 1), ['a warns']);
  });
});
