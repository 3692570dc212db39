/** CEL's standard functions and macros, as completion offers them inside an expression string. */
export interface CelFunction {
  name: string;
  /** `receiver.name(args)` (`true`) or `name(args)` (`false`). */
  member: boolean;
  signature: string;
  description: string;
}

export const CEL_FUNCTIONS: CelFunction[] = [
  {
    name: 'size',
    member: false,
    signature: 'size(string | list | map) -> int',
    description: 'Length of a string, list or map.',
  },
  {
    name: 'size',
    member: true,
    signature: 'x.size() -> int',
    description: 'Length of a string, list or map.',
  },
  {
    name: 'has',
    member: false,
    signature: 'has(x.field) -> bool',
    description: 'Whether a map key or field is present (a macro).',
  },
  {
    name: 'contains',
    member: true,
    signature: 'string.contains(string) -> bool',
    description: 'Whether the string contains the argument.',
  },
  {
    name: 'startsWith',
    member: true,
    signature: 'string.startsWith(string) -> bool',
    description: 'Whether the string starts with the argument.',
  },
  {
    name: 'endsWith',
    member: true,
    signature: 'string.endsWith(string) -> bool',
    description: 'Whether the string ends with the argument.',
  },
  {
    name: 'matches',
    member: true,
    signature: 'string.matches(regex) -> bool',
    description: 'Whether the string matches an RE2 regular expression (also `matches(string, regex)`).',
  },
  {
    name: 'exists',
    member: true,
    signature: 'list.exists(x, predicate) -> bool',
    description: 'True if the predicate holds for at least one element (a macro).',
  },
  {
    name: 'all',
    member: true,
    signature: 'list.all(x, predicate) -> bool',
    description: 'True if the predicate holds for every element (a macro).',
  },
  {
    name: 'exists_one',
    member: true,
    signature: 'list.exists_one(x, predicate) -> bool',
    description: 'True if the predicate holds for exactly one element (a macro).',
  },
  {
    name: 'filter',
    member: true,
    signature: 'list.filter(x, predicate) -> list',
    description: 'The elements for which the predicate holds (a macro).',
  },
  {
    name: 'map',
    member: true,
    signature: 'list.map(x, expr) -> list',
    description: 'Each element transformed by the expression (a macro).',
  },
  { name: 'int', member: false, signature: 'int(x) -> int', description: 'Converts to an integer.' },
  {
    name: 'uint',
    member: false,
    signature: 'uint(x) -> uint',
    description: 'Converts to an unsigned integer.',
  },
  { name: 'double', member: false, signature: 'double(x) -> double', description: 'Converts to a double.' },
  { name: 'string', member: false, signature: 'string(x) -> string', description: 'Converts to a string.' },
  { name: 'bool', member: false, signature: 'bool(x) -> bool', description: 'Converts to a bool.' },
  { name: 'type', member: false, signature: 'type(x) -> type', description: 'The type of a value.' },
  {
    name: 'dyn',
    member: false,
    signature: 'dyn(x) -> dyn',
    description: 'Turns off static type checking for the value.',
  },
  {
    name: 'timestamp',
    member: false,
    signature: 'timestamp(string) -> timestamp',
    description: 'Parses an RFC 3339 timestamp.',
  },
  {
    name: 'duration',
    member: false,
    signature: 'duration(string) -> duration',
    description: 'Parses a duration such as "1h30m".',
  },
];

/** CEL's keywords and literals, also offered by completion. */
export const CEL_KEYWORDS = ['true', 'false', 'null', 'in'];

/** CEL's global overload of `matches`, `matches(text, pattern)`, which the CEL library lacks. */
export const GLOBAL_MATCHES = 'matches(string, string): bool';
