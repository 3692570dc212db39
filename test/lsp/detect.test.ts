// The editor and files that are not policies: every file of test/fixtures/detect/foreign/, opened
// at its own path (a Kyverno ClusterPolicy under policies/ included, which the default globs
// match), gets no diagnostic; a near-policy opened after them gets its findings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filesUnder } from '../support/tree';
import { FIXTURES } from '../support/fixtures';
import { idle, startInProcess } from '../support/inProcess';

const FOREIGN = join(FIXTURES, 'detect', 'foreign');
const NEAR = join(FIXTURES, 'detect', 'near');

describe('lsp: only policy files are policies', () => {
  const server = startInProcess();
  const client = server.client;
  before(async () => {
    await client.initialize({ rootUri: 'file:///ws' });
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  it('files of other tools get no diagnostics, near-policies get theirs', async () => {
    const foreign = filesUnder(FOREIGN);
    for (const f of foreign) client.open(`file:///ws/${f}`, readFileSync(join(FOREIGN, f), 'utf8'));
    const near = filesUnder(NEAR).filter((f) => f !== 'expected.json');
    for (const f of near) {
      const uri = `file:///ws/policies/${f}`;
      const published = client.waitForDiagnostics(uri, 1);
      client.open(uri, readFileSync(join(NEAR, f), 'utf8'));
      assert.ok((await published).diagnostics.length > 0, `${f} is flagged`);
    }
    // Typing in a foreign file is sniffed again after a pause: still nothing.
    client.change(
      'file:///ws/policies/require-labels.yaml',
      readFileSync(join(FOREIGN, 'policies', 'require-labels.yaml'), 'utf8') + '# edited\n',
    );
    // The server's clock runs through the pause and whatever it scheduled (virtual time).
    await idle(server);
    const flagged = client.diagnostics.filter(
      (p) => foreign.some((f) => p.uri === `file:///ws/${f}`) && p.diagnostics.length,
    );
    assert.deepEqual(
      flagged.map((p) => p.uri),
      [],
    );
  });
});
