import type { ChainIndex } from './workspace';

/**
 * Names that are the same text in another Unicode form: `Café` typed on one machine (é, one code
 * point: NFC) and pasted from another (e and a combining accent: NFD). They look the same in every
 * editor and terminal, but the registry, the runtime's prerequisite check and our chain compare
 * names code point by code point, so they are two policies, and a prerequisite written in the other
 * form names neither. Only names with a character outside ASCII can have another form, so a
 * workspace of ASCII names costs one test per name (once per set of names) and nothing per file.
 */

/** Outside tab…tilde: every character that has another Unicode form is (a few ASCII controls too). */
const NON_ASCII = /[^\t-~]/;

/** The workspace's non-ASCII names by their NFC form, once per set of names (`names()` is shared). */
const byFormCache = new WeakMap<readonly string[], Map<string, string[]>>();

function namesByForm(index: ChainIndex): Map<string, string[]> {
  const names = index.names();
  let byForm = byFormCache.get(names);
  if (!byForm) {
    byForm = new Map();
    for (const name of names) {
      if (!NON_ASCII.test(name)) continue;
      const key = name.normalize('NFC');
      const list = byForm.get(key);
      if (list) list.push(name);
      else byForm.set(key, [name]);
    }
    byFormCache.set(names, byForm);
  }
  return byForm;
}

/**
 * The workspace's names that are `text` in another Unicode form (`text` itself left out): for a
 * bundle's name, the other bundles' names it is confused with; for a prerequisite that names no
 * bundle, the name it was meant to be.
 */
export function otherForms(index: ChainIndex, text: string): string[] {
  if (!NON_ASCII.test(text)) return [];
  const byForm = namesByForm(index);
  if (byForm.size === 0) return [];
  return (byForm.get(text.normalize('NFC')) ?? []).filter((n) => n !== text);
}

/** Which normalisation form a text is in, for messages: NFC, NFD or neither. */
export function formOf(text: string): string {
  if (text === text.normalize('NFC')) return 'NFC';
  if (text === text.normalize('NFD')) return 'NFD';
  return 'neither NFC nor NFD';
}
