// The two servers the benchmark compares, started the way an editor would start them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from './lsp-driver';
import { uriOf } from './lsp-driver';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = join(REPO, 'schemas/execlave/policy-bundle.schema.json');
/** The policy-file globs Policy Lens uses; the peer gets the same ones through `yaml.schemas`. */
export const POLICY_GLOBS = ['**/policies/**/*.{json,yaml,yml}', '**/*.policy.{json,yaml,yml}'];

/**
 * Policy Lens's server (dist/server.js unless `server` names another build), if built; with
 * `profileDir`, every server process writes a V8 CPU profile there.
 */
export function policyLens(
  server = join(REPO, 'dist/server.js'),
  profileDir?: string,
): ServerSpec | undefined {
  if (!existsSync(server)) return undefined;
  const prof = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  return {
    name: 'policylens',
    command: process.execPath,
    args: [...prof, server, '--stdio'],
    settings: { policyLens: {} },
    crossFile: true,
  };
}

/**
 * yaml-language-server, configured the way a user would point it at the Execlave schema. The
 * schema store and the Kubernetes CRD store are switched off: they would fetch catalogues over the
 * network, which a benchmark must not do and which Policy Lens does not do either.
 */
export function yamlLs(): ServerSpec {
  return {
    name: 'yaml-ls',
    command: process.execPath,
    args: [join(REPO, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
    settings: {
      yaml: {
        schemas: { [uriOf(SCHEMA_PATH)]: POLICY_GLOBS },
        validate: true,
        hover: true,
        completion: true,
        format: { enable: false },
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
      },
      http: { proxy: '', proxyStrictSSL: false },
      '[yaml]': {},
      '[json]': {},
      editor: {},
    },
  };
}
