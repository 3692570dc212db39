import type { Finding } from '../findings';
import type { AstNode, Language } from './ast';
import { parseFast } from './fast';
import { partialYamlRoot } from './events';
import { parseJsonPositioned } from './json';
import { partialJsonRoot, type PartialRoot } from './partial';
import { parseYamlPositioned, type PositionedParse } from './yaml';

export * from './ast';
export { locate, nodeAt, findProperty, pathOf } from './locate';
export {
  escapeLoneSurrogates,
  findLoneSurrogates,
  loneSurrogatePath,
  mayHoldLoneSurrogate,
} from './surrogates';
export type { PositionedParse } from './yaml';
export type { PartialRoot } from './partial';

/** Files above this size get one finding instead of an analysis (a policy is a few KB). */
export const MAX_TEXT_LENGTH = 4 * 1024 * 1024;

/** Above this length a settled document keeps its events (`ParsedDocument.settle`). */
export const SETTLE_MAX_LENGTH = 32 * 1024;

export function languageOf(fileName: string): Language {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/**
 * A parsed policy document. The value comes from the fast parsers when it can; the positioned
 * tree is built on first use and then kept, so the editor pays for it once per version.
 */
export class ParsedDocument {
  private positioned: PositionedParse | undefined;
  readonly value: unknown;
  /** Findings of the parse itself (syntax, duplicate keys, aliases, size); empty on the fast path. */
  readonly parseFindings: Finding[];

  constructor(
    readonly text: string,
    readonly language: Language,
  ) {
    // A byte order mark is not part of the document; a line break (not a space, which would indent
    // the first key) keeps every offset where it was.
    const clean = text.charCodeAt(0) === 0xfeff ? '\n' + text.slice(1) : text;
    const fast = parseFast(clean, language);
    if (fast) {
      this.value = fast.value;
      this.parseFindings = [];
      this.fastTree = fast.tree;
      this.fastTreeInSteps = fast.treeInSteps;
      this.fastPartial = fast.partial;
      this.fastParsed = true;
    } else {
      this.positioned = positionedParse(clean, language);
      this.value = this.positioned.value;
      this.parseFindings = this.positioned.findings;
    }
    this.cleanText = clean;
  }

  private readonly cleanText: string;
  /**
   * Builds the tree from the fast parse (YAML: its events; JSON: the valid text). Dropped once the
   * tree is built: a YAML document's events take several times its text, and an editor that holds
   * thousands of open documents kept both the events and the tree of each.
   */
  private fastTree: (() => AstNode | null | undefined) | undefined;
  /** The same a slice at a time, where the fast parse can (JSON). Dropped with `fastTree`. */
  private fastTreeInSteps: (() => Generator<void, AstNode | null>) | undefined;
  /** The root cut down to a few top-level keys from the same parse. Dropped with `fastTree`. */
  private fastPartial: ((keys: ReadonlySet<string>) => PartialRoot | undefined) | undefined;

  /**
   * Before the positioned tree exists: the root cut down to the top-level `keys`, made from the
   * fast parse's own events (YAML) or text (JSON), for a caller that places findings under those
   * keys only (the chain). Undefined once the tree exists (it places them) or when the fast path
   * cannot tell; the positions are the tree's either way.
   */
  partialRoot(keys: ReadonlySet<string>): PartialRoot | undefined {
    return this.positioned ? undefined : this.fastPartial?.(keys);
  }

  /**
   * Tells a document that its analysis is done and that from now on it is mostly held, not read:
   * it keeps the root cut down to `keys` (the caller's, for `partialRoot`), made now from its
   * events, and lets the events go. A YAML document's events are several times its text, and an
   * editor holds thousands of open documents; a later `root` or another set of keys parses the
   * text again (about 30 µs for a policy of a few KB). A document above SETTLE_MAX_LENGTH keeps its
   * events: parsing it again would cost milliseconds at every request after an edit, and such
   * documents are few. Nothing to do once the tree exists (it places everything) or for JSON (its
   * fast parse keeps only the text).
   */
  settle(keys: ReadonlySet<string>): void {
    if (this.positioned || !this.fastPartial || this.language !== 'yaml') return;
    if (this.cleanText.length > SETTLE_MAX_LENGTH || this.settledKeys) return;
    const partial = this.fastPartial(keys);
    const { cleanText: text, language } = this;
    this.settledKeys = keys;
    this.fastTree = () => parseFast(text, language)?.tree?.();
    this.fastPartial = (asked) => (asked === keys ? partial : parseFast(text, language)?.partial?.(asked));
  }

  /** The keys `settle` kept the cut-down root of (its events are gone), if it was settled. */
  private settledKeys: ReadonlySet<string> | undefined;

  /** True once `settle` let the fast parse's events go (tests watch this). */
  get settled(): boolean {
    return this.settledKeys !== undefined;
  }

  /**
   * True when the fast parsers took the text (valid, one document, no anchors, no duplicate keys):
   * `fastPartialRoot` can then place a finding under a few keys without a full second parse.
   */
  readonly fastParsed: boolean = false;

  get root(): AstNode | null {
    if (!this.positioned) {
      const tree = this.fastTree?.();
      this.positioned =
        tree !== undefined
          ? { root: tree, value: this.value, findings: [] }
          : positionedParse(this.cleanText, this.language, false);
      this.fastTree = this.fastTreeInSteps = this.fastPartial = undefined;
    }
    return this.positioned.root;
  }

  /**
   * `root`, built a slice at a time where it can be (a valid JSON text): the analysis pauses between
   * the slices (`analyzeInSteps`), so a file of hundreds of thousands of keys does not hold the
   * language server while its positions are read.
   */
  *rootInSteps(): Generator<void, AstNode | null> {
    if (!this.positioned && this.fastTreeInSteps) {
      const root = yield* this.fastTreeInSteps();
      this.positioned = { root, value: this.value, findings: [] };
      this.fastTree = this.fastTreeInSteps = this.fastPartial = undefined;
    }
    return this.root;
  }

  /** True once the positioned tree exists (the benchmark and tests watch this). */
  get hasPositions(): boolean {
    return this.positioned !== undefined;
  }
}

/**
 * For a text that the fast parsers took (`ParsedDocument.fastParsed`): the root cut down to the
 * top-level properties named in `keys` (parse/partial.ts), parsing with positions only those. A
 * caller that places findings under a few keys of many documents (lint's chain findings) uses it
 * instead of keeping every document or parsing each whole again. Undefined when it cannot tell
 * (the root is not an object, or the tree does not model the text): the full tree then places it.
 */
export function fastPartialRoot(
  text: string,
  language: Language,
  keys: ReadonlySet<string>,
): PartialRoot | undefined {
  // The same offsets as the document's: its byte order mark read as a line break.
  const clean = text.charCodeAt(0) === 0xfeff ? '\n' + text.slice(1) : text;
  try {
    return language === 'json' ? partialJsonRoot(clean, keys) : partialYamlRoot(clean, keys);
  } catch {
    return undefined;
  }
}

/** `withValue: false` when the fast parse already gave the value (JSON builds it only on request). */
function positionedParse(text: string, language: Language, withValue = true): PositionedParse {
  return language === 'json' ? parseJsonPositioned(text, withValue) : parseYamlPositioned(text);
}
