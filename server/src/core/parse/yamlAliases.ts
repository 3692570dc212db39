import {
  Alias,
  isAlias,
  isCollection,
  isPair,
  isScalar,
  visit,
  type Document,
  type Node as YNode,
} from 'yaml';

/**
 * `doc.toJS(options)`, with every alias's anchor found in one walk of the document.
 *
 * The `yaml` package resolves an alias by going through the document's anchors and aliases in order
 * up to the alias (`Alias.resolve`, over the list its context keeps): a document of n anchors, each
 * aliased after all of them, cost n² steps, and nested aliases walk the whole document again for the
 * alias-count guard. 16,000 anchors took 11.7 s before the first diagnostics. Here the anchor of
 * every alias is found first, in the order the library's own walk goes; while this document is
 * converted, `resolve` hands the library's loop a list of two (the anchor, then the alias), so the
 * library's alias-count guard and its errors stay its own.
 */
export function toJSWithAliases(
  doc: Document,
  options: Parameters<Document['toJS']>[0],
  sources = aliasSources(doc),
): unknown {
  if (!sources.size) return doc.toJS(options);
  installResolve();
  resolving.set(doc, sources);
  try {
    return doc.toJS(options);
  } finally {
    resolving.delete(doc);
  }
}

/** Each alias of the document with its anchor: the last node of its name before it, if any. */
export function aliasSources(doc: Document): Map<Alias, YNode | undefined> {
  const sources = new Map<Alias, YNode | undefined>();
  const last = new Map<string, YNode>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) sources.set(node, last.get(node.source));
      else if ((isScalar(node) || isCollection(node)) && node.anchor) last.set(node.anchor, node);
    },
  });
  return sources;
}

/**
 * The first alias, in the document's order, where the value nests deeper than `limit` collections
 * once aliases are resolved (`cycle`: the alias is inside its own anchor, and the value nests without
 * end); undefined if there is none. The text's depth bound (depth.ts) does not see through aliases:
 * an anchor 300 deep used inside another 300-deep structure is a value 600 deep, and a chain of such
 * anchors reaches thousands of levels within the yaml package's alias-count guard, for every reader
 * of the value (validation, rules, fixes, sync) to recurse through. Each collection's resolved depth
 * is counted once: an anchor comes before its aliases, so it is complete when an alias reaches it,
 * unless the alias is inside it. The walk recurses as deep as the document's own nodes, never
 * through an alias.
 */
export function aliasDepthCrossing(
  doc: Document,
  sources: Map<Alias, YNode | undefined>,
  limit: number,
): { alias: Alias; cycle: boolean } | undefined {
  if (!sources.size) return undefined;
  /** Each collection's resolved depth, or IN_PROGRESS while its items are being read. */
  const depths = new Map<YNode, number>();
  const IN_PROGRESS = -1;
  let found: { alias: Alias; cycle: boolean } | undefined;
  /** The resolved depth of `node`, whose `enclosing` collections hold it. */
  const measure = (node: unknown, enclosing: number): number => {
    if (found) return 0;
    if (isAlias(node)) {
      const source = sources.get(node);
      const known = source ? depths.get(source) : 0;
      if (known === IN_PROGRESS) found = { alias: node, cycle: true };
      else if (enclosing + (known ?? 0) > limit) found = { alias: node, cycle: false };
      return known ?? 0;
    }
    if (isPair(node)) return Math.max(measure(node.key, enclosing), measure(node.value, enclosing));
    if (!isCollection(node)) return 0;
    depths.set(node, IN_PROGRESS);
    let deepest = 0;
    for (const item of node.items) deepest = Math.max(deepest, measure(item, enclosing + 1));
    depths.set(node, deepest + 1);
    return deepest + 1;
  };
  measure(doc.contents, 0);
  return found;
}

/**
 * The aliases with no anchor of their name before them (YAML wants the anchor first), in the
 * document's order. The library says so as it converts, of the first one and with no position (a
 * message that was taken for the alias-count guard's): a conversion that failed asks here.
 */
export function unresolvedAliases(doc: Document): Alias[] {
  const out: Alias[] = [];
  const seen = new Set<string>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        if (!seen.has(node.source)) out.push(node);
      } else if ((isScalar(node) || isCollection(node)) && node.anchor) seen.add(node.anchor);
    },
  });
  return out;
}

/** What a finding says of an alias with no anchor before it. */
export const unresolvedMessage = (alias: Alias) =>
  `the alias *${alias.source} has no anchor &${alias.source} before it`;

/** The documents being converted by `toJSWithAliases`, with each alias's anchor. */
const resolving = new WeakMap<Document, Map<Alias, YNode | undefined>>();
let installed = false;

/** Wraps `Alias.prototype.resolve` once: documents not being converted here go through unchanged. */
function installResolve(): void {
  if (installed) return;
  installed = true;
  const original = Alias.prototype.resolve;
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    const [doc, ctx] = args;
    const sources = resolving.get(doc);
    if (!sources?.has(this)) return original.apply(this, args);
    const source = sources.get(this);
    if (!ctx) return source as ReturnType<Alias['resolve']>;
    // The library walks this list up to the alias; the anchor is the last one of its name before it.
    const context = ctx as { aliasResolveCache?: unknown };
    const kept = context.aliasResolveCache;
    context.aliasResolveCache = source ? [source, this] : [this];
    try {
      return original.apply(this, args);
    } finally {
      context.aliasResolveCache = kept;
    }
  };
}
