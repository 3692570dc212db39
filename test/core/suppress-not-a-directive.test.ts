// Comments that look like directives and are none (found by a field test): eslint's
// `# eslint-disable-line` habit, written `# policylens-disable-line <code>` at the end of a line,
// silenced nothing and said nothing. It is reported, and its quick-fix moves it above the line as
// the directive that does what was meant.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyEdits } from '../../server/src/core/assist/fixAll';
import { applySuppressions } from '../../server/src/core/index';

it('a trailing policylens-disable-line is moved above its line, as policylens-disable-next-line', () => {
  const text = 'name: x\r\n  owner: team # policylens-disable-line schema/unknown-key, schema/enum\r\n';
  const [f] = applySuppressions([], text, 'yaml');
  assert.equal(f.code, 'suppression/unused');
  assert.equal(text.slice(f.span.start, f.span.end), 'policylens-disable-line');
  assert.equal(
    applyEdits(text, f.fixes![0].edits),
    'name: x\r\n  # policylens-disable-next-line schema/unknown-key, schema/enum\r\n  owner: team\r\n',
  );
});

it('a misspelt kind on a line of its own is reported, without a fix; text in quotes is not a comment', () => {
  const text = '# policylens-disable-nextline schema/unknown-key\nnote: "see # policylens-disable-line x"\n';
  const found = applySuppressions([], text, 'yaml');
  assert.deepEqual(
    found.map((f) => [text.slice(f.span.start, f.span.end), f.fixes?.length ?? 0]),
    [['policylens-disable-nextline', 0]],
  );
  assert.deepEqual(applySuppressions([], text, 'json'), []);
});
