import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { report } from './support/invariants';

// What the extension could render as markup, or write a key into, read from its sources. The views
// show names and values that come from policy files and from the live org, so every way of turning
// text into HTML or live markdown is a door for `<img src=x onerror=…>`; these checks keep that
// door shut until someone opens it on purpose (and escapes what goes through it). The rendering in
// a real VS Code is the extension-host suite's (test/e2e/).

const CLIENT = join(__dirname, '..', '..', 'client', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(name) ? [p] : [];
  });
}

/** APIs that render text as markup, or run it, in VS Code. */
const MARKUP = [
  /new (vscode\.)?MarkdownString\b/,
  /\bsupportHtml\b/,
  /\bisTrusted\s*[:=]\s*true/,
  /\benableCommandUris\b/,
  /createWebviewPanel|registerWebviewViewProvider|registerCustomEditorProvider/,
  /\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML/,
];

describe('the extension renders policy text only as text', () => {
  const files = sources(CLIENT);

  it('client/src has sources to check', () => {
    assert.ok(files.length > 5, `found ${files.length} files under ${CLIENT}`);
  });

  it('no markdown, HTML or webview API takes the text of a policy', () => {
    const hits: string[] = [];
    for (const f of files) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (MARKUP.some((re) => re.test(line)))
            hits.push(`${relative(CLIENT, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    report(`${files.length} extension sources checked for markup and webview APIs, ${hits.length} found`);
    assert.deepEqual(
      hits,
      [],
      'review each: text from policies or the live org must be escaped before it is markup',
    );
  });

  it('no setting is written with a key', () => {
    const hits: string[] = [];
    for (const f of files)
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // getConfiguration(...).update(...) writes settings.json; a key there is readable by anyone.
          if (/\.update\(/.test(line) && /apiKey|secret|token/i.test(line) && !/state\.update/.test(line))
            hits.push(`${relative(CLIENT, f)}:${i + 1}: ${line.trim()}`);
        });
    assert.deepEqual(hits, []);
  });
});
