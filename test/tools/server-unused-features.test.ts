// The server-side half of the LSP features the shared bundle leaves out (esbuild.mjs,
// `unusedServerFeatures`; the client's half is in client-shims.test.ts): vscode-languageserver's
// mixins for capabilities the Policy Lens server never announces are replaced by ones that add
// nothing. These checks fail when the library takes something else from those modules, when the
// server announces one of their capabilities, or when our code calls the API one of them adds.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import UNUSED from '../../server/src/lsp/unused-features.json';
import { announcedCapabilities } from '../support/inProcess';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const common = join(REPO, 'node_modules', 'vscode-languageserver', 'lib', 'common');
const modules = Object.entries(UNUSED);

describe("the stand-ins for vscode-languageserver's unused features", () => {
  it('stand in for every mixin the server library takes from those modules, and only for real ones', () => {
    const server = readFileSync(join(common, 'server.js'), 'utf8');
    const api = readFileSync(join(common, 'api.js'), 'utf8');
    for (const [module, { exports }] of modules) {
      const real = readFileSync(join(common, `${module}.js`), 'utf8');
      for (const name of exports) assert.match(real, new RegExp(`^exports\\.${name} = ${name};`, 'm'), name);
      const used = new Set([...server.matchAll(new RegExp(`\\b${module}_1\\.(\\w+)`, 'g'))].map((m) => m[1]));
      assert.ok(used.size > 0, `server.js still uses ./${module}`);
      for (const name of used) assert.ok(exports.includes(name), `server.js uses ${module}.${name}`);
      // api.js re-exports a few classes of these modules (SemanticTokensBuilder, NotebookDocuments)
      // through getters: absent from the bundle, so our code must never take them (below).
      for (const m of api.matchAll(new RegExp(`\\b${module}_1\\.(\\w+)`, 'g')))
        assert.ok(UNUSED[module as keyof typeof UNUSED].members.includes(m[1]), `api.js exports ${m[1]}`);
    }
  });

  it('cover no capability the server announces', async () => {
    const announced = await announcedCapabilities();
    assert.ok(announced('completionProvider'), 'the check reads the real capabilities');
    for (const [module, { serverCapabilities }] of modules)
      for (const c of serverCapabilities) assert.equal(announced(c), undefined, `${c} needs ./${module}`);
  });

  it('add APIs our server never calls', () => {
    const members = modules.flatMap(([, m]) => m.members);
    const src = join(REPO, 'server', 'src');
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(src, file), 'utf8');
      for (const m of members) assert.ok(!text.includes(m), `${file} uses ${m}`);
    }
  });
});
