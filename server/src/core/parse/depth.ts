import type { Finding } from '../findings';

/**
 * The nesting a YAML document may have. Both YAML parsers (js-yaml on the fast path, the yaml
 * package on the careful one) and the readers of their trees recurse once or more per level, and
 * ran out of stack at a depth that depends on the process: unclosed braces at about 780 levels in
 * `dist/cli.js lint`, 900 in a `tsx` process, 1,100 in the language server, so one file was
 * `parse/too-deep` in one and a `yaml/syntax` error in another. A document whose bound (below)
 * passes this limit is refused before either parser runs, the same everywhere; a policy nests a
 * dozen levels, twenty at most.
 */
export const MAX_YAML_DEPTH = 400;

/**
 * The one finding of a document past the depth bound (YAML here, JSON in jsonDepth.ts), placed on
 * the character that opens the level too many, so that an editor shows where the nesting runs away.
 */
export function tooDeepFinding(text: string, at: number): Finding {
  const start = Math.min(Math.max(at, 0), text.length);
  return {
    code: 'parse/too-deep',
    severity: 'error',
    message: 'the document is nested too deeply to analyse',
    span: { start, end: Math.min(start + 1, text.length) },
  };
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const SQUOTE = 39;
const DQUOTE = 34;

/** White space or the end of the text (`charCodeAt` past the end is NaN). */
const isBlank = (c: number) => c === SPACE || c === TAB || c === CR || c === LF || c !== c;
/** What can end a plain scalar, or open something after it, in block and in flow context. */
const BLOCK_PLAIN = /[:#\n]/g;
const FLOW_PLAIN = /[:#\n,[\]{}]/g;
/** What can end a single- or double-quoted scalar (or escape a quote). */
const SINGLE_QUOTED = /['\n]/g;
const DOUBLE_QUOTED = /["\\\n]/g;
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;

/** What the line before left open. */
const enum Open {
  Nothing,
  Quote,
  Plain,
  /** A block scalar's header, its first line of text still to come. */
  BlockHeader,
  BlockScalar,
}

/**
 * Whether the nesting of a YAML text may pass `limit`: one pass over the text, allocating nothing
 * but a stack of `limit` columns. The bound is the depth of the open flow collections (`[`, `{`
 * outside scalars and comments) plus twice the block nesting, counted as the stack of indentation
 * columns of the lines and of the compact entries on them (`- - x`, `- key:`): a column holds at
 * most a mapping and a sequence under one of its keys (`key:\n- item`). Where a quoted, plain or
 * block scalar or a flow collection ends is decided as the yaml package's lexer decides it (its
 * `indentNext`: a line indented less ends them), so no line it reads as structure is skipped as
 * text here, valid or not; a bracket counts in block context only where a node starts (`a[0]` is a
 * plain scalar).
 */
export function yamlMayNestDeeper(text: string, limit = MAX_YAML_DEPTH): boolean {
  return yamlDepthCrossing(text, limit) >= 0;
}

/**
 * Where the bound of `yamlMayNestDeeper` first passes `limit`: the offset of the line, entry, key or
 * bracket that opens the level too many; -1 if it never does.
 */
export function yamlDepthCrossing(text: string, limit = MAX_YAML_DEPTH): number {
  return depthBoundFits(text, limit) ? -1 : scanDepthCrossing(text, limit);
}

/**
 * A necessary condition for the scan below to cross `limit`, read with a few native searches: a
 * policy of a few hundred bytes cannot nest 400 levels, and the scan cost 15–20 µs per bench bundle
 * (cold), every YAML file of a lint. True when the scan's bound can never pass `limit`:
 *
 * - `top` (the stack of columns) grows only by a column above the one on top of it, and every column
 *   pushed is that of a character of the line being read that is not its `\n` (`j - i`, where `i` is
 *   the line's start): the stack is strictly increasing in [0, L − 1], L the longest line's length,
 *   so `top` ≤ L.
 * - `weight` grows only while a flow collection is open, which takes a `[` or `{` first, and each
 *   increase is read at one offset the scan visits once (it only moves forward): 2 for a `[`, 1 for
 *   a `{`, `:`, `-` or `?`. So `weight` never exceeds W, those counts from the first `[` or `{` on.
 *
 * The scan returns only when `2 * top + weight > limit`, which needs 2L + W > limit.
 * (test/core/yaml-depth-bound.test.ts checks this against the scan on random and fixture texts.)
 */
export function depthBoundFits(text: string, limit: number): boolean {
  const n = text.length;
  let longest = 0;
  for (let start = 0; start <= n;) {
    const lf = text.indexOf('\n', start);
    const end = lf < 0 ? n : lf;
    if (end - start > longest) longest = end - start;
    start = end + 1;
  }
  let budget = limit - 2 * longest;
  if (budget < 0) return false;
  const square = text.indexOf('[');
  const curly = text.indexOf('{');
  const first = square < 0 ? curly : curly < 0 ? square : Math.min(square, curly);
  if (first < 0 || 2 * (n - first) <= budget) return true;
  for (let k = first; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 91) budget -= 2;
    else if (c === 123 || c === 58 || c === 45 || c === 63) budget--;
    else continue;
    if (budget < 0) return false;
  }
  return true;
}

/** The scan of `yamlDepthCrossing`, exported for the test of `depthBoundFits`. */
export function scanDepthCrossing(text: string, limit: number): number {
  const n = text.length;
  const cols = new Int32Array(limit + 2);
  let top = 0;
  /** Open flow collections, and what each adds to the bound (`weights`), in all (`weight`). */
  let flow = 0;
  const weights = new Int32Array(limit + 2);
  let weight = 0;
  /** The `: ` seen in the flow collection's entry so far. */
  let colons = 0;
  /** The yaml lexer's `indentNext`: a scalar or flow collection goes on in lines indented so far. */
  let indentNext = 0;
  let open = Open.Nothing;
  let quote = 0;
  /** A block scalar header's indentation indicator (0: none). */
  let explicit = 0;
  /** In a flow collection a node may start at the next line's first character. */
  let flowAtNode = true;
  /** The lexer's `indentValue`: where the first node of the last line read as structure starts. */
  let valueCol = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (text.charCodeAt(j) === SPACE) j++;
    const indent = j - i;
    let c = text.charCodeAt(j);
    const blank = c === LF || c !== c || (c === CR && text.charCodeAt(j + 1) === LF);
    if (open === Open.BlockHeader && !blank) {
      if (indent >= indentNext) {
        indentNext = explicit ? explicit - 1 + (indentNext === 0 ? 1 : indentNext) : indent;
        open = Open.BlockScalar;
      } else open = Open.Nothing;
    }
    if (open !== Open.Nothing) {
      if (blank) {
        i = nextLine(text, j);
        continue;
      }
      if (endsScalar(text, j, indent, indentNext)) open = Open.Nothing;
      else if (open === Open.BlockScalar) {
        i = nextLine(text, j);
        continue;
      }
    }
    let atNode = true;
    /** Only block indicators (`- `, `? `, `: `) so far on this line, read as structure. */
    let blockStart = false;
    if (open === Open.Nothing) {
      // An unindented line ends the flow collections (but for a closing bracket in the column
      // before: the lexer takes `- [\n  a\n ]`).
      if (flow > 0 && !blank && c !== HASH && endsScalar(text, j, indent, indentNext)) {
        if (!(indent === indentNext - 1 && flow === 1 && (c === 93 || c === 125))) flow = weight = 0;
      }
      if (flow > 0) atNode = flowAtNode;
      else {
        if (c === HASH || isBlank(c)) {
          let k = j;
          while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++k);
          if (c === HASH || c === LF || k >= n) {
            if (c === HASH && indentNext > indent && !isBlank(text.charCodeAt(j + 1))) indentNext = indent;
            i = nextLine(text, k);
            continue;
          }
        }
        if (indentNext > indent && !isBlank(text.charCodeAt(j + 1))) indentNext = indent;
        valueCol = indent;
        blockStart = true;
        while (top > 0 && cols[top - 1] > indent) top--;
        if (top === 0 || cols[top - 1] < indent) {
          cols[top++] = indent;
          if (2 * top > limit) return j;
        }
        if (indent === 0 && isMarker(text, j)) {
          indentNext = 0;
          j += 3;
        }
      }
    } else if (open === Open.Plain) atNode = false;
    // The rest of the line. `nodeCol`: where the node being read starts.
    let nodeCol = indent;
    let prev = SPACE;
    if (open === Open.Quote) {
      j = closingQuote(text, i, quote);
      if (text.charCodeAt(j) !== quote) {
        i = j + 1;
        continue;
      }
      open = Open.Nothing;
      atNode = false;
      prev = quote;
      j++;
    }
    for (; j < n; j++) {
      if (!atNode) {
        // In a plain scalar only these characters can end it or open anything: jump to the next.
        const plain = flow > 0 ? FLOW_PLAIN : BLOCK_PLAIN;
        plain.lastIndex = j;
        j = plain.test(text) ? plain.lastIndex - 1 : n;
        if (j >= n) break;
        prev = text.charCodeAt(j - 1);
      }
      c = text.charCodeAt(j);
      if (c === LF) break;
      if (c === SPACE || c === TAB || c === CR) {
        prev = c;
        continue;
      }
      if (c === HASH && (prev === SPACE || prev === TAB || prev === LF)) {
        if (open === Open.Plain) open = Open.Nothing;
        j = nextLine(text, j) - 1;
        break;
      }
      prev = c;
      const col = j - i;
      const next = text.charCodeAt(j + 1);
      const wasStart: boolean = blockStart;
      blockStart = false;
      if (atNode && (c === SQUOTE || c === DQUOTE)) {
        nodeCol = col;
        j = closingQuote(text, j + 1, c);
        if (text.charCodeAt(j) !== c) {
          open = Open.Quote;
          quote = c;
          break;
        }
        // As after a bracket, an alias or an error, the lexer reads what follows as a new node.
      } else if (c === 91 || c === 123) {
        colons = 0;
        // `[` or `{`: in block context, only where a node starts (`a[0]` is a plain scalar).
        if (flow > 0 || atNode) {
          if (flow === 0) {
            nodeCol = col;
            open = Open.Nothing;
          }
          // A flow sequence counts twice: each `key: value` in it is a mapping of its own.
          weights[flow++] = c === 91 ? 2 : 1;
          weight += c === 91 ? 2 : 1;
          if (2 * top + weight > limit) return j;
          atNode = true;
        } else atNode = false;
      } else if (c === 93 || c === 125) {
        colons = 0;
        // Outside a flow collection and where a node starts, an error the lexer steps over.
        if (flow > 0) weight -= weights[--flow];
        else if (!atNode) continue;
        atNode = true;
      } else if (c === 44) {
        colons = 0;
        // `,`: in block context, where a node starts, a plain scalar.
        if (flow === 0 && atNode) {
          nodeCol = col;
          open = Open.Plain;
        }
        atNode = flow > 0;
      } else if (c === 58 && (isBlank(next) || (flow > 0 && isFlowIndicator(next)))) {
        // `: `. In block context: after a key, of a mapping at the key's column; or explicit.
        if (flow === 0) {
          const at = atNode ? col : nodeCol;
          blockStart = wasStart && atNode;
          indentNext = (blockStart ? col : valueCol) + 1;
          if (blockStart) valueCol = afterSpaces(text, j + 1) - i;
          if (at > cols[top - 1]) {
            cols[top++] = at;
            if (2 * top > limit) return i + at;
          }
          open = Open.Nothing;
        } else if (atNode || ++colons > 1) {
          // A value with no key (`{: : x}`) or a second `: ` in one entry (`{a: b: c}`) nests a
          // mapping of its own in a flow collection.
          weights[flow - 1]++;
          if (2 * top + ++weight > limit) return j;
        }
        atNode = true;
      } else if ((c === 45 || c === 63) && atNode && isBlank(next)) {
        // `- ` or `? `: an entry of a block sequence or mapping, compact after the line's first.
        if (flow === 0) {
          blockStart = wasStart;
          indentNext = (blockStart ? col : valueCol) + 1;
          if (blockStart) valueCol = afterSpaces(text, j + 1) - i;
          if (col > cols[top - 1]) {
            cols[top++] = col;
            if (2 * top > limit) return j;
          }
        } else {
          // In a flow collection an error, which the yaml package reads as a block collection.
          weights[flow - 1]++;
          if (2 * top + ++weight > limit) return j;
        }
      } else if ((c === 124 || c === 62) && atNode && flow === 0) {
        // `|` or `>`: a block scalar; its lines are read by the indentation of the first.
        explicit = next >= 49 && next <= 57 ? next - 48 : 0;
        if (!explicit && (next === 43 || next === 45)) {
          const d = text.charCodeAt(j + 2);
          explicit = d >= 49 && d <= 57 ? d - 48 : 0;
        }
        open = Open.BlockHeader;
        j = nextLine(text, j) - 1;
        break;
      } else if ((c === 33 || c === 38 || c === 42) && atNode) {
        // A tag (`!`) or an anchor (`&`) comes before the node it names; after an alias (`*`), an
        // error, the lexer reads a node too.
        while (j + 1 < n && !isBlank(text.charCodeAt(j + 1)) && !isFlowIndicator(text.charCodeAt(j + 1))) j++;
      } else if (atNode) {
        nodeCol = col;
        if (flow === 0) open = Open.Plain;
        atNode = false;
      }
    }
    flowAtNode = atNode;
    i = j + 1;
  }
  return -1;
}

/** The offset of the first character after the spaces and tabs at `from`. */
function afterSpaces(text: string, from: number): number {
  let k = from;
  while (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB) k++;
  return k;
}

/** A document marker (`---`, `...`) at `j`. */
function isMarker(text: string, j: number): boolean {
  return (text.startsWith('---', j) || text.startsWith('...', j)) && isBlank(text.charCodeAt(j + 3));
}

/** Whether a line at `j`, indented `indent`, ends an open scalar (the lexer's `continueScalar`). */
function endsScalar(text: string, j: number, indent: number, indentNext: number): boolean {
  return indentNext > 0 ? indent < indentNext : indent === 0 && isMarker(text, j);
}

function nextLine(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  return lf < 0 ? text.length : lf + 1;
}

/** The offset of the quote that closes a scalar from `from` on, or of the line end before it. */
function closingQuote(text: string, from: number, quote: number): number {
  const stop = quote === SQUOTE ? SINGLE_QUOTED : DOUBLE_QUOTED;
  stop.lastIndex = from;
  while (stop.test(text)) {
    const k = stop.lastIndex - 1;
    const c = text.charCodeAt(k);
    if (c === LF) return k;
    if (c === 92) {
      // A backslash escapes the next character, but for a line break.
      if (text.charCodeAt(k + 1) !== LF) stop.lastIndex = k + 2;
    } else if (quote === SQUOTE && text.charCodeAt(k + 1) === SQUOTE) stop.lastIndex = k + 2;
    else return k;
  }
  return text.length;
}
