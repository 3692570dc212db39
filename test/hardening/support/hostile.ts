import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hostile policy files, generated rather than stored: most are megabytes, and a stored copy would
 * be a liability in the repository itself. Each has the findings it must end in (codes, in order
 * of position); `skip` means the file is not a policy file and a clean skip is the right answer.
 */
export interface HostileFile {
  name: string;
  /** The file name it is written as; the extension decides JSON or YAML. */
  fileName: string;
  bytes: () => Buffer;
  /** The finding codes analyze() must produce, sorted. */
  codes: string[];
  /**
   * Nothing in the bytes says the file is a policy: lint skips it unless told to read it as one
   * (`--dialect execlave`), which is how the CLI's findings are checked.
   */
  notRecognisable?: boolean;
}

const VALID_HEAD = 'name: hostile\npolicyType: expression\nenforcementMode: block\n';

function aliasBomb(levels: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(97 + i - 1);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A JSON bundle with `n` unknown top-level keys: one finding per key, of which a file reports the
 * first 1,000 and `parse/too-many-findings`.
 */
export function manyUnknownKeys(n: number): HostileFile {
  return {
    name: `${n.toLocaleString('en-US')} unknown keys (JSON), ${n > 1000 ? 'the first 1,000 reported' : 'each a finding'}`,
    fileName: 'many-keys.json',
    bytes: () => {
      const o: Record<string, unknown> = {
        name: 'many',
        policyType: 'tool_call',
        enforcementMode: 'block',
        ruleDefinition: { tools: ['search'] },
      };
      for (let i = 0; i < n; i++) o[`k${i}`] = i;
      return Buffer.from(JSON.stringify(o));
    },
    codes: n > 1000 ? ['parse/too-many-findings', 'schema/unknown-key'] : ['schema/unknown-key'],
  };
}

/**
 * The cheapest way to the most findings: a JSON bundle just under the 4 MB analysis limit whose
 * every other key is unknown (`,"k123":1`), about 360,000 of them.
 */
export function unknownKeysToTheLimit(limit = 4 * 1024 * 1024): { text: string; keys: number } {
  const head = JSON.stringify({
    name: 'many',
    policyType: 'tool_call',
    enforcementMode: 'block',
    ruleDefinition: { tools: ['search'] },
  }).slice(0, -1);
  const parts = [head];
  let length = head.length + 1;
  let keys = 0;
  for (;;) {
    const part = `,"k${keys}":1`;
    if (length + part.length > limit) break;
    parts.push(part);
    length += part.length;
    keys++;
  }
  parts.push('}');
  return { text: parts.join(''), keys };
}

export const HOSTILE: HostileFile[] = [
  {
    name: 'YAML alias bomb (billion laughs, 9 levels)',
    fileName: 'alias-bomb.yaml',
    bytes: () => Buffer.from(VALID_HEAD + aliasBomb(9)),
    codes: ['yaml/alias-limit'],
  },
  {
    name: 'a 5 MB single string',
    fileName: 'huge-string.yaml',
    bytes: () =>
      Buffer.from(`${VALID_HEAD}ruleDefinition:\n  expression: "${'x'.repeat(5 * 1024 * 1024)}"\n`),
    codes: ['parse/too-large'],
  },
  {
    name: 'a 3.5 MB single string (under the size limit, so it is analysed)',
    fileName: 'big-string.json',
    bytes: () =>
      Buffer.from(
        JSON.stringify({
          name: 'x'.repeat(3.5 * 1024 * 1024),
          policyType: 'expression',
          enforcementMode: 'block',
          ruleDefinition: { expression: 'cost > 1.0' },
        }),
      ),
    // The name is over 255 characters, and the body over the 1 MiB the policies API accepts.
    codes: ['schema/length', 'sync/request-limit'],
  },
  {
    name: 'JSON nested 10,000 levels deep',
    fileName: 'deep.json',
    bytes: () =>
      Buffer.from(
        '{"policyType":"expression","name":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}',
      ),
    codes: ['parse/too-deep'],
  },
  {
    name: 'YAML flow collections nested 10,000 levels deep',
    fileName: 'deep-flow.yaml',
    bytes: () => Buffer.from(`${VALID_HEAD}ruleDefinition: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`),
    codes: ['parse/too-deep'],
  },
  {
    name: 'YAML block sequences nested 10,000 levels deep',
    fileName: 'deep-block.yaml',
    bytes: () => Buffer.from(`${VALID_HEAD}ruleDefinition:\n  tools:\n    ${'- '.repeat(10_000)}x\n`),
    codes: ['parse/too-deep'],
  },
  {
    name: 'invalid UTF-8',
    fileName: 'latin1.yaml',
    bytes: () =>
      Buffer.concat([
        Buffer.from(`${VALID_HEAD}ruleDefinition:\n  expression: "input == '`),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from(`'"\n`),
      ]),
    codes: ['parse/encoding'],
  },
  {
    name: 'a byte order mark',
    fileName: 'bom.json',
    bytes: () =>
      Buffer.from(
        '\uFEFF' +
          JSON.stringify({
            name: 'bom',
            policyType: 'expression',
            enforcementMode: 'block',
            ruleDefinition: { expression: 'cost > 1.0' },
          }),
      ),
    codes: [],
  },
  {
    name: 'CRLF line ends with one error',
    fileName: 'crlf.yaml',
    bytes: () =>
      Buffer.from(
        `${VALID_HEAD}ruleDefinition:\n  expression: "cost > 1.0"\nisActive: maybe\n`.replace(/\n/g, '\r\n'),
      ),
    codes: ['schema/type'],
  },
  {
    name: 'tabs for indentation',
    fileName: 'tabs.yaml',
    bytes: () => Buffer.from(`${VALID_HEAD}ruleDefinition:\n\texpression: "cost > 1.0"\n`),
    codes: ['yaml/syntax'],
  },
  {
    name: '100,000 keys (YAML)',
    fileName: 'many-keys.yaml',
    bytes: () => {
      const lines = [VALID_HEAD + 'ruleDefinition:', '  expression: "cost > 1.0"', 'metadata:'];
      for (let i = 0; i < 100_000; i++) lines.push(`  k${i}: ${i}`);
      return Buffer.from(lines.join('\n') + '\n');
    },
    // Valid to the schema; its request body (about 1.7 MB of metadata) is over the API's 1 MiB.
    codes: ['sync/request-limit'],
  },
  manyUnknownKeys(100_000),
  {
    name: 'NUL bytes (a binary file with a policy extension)',
    fileName: 'binary.json',
    bytes: () => Buffer.from([0x7b, 0x00, 0x00, 0x01, 0x02, 0x7d]),
    codes: ['parse/binary'],
    notRecognisable: true,
  },
];

/**
 * A workspace of `total` files of which `policies` are policy bundles under policies/, the rest
 * source files, docs and a node_modules tree, and a symlink loop to walk past.
 */
export function makeWorkspace(root: string, total: number, policies: number): void {
  const dirs = ['src', 'docs', 'node_modules/pkg', 'assets', 'policies'];
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (let i = 0; i < policies; i++)
    writeFileSync(
      join(root, 'policies', `p${i}.yaml`),
      `name: policy-${i}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n`,
    );
  const others = total - policies;
  for (let i = 0; i < others; i++) {
    const kind = i % 4;
    // node_modules holds JSON that is not policy: the walker must not even open it.
    if (kind === 0) writeFileSync(join(root, 'src', `m${i}.ts`), `export const x${i} = ${i};\n`);
    else if (kind === 1) writeFileSync(join(root, 'docs', `d${i}.md`), `# doc ${i}\n`);
    else if (kind === 2) writeFileSync(join(root, 'node_modules/pkg', `f${i}.json`), `{"i":${i}}`);
    else writeFileSync(join(root, 'assets', `a${i}.txt`), `${i}`);
  }
  makeSymlinkLoop(root);
}

/** `loop/self -> ..` and a two-step cycle `loop/a -> loop/b`, `loop/b/back -> loop/a`. */
export function makeSymlinkLoop(root: string): void {
  const loop = join(root, 'loop');
  mkdirSync(join(loop, 'b'), { recursive: true });
  symlinkSync('..', join(loop, 'self'));
  symlinkSync('b', join(loop, 'a'));
  symlinkSync('../a', join(loop, 'b', 'back'));
  symlinkSync('does-not-exist', join(loop, 'dangling.yaml'));
}
