/**
 * The positioned tree of a policy document, the same for YAML and JSON. Every key and value knows
 * its offsets, so a finding can be placed on the exact token and a fix can edit it in place.
 */
export type Language = 'yaml' | 'json';

interface Base {
  offset: number;
  end: number;
  parent?: ObjectNode | ArrayNode;
}

export interface ObjectNode extends Base {
  type: 'object';
  properties: PropertyNode[];
  /** `{a: 1}` in YAML, and every JSON object. */
  flow: boolean;
}

export interface PropertyNode {
  key: StringNode;
  /** `null` when the key has no value at all (`ruleDefinition:` followed by nothing). */
  value: AstNode | null;
  offset: number;
  end: number;
  parent: ObjectNode;
}

export interface ArrayNode extends Base {
  type: 'array';
  items: AstNode[];
  flow: boolean;
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded' | 'json';

export interface StringNode extends Base {
  type: 'string';
  value: string;
  style: ScalarStyle;
}

export interface OtherScalarNode extends Base {
  type: 'number' | 'boolean' | 'null';
  value: number | boolean | null;
  style: ScalarStyle;
}

/** A YAML alias (`*name`): it is not expanded in the tree, which keeps alias bombs harmless. */
export interface AliasNode extends Base {
  type: 'alias';
  value: string;
}

export type ScalarNode = StringNode | OtherScalarNode;
export type AstNode = ObjectNode | ArrayNode | ScalarNode | AliasNode;

export type PathSegment = string | number;

/** Path as the CLI and messages print it: `ruleDefinition.tools`, `tools[0].approval_workflow`. */
export function displayPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/**
 * The plain value of a positioned tree: what the JSON parser returns for a valid file, and what
 * survives of a document with a syntax error for completion and hover. An alias has no value here.
 */
export function treeValue(node: AstNode | null): unknown {
  if (!node) return null;
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of node.properties) o[p.key.value] = treeValue(p.value);
      return o;
    }
    case 'array':
      return node.items.map(treeValue);
    case 'alias':
      return null;
    default:
      return node.value;
  }
}
