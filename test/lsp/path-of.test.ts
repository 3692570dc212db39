// pathOf reads a plain `file:` URI's path without parsing it; every answer must be the one
// vscode-uri's parser gives, for the URIs that take the short way and for those that do not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { ProjectConfigs } from '../../server/src/lsp/projectConfig';
import { pathOf } from '../../server/src/lsp/settings';

const URIS = [
  'file:///ws/policies/a.yaml',
  'file:///ws/policies/with%20space.yaml',
  'file:///c%3A/Users/dev/policies/a.json',
  'file:///C:/Users/dev/policies/a.json',
  'file:///ws/a.yaml?query=1',
  'file:///ws/a.yaml#L3',
  'file://server/share/a.yaml',
  'file:///ws/caf%C3%A9.yaml',
  'file:///ws/ünïcode.yaml',
  'file:///',
  'untitled:Untitled-1',
  'vscode-notebook-cell:/ws/a.ipynb#W0sZmlsZQ%3D%3D',
  'https://example.com/policies/a.yaml',
];

describe('pathOf', () => {
  it('gives the path vscode-uri parses, for plain file URIs and for every other kind', () => {
    for (const uri of URIS) assert.equal(pathOf(uri), URI.parse(uri).path, uri);
  });
});

describe('ProjectConfigs.isConfigUri', () => {
  it('knows the config file by its path, also where the URI escapes its name', () => {
    const yes = [
      'file:///ws/policylens.config.yaml',
      'file:///ws/sub/policylens%2Econfig.yaml',
      'file:///ws/with%20space/policylens.config.yaml',
    ];
    const no = [
      'file:///ws/policies/a.yaml',
      'file:///ws/policylens.config.yaml.bak',
      'file:///ws/not-policylens.config.yaml',
      'file:///ws/policylens.config.yaml/inner.yaml',
      'file:///ws/a%20b.yaml',
    ];
    for (const uri of yes) assert.equal(ProjectConfigs.isConfigUri(uri), true, uri);
    for (const uri of no) assert.equal(ProjectConfigs.isConfigUri(uri), false, uri);
  });
});
