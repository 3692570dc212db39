// js-yaml builds the state of its parser and of its composer (the objects every step of a parse
// reads and writes) as object literals that spread the defaults and the caller's options before
// their own fields. Both of js-yaml's builds pay for it in V8, each its own way:
// - the CommonJS build spreads with a transpiler helper, `_objectSpread2`, that copies every key
//   through property descriptors: twice the parse time of a small bundle (the build used to patch
//   that helper);
// - the ES module build keeps the native spread, and the literal that comes out of it is an object
//   whose fields V8 reads slowly in the parser's hot loop: four to five times the parse time.
// The build takes the ES module build (esbuild can leave out what we never call: the dumper, the
// YAML 1.1 types) and writes each such literal as `Object.assign({}, defaults, options, {…})`, which
// builds the same object with fast fields. esbuild.mjs applies this at bundle time;
// test/tools/js-yaml-patch.test.ts checks that it still applies to the installed js-yaml and parses
// the same. Measured in docs/decisions/build.md.

// `const state = {` then `...DEFAULT_…_OPTIONS,` and `...options,`, the literal's own fields one
// per line, and the literal's end.
const STATE =
  /const state = \{\n\t\t\.\.\.(DEFAULT_\w+_OPTIONS),\n\t\t\.\.\.options,((?:\n\t\t[^\n]*)*?)\n\t\};/g;

/** The parser's and the composer's states: the two literals the patch must find. */
const STATES = ['DEFAULT_CONSTRUCTOR_OPTIONS', 'DEFAULT_PARSER_OPTIONS'];

/**
 * js-yaml's ES module source with the parser's and the composer's states built by Object.assign,
 * or undefined when either literal is not there in the known shape.
 */
export function patchJsYamlEsm(source) {
  const found = [];
  const patched = source.replace(STATE, (_, defaults, fields) => {
    found.push(defaults);
    return `const state = Object.assign({}, ${defaults}, options, {${fields}\n\t});`;
  });
  return found.sort().join() === STATES.join() ? patched : undefined;
}
