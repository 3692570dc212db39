// js-yaml's CommonJS build spreads its option objects with a transpiler helper that copies every
// key through property descriptors: a fifth of the parse time of a small bundle. Its targets are
// always fresh object literals, where Object.assign does the same. esbuild.mjs applies this at
// bundle time; test/tools/js-yaml-patch.test.ts checks that it still applies to the installed
// js-yaml and parses the same. Measured against no patch in docs/decisions/build.md.

const HELPER =
  /function _objectSpread2\(e\) \{\n\tfor \(var r = 1; r < arguments\.length; r\+\+\) \{[\s\S]*?\n\t\}\n\treturn e;\n\}/;

const FAST =
  'function _objectSpread2(e) {\n\tfor (var r = 1; r < arguments.length; r++) if (arguments[r] != null) Object.assign(e, arguments[r]);\n\treturn e;\n}';

/** js-yaml's CommonJS source with the fast helper, or undefined when the helper is not there. */
export function patchJsYaml(source) {
  return HELPER.test(source) ? source.replace(HELPER, FAST) : undefined;
}
