import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectPolicyFiles, MAX_READ_BYTES, readPolicyText } from '../../server/src/cli/files';

// `lint` reads a file that its walk saw as a regular file without a stat first (the stat's
// object cost as much as the read). These cases check that such a read answers what the stat'ed
// read answers, and that a path that is no longer a regular file when it is read (swapped after
// the walk) still cannot hang the run nor make it read without bound.

const dir = mkdtempSync(join(tmpdir(), 'policylens-read-seen-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes of every kind the decoder must treat alike: text, U+FFFD itself, invalid sequences. */
function texts(): [string, Buffer][] {
  const line = 'name: seen\n# é ü 漢字 😀\n';
  return [
    ['empty', Buffer.alloc(0)],
    ['small', Buffer.from(line)],
    ['a real U+FFFD', Buffer.from(`${line}# \uFFFD\n`)],
    ['an invalid byte', Buffer.concat([Buffer.from(line), Buffer.from([0xff, 0x0a])])],
    ['a cut sequence at the end', Buffer.concat([Buffer.from(line), Buffer.from([0xe6, 0xbc])])],
    // Around the size of the first read (64 KB): a character cut by the buffer's edge, and more.
    ['64 KB less one', Buffer.from('é'.repeat(32 * 1024 - 1) + 'a')],
    ['64 KB exactly', Buffer.from('a' + 'é'.repeat(32 * 1024 - 1) + 'a')],
    ['64 KB and one', Buffer.from('a' + 'é'.repeat(32 * 1024))],
    ['1 MB with an invalid byte', Buffer.concat([Buffer.from(line.repeat(40_000)), Buffer.from([0xc3])])],
  ];
}

describe('reading a file the walk saw as a regular file', () => {
  before(() => {
    for (const [name, bytes] of texts()) writeFileSync(join(dir, `${name}.yaml`), bytes);
  });

  for (const [name] of texts())
    it(`${name}: the same text and encoding verdict as the stat'ed read`, () => {
      const path = join(dir, `${name}.yaml`);
      const seen = readPolicyText(path, true);
      assert.deepEqual(seen, readPolicyText(path, false));
      assert.equal(seen.kind === 'text' && seen.text, readFileSync(path, 'utf8'));
    });

  it('marks the files the walk saw as regular, and not those reached through a symlink', () => {
    const walked = join(dir, 'walked');
    mkdirSync(walked);
    writeFileSync(join(walked, 'plain.yaml'), 'name: plain\n');
    // A link to a file outside the walked folder (one to plain.yaml is an alias, linted once as it).
    writeFileSync(join(dir, 'outside.yaml'), 'name: outside\n');
    symlinkSync(join(dir, 'outside.yaml'), join(walked, 'linked.yaml'));
    const files = collectPolicyFiles([walked]);
    assert.deepEqual(
      files.map((f) => [f.display, f.regular === true]),
      [
        ['linked.yaml', false],
        ['plain.yaml', true],
      ],
    );
    // A file named on the command line is stat'ed, as before.
    assert.equal(collectPolicyFiles([join(walked, 'plain.yaml')])[0].regular, undefined);
  });
});

describe('a path that is no longer a regular file when it is read', () => {
  it('a named pipe without a writer: read at once as empty, never waited on', () => {
    const pipe = join(dir, 'pipe.yaml');
    assert.equal(spawnSync('mkfifo', [pipe]).status, 0);
    assert.deepEqual(readPolicyText(pipe, true), { kind: 'text', text: '', invalidEncoding: false });
  });

  it('/dev/zero through a symlink: refused after one buffer, not read without end', () => {
    const zero = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    assert.throws(() => readPolicyText(zero, true), /not a regular file/);
  });

  it('a 3 GB sparse file: refused by its size', () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '{"name": "huge"}\n');
    assert.equal(spawnSync('truncate', ['-s', '3G', huge]).status, 0);
    assert.deepEqual(readPolicyText(huge, true), { kind: 'too-large', bytes: 3 * 1024 ** 3 });
  });

  it('a file of exactly MAX_READ_BYTES is read; one byte more is refused', () => {
    const edge = join(dir, 'edge.yaml');
    writeFileSync(edge, Buffer.alloc(MAX_READ_BYTES, 0x61));
    const read = readPolicyText(edge, true);
    assert.equal(read.kind === 'text' && read.text.length, MAX_READ_BYTES);
    writeFileSync(edge, Buffer.alloc(MAX_READ_BYTES + 1, 0x61));
    assert.deepEqual(readPolicyText(edge, true), { kind: 'too-large', bytes: MAX_READ_BYTES + 1 });
  });
});
