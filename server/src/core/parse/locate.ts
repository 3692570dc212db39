import type { AstNode, ObjectNode, PathSegment, PropertyNode } from './ast';

/** Objects with more keys than this get an index: placing one finding per key is then linear. */
const INDEX_FROM = 64;
const indexes = new WeakMap<ObjectNode, { size: number; byKey: Map<string, PropertyNode> }>();

export function findProperty(obj: ObjectNode, key: string): PropertyNode | undefined {
  const props = obj.properties;
  if (props.length > INDEX_FROM) {
    // A file with 100,000 unknown keys has 100,000 findings, each located by key; a linear scan
    // per finding took minutes. The index keeps the last property of a duplicated key, as below.
    let index = indexes.get(obj);
    if (!index || index.size !== props.length) {
      const byKey = new Map<string, PropertyNode>();
      for (const p of props) byKey.set(p.key.value, p);
      index = { size: props.length, byKey };
      indexes.set(obj, index);
    }
    return index.byKey.get(key);
  }
  for (let i = props.length - 1; i >= 0; i--) if (props[i].key.value === key) return props[i];
  return undefined;
}

export interface Located {
  /** The deepest node reached; equals the target when the whole path exists. */
  node: AstNode | null;
  /** The property whose value `node` is, when the last step was a key. */
  property?: PropertyNode;
  /** How many segments of the path were found. */
  depth: number;
}

/** Walks a path of keys and indices through the tree as far as it exists. */
export function locate(root: AstNode | null, path: readonly PathSegment[]): Located {
  let node: AstNode | null = root;
  let property: PropertyNode | undefined;
  let depth = 0;
  for (const seg of path) {
    if (!node) break;
    if (node.type === 'object' && typeof seg === 'string') {
      const p = findProperty(node, seg);
      if (!p) break;
      property = p;
      node = p.value;
    } else if (node.type === 'array' && typeof seg === 'number' && seg < node.items.length) {
      property = undefined;
      node = node.items[seg];
    } else break;
    depth++;
  }
  return { node, property, depth };
}

/** The innermost node whose range contains the offset, with the property it sits in. */
export function nodeAt(
  root: AstNode | null,
  offset: number,
): { node: AstNode | null; property?: PropertyNode; onKey: boolean; path: PathSegment[] } {
  const path: PathSegment[] = [];
  let node: AstNode | null = root;
  let property: PropertyNode | undefined;
  const onKey = false;
  while (node) {
    if (node.type === 'object') {
      let next: PropertyNode | undefined;
      for (const p of node.properties) {
        if (offset >= p.key.offset && offset <= p.key.end) {
          return { node: p.key, property: p, onKey: true, path: [...path, p.key.value] };
        }
        if (p.value && offset >= p.value.offset && offset <= p.value.end) next = p;
      }
      if (!next || !next.value) break;
      path.push(next.key.value);
      property = next;
      node = next.value;
      continue;
    }
    if (node.type === 'array') {
      const idx = node.items.findIndex((it) => offset >= it.offset && offset <= it.end);
      if (idx < 0) break;
      path.push(idx);
      property = undefined;
      node = node.items[idx];
      continue;
    }
    break;
  }
  return { node, property, onKey, path };
}

/** The path of a node from the root, following parent links. */
export function pathOf(node: AstNode): PathSegment[] {
  const path: PathSegment[] = [];
  let cur: AstNode = node;
  while (cur.parent) {
    const p = cur.parent;
    if (p.type === 'array') path.unshift(p.items.indexOf(cur));
    else {
      const prop = p.properties.find((x) => x.value === cur);
      if (prop) path.unshift(prop.key.value);
    }
    cur = p;
  }
  return path;
}
