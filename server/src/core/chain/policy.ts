import { detectDialect } from '../dialects';
import { fastPartialRoot, languageOf, locate, MAX_TEXT_LENGTH, ParsedDocument, type AstNode } from '../parse';
import { LineIndex, type Span } from '../text';

/** The default of `evaluationOrder` and `chainTrigger` (execlave-policy-chaining §02). */
export const DEFAULT_EVALUATION_ORDER = 100;
export const DEFAULT_CHAIN_TRIGGER = 'all_passed';

/** One entry of `prerequisites` as written: the reference and its index in the array. */
export interface PrerequisiteRef {
  ref: string;
  index: number;
}

/** What the chain needs to know about one policy file, as plain data (a worker can send it). */
export interface ChainFacts {
  uri: string;
  /** The bundle's `name`, when it is a non-empty string. */
  name: string | undefined;
  /**
   * The bundle's own `id` as written, when it has the shape of a server id: a raw export keeps the
   * server's id of each policy, and a prerequisite naming that id names this bundle (ownIds.ts).
   */
  id?: string;
  policyType: string | undefined;
  /** As written, or the default. */
  chainTrigger: string;
  evaluationOrder: number;
  isActive: boolean;
  /** The string entries of `prerequisites`; other values are schema findings, not chain links. */
  prerequisites: PrerequisiteRef[];
}

/**
 * The chain facts with the document they came from. Only the facts are read eagerly; positions
 * come from the document's positioned tree on first use, so a workspace of valid files never
 * builds one.
 */
export interface ChainPolicy extends ChainFacts {
  readonly doc: ParsedDocument;
  readonly lines: LineIndex;
  /**
   * When the text is known to take the fast parse (lint), what placing a finding reads instead of
   * `doc`: the root cut down to `name` and `prerequisites` (parse/partial.ts), the text and its
   * language. The whole document is then never parsed again for a chain finding.
   */
  readonly anchored?: PlacingDocument;
}

/** What placing a finding reads of a document. */
export type PlacingDocument = Pick<ParsedDocument, 'root' | 'text' | 'language'>;

/** The top-level keys a chain finding is placed under (`name`, `prerequisites`). */
export const CHAIN_KEYS: ReadonlySet<string> = new Set(['name', 'prerequisites']);

/** The document a chain finding of `policy` is placed in. */
export function placingDocument(policy: ChainPolicy): PlacingDocument {
  return policy.anchored ?? policy.doc;
}

/**
 * The longest name or prerequisite the chain takes: the schema's bound for a name (a prerequisite
 * is a name or a UUID). A longer one is a schema finding and no chain link. Beyond the bound's
 * meaning, this keeps the chain's maps fast: V8 hashes a string of over 16,383 characters by its
 * length alone, so 2,000 long names of one length made every lookup a scan (lint 52 s, chain 68 s).
 */
export const MAX_CHAIN_NAME = 255;

/** A string the chain takes as a name or a reference. */
const chainName = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_CHAIN_NAME;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The chain facts of a parsed value, or undefined when it is not an Execlave bundle (only
 * bundles chain; Preloop and Agent Sentinel documents have no prerequisites).
 */
export function chainFactsOf(uri: string, value: unknown, dialectId?: string): ChainFacts | undefined {
  if (!isObj(value)) return undefined;
  if (dialectId === undefined) {
    // Detection falls back to Execlave for anything; a scan of a workspace must not take every
    // YAML file (a CI config, a compose file) for a bundle, so it wants an actual Execlave marker.
    const dialect = detectDialect(value, uri);
    if (dialect.id !== 'execlave' || dialect.detect(value, uri) <= 0) return undefined;
  } else if (dialectId !== 'execlave') return undefined;
  const prerequisites: PrerequisiteRef[] = [];
  if (Array.isArray(value.prerequisites))
    value.prerequisites.forEach((ref, index) => {
      if (chainName(ref)) prerequisites.push({ ref, index });
    });
  const order = value.evaluationOrder;
  const id = value.id;
  return {
    uri,
    name: chainName(value.name) ? value.name : undefined,
    // Only when present: the facts of a bundle without one stay what they were (lint's cache).
    ...(typeof id === 'string' && looksLikeId(id) ? { id } : {}),
    policyType: typeof value.policyType === 'string' ? value.policyType : undefined,
    chainTrigger: typeof value.chainTrigger === 'string' ? value.chainTrigger : DEFAULT_CHAIN_TRIGGER,
    evaluationOrder: typeof order === 'number' && Number.isFinite(order) ? order : DEFAULT_EVALUATION_ORDER,
    isActive: value.isActive !== false,
    prerequisites,
  };
}

/** The chain facts of a parsed document, with the document for positions. */
export function chainPolicyOf(uri: string, doc: ParsedDocument, dialectId?: string): ChainPolicy | undefined {
  const facts = chainFactsOf(uri, doc.value, dialectId);
  return facts && new PolicyOfDocument(facts, doc);
}

/**
 * The facts of a policy as fields of its own (not a spread, not getters): the chain's code reads
 * them for thousands of policies, and each kind of policy keeps one shape.
 */
abstract class PolicyFields implements ChainFacts {
  readonly uri: string;
  readonly name: string | undefined;
  readonly id: string | undefined;
  readonly policyType: string | undefined;
  readonly chainTrigger: string;
  readonly evaluationOrder: number;
  readonly isActive: boolean;
  readonly prerequisites: PrerequisiteRef[];

  constructor(facts: ChainFacts) {
    this.uri = facts.uri;
    this.name = facts.name;
    this.id = facts.id;
    this.policyType = facts.policyType;
    this.chainTrigger = facts.chainTrigger;
    this.evaluationOrder = facts.evaluationOrder;
    this.isActive = facts.isActive;
    this.prerequisites = facts.prerequisites;
  }
}

/**
 * A policy of a parsed document (an open one, or a file the scan read). A chain finding is placed
 * from the root cut down to `name` and `prerequisites`, made from the document's own fast parse,
 * while the document has no positioned tree: a workspace opened whole places a cycle finding in
 * each of its files, and building each file's whole tree for it was a fifth of that work.
 */
class PolicyOfDocument extends PolicyFields implements ChainPolicy {
  readonly lines: LineIndex;
  private anchoredValue: PlacingDocument | undefined = undefined;
  private tried = false;

  constructor(
    facts: ChainFacts,
    readonly doc: ParsedDocument,
  ) {
    super(facts);
    this.lines = new LineIndex(doc.text);
  }

  get anchored(): PlacingDocument | undefined {
    if (!this.tried) {
      this.tried = true;
      const root = this.doc.partialRoot(CHAIN_KEYS);
      if (root) this.anchoredValue = { root, text: this.doc.text, language: this.doc.language };
    }
    return this.anchoredValue;
  }
}

/**
 * A policy from facts computed elsewhere (a lint worker), whose document is parsed again from its
 * text only if a chain finding has to be placed in it. `fastParsed` says that the parse that gave
 * the facts took the fast path (`ParsedDocument.fastParsed`): a finding is then placed from the
 * positions of `name` and `prerequisites` alone (`fastPartialRoot`), not from a whole new tree.
 */
export function chainPolicyFromFacts(
  facts: ChainFacts,
  text: string | (() => string),
  fastParsed = false,
): ChainPolicy {
  // The text may come lazily (lint --cache reads a cached file only when a finding needs it).
  return new PolicyOfFacts(facts, typeof text === 'string' ? () => text : text, fastParsed);
}

/**
 * One class for every policy made from facts, with its lazy parts as getters of the prototype. An
 * object literal with its own getters (closures) gets a hidden class of its own: the chain's code,
 * which reads the fields of thousands of policies, then found a new shape at every access (a
 * megamorphic miss, about 200 ns each, against 1 to 2 ns for one shared shape).
 */
class PolicyOfFacts extends PolicyFields implements ChainPolicy {
  private docValue: ParsedDocument | undefined = undefined;
  private linesValue: LineIndex | undefined = undefined;
  private anchoredValue: PlacingDocument | undefined = undefined;
  private tried: boolean;

  constructor(
    facts: ChainFacts,
    private readonly textOf: () => string,
    fastParsed: boolean,
  ) {
    super(facts);
    this.tried = !fastParsed;
  }

  get doc(): ParsedDocument {
    return (this.docValue ??= new ParsedDocument(this.textOf(), languageOf(this.uri)));
  }

  get lines(): LineIndex {
    return (this.linesValue ??= new LineIndex(this.textOf()));
  }

  // Always present (undefined when not at hand): every policy of the index has the same shape.
  get anchored(): PlacingDocument | undefined {
    if (!this.tried) {
      this.tried = true;
      const source = this.textOf();
      const language = languageOf(this.uri);
      const root = fastPartialRoot(source, language, CHAIN_KEYS);
      if (root) this.anchoredValue = { root, text: source, language };
    }
    return this.anchoredValue;
  }
}

/**
 * Parses a file's text for the chain alone (no schema validation): what the workspace scan does.
 * `dialectId` is the dialect a setting or the project's config forces on the file, as for
 * `chainPolicyOf`: only an Execlave bundle chains, and a forced one needs no marker of its format.
 */
export function chainPolicyFromText(uri: string, text: string, dialectId?: string): ChainPolicy | undefined {
  if (!text.trim() || text.length > MAX_TEXT_LENGTH || text.includes('\u0000')) return undefined;
  if (dialectId !== undefined && dialectId !== 'execlave') return undefined;
  try {
    return chainPolicyOf(uri, new ParsedDocument(text, languageOf(uri)), dialectId);
  } catch (e) {
    // A file nested thousands of levels deep overflows the parsers' stack. It is not a bundle the
    // chain can use (lint reports it as parse/too-deep); the scan of the other files goes on.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function spanOf(node: AstNode | null | undefined): Span | undefined {
  return node ? { start: node.offset, end: node.end } : undefined;
}

/** Where the `name` value is, for definitions, lenses and duplicate-name findings. */
export function nameSpan(policy: ChainPolicy): Span | undefined {
  const { node, depth } = locate(placingDocument(policy).root, ['name']);
  return depth === 1 ? spanOf(node) : undefined;
}

/** Where the `index`-th entry of `prerequisites` is. */
export function prerequisiteSpan(policy: ChainPolicy, index: number): Span | undefined {
  const { node, depth } = locate(placingDocument(policy).root, ['prerequisites', index]);
  return depth === 2 ? spanOf(node) : undefined;
}

/** The prerequisite entry under an offset (for definition and completion), if any. */
export function prerequisiteAt(
  policy: ChainPolicy,
  offset: number,
): (PrerequisiteRef & { span: Span }) | undefined {
  const { node, depth } = locate(policy.doc.root, ['prerequisites']);
  if (depth !== 1 || node?.type !== 'array') return undefined;
  const index = node.items.findIndex((it) => offset >= it.offset && offset <= it.end);
  const item = node.items[index];
  if (!item || item.type !== 'string') return undefined;
  return { ref: item.value, index, span: { start: item.offset, end: item.end } };
}

/** True when the offset is on the `name` value. */
export function isOnName(policy: ChainPolicy, offset: number): boolean {
  const span = nameSpan(policy);
  return !!span && offset >= span.start && offset <= span.end;
}

/** The shape of a UUID, a live policy id (`3f0c6a52-8d1e-4b7a-9c11-2f5d0e7a9b44`). */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ID = new RegExp(`^${UUID}$`, 'i');

/** A UUID, the shape of a live policy id (`3f0c6a52-8d1e-4b7a-9c11-2f5d0e7a9b44`). */
export function looksLikeId(ref: string): boolean {
  return ID.test(ref);
}

/** Every UUID a text holds, as written (lint --fix looks for the ids it asks about in files' texts). */
export function idsIn(text: string): string[] {
  return text.match(new RegExp(UUID, 'gi')) ?? [];
}

/**
 * The form a reference is compared in: a UUID in lower case (UUIDs are case-insensitive, RFC 9562,
 * and PostgreSQL finds `2B3B…` as `2b3b…`), anything else as written (names are case-sensitive).
 * Only comparisons use it: an id is stored, sent and shown as written.
 */
export function idKey(ref: string): string {
  return looksLikeId(ref) ? ref.toLowerCase() : ref;
}
