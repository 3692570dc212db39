// Usage errors name the nearest choice: an unknown option against the options the command's help
// names, an unknown format against the command's formats, an option without its value in our words
// (the golden CLI cases run them whole).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../server/src/cli/files';
import { checkChoice, explainParseError } from '../../server/src/cli/usage';

const HELP = 'Usage: x [--format text|json] [--no-ignore] [--max-warnings N] [-o FILE]';

describe('usage errors with a did-you-mean', () => {
  const options: [string, string][] = [
    [
      "Unknown option '--frmat'. To specify a positional argument…",
      'unknown option --frmat; did you mean "--format"?',
    ],
    ["Unknown option '--no-ingore'", 'unknown option --no-ingore; did you mean "--no-ignore"?'],
    ["Unknown option '--max-warning'", 'unknown option --max-warning; did you mean "--max-warnings"?'],
    ["Unknown option '--colour'", 'unknown option --colour; did you mean "--color"?'],
    ["Unknown option '--zzzzzzzz'", 'unknown option --zzzzzzzz'],
    ["Unknown option '-x'", 'unknown option -x'],
    ["Option '--format <value>' argument missing", '--format needs a value'],
    [
      "Option '--examples' argument is ambiguous.\nDid you forget to specify the option argument for '--examples'?",
      '--examples needs a value; write --examples=<value> for one that starts with "-"',
    ],
    ['Option "-o" cannot be used with "--stdout"', 'Option "-o" cannot be used with "--stdout"'],
  ];
  for (const [message, expected] of options)
    it(message, () => assert.equal(explainParseError(message, HELP), expected));

  it('a format that is one of the choices is returned', () => {
    assert.equal(checkChoice('format', 'json', ['text', 'json']), 'json');
  });

  const formats: [string, readonly string[], string][] = [
    ['jsn', ['text', 'json'], 'unknown format "jsn"; did you mean "json"? (text or json)'],
    ['junt', ['text', 'json', 'junit'], 'unknown format "junt"; did you mean "junit"? (text, json or junit)'],
    ['xml', ['text', 'json', 'sarif', 'github'], 'unknown format "xml" (text, json, sarif or github)'],
  ];
  for (const [value, choices, expected] of formats)
    it(`--format ${value}`, () =>
      assert.throws(
        () => checkChoice('format', value, choices),
        (e: unknown) => e instanceof UsageError && e.message === expected,
      ));
});
