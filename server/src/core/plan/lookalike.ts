/**
 * Names that are one name to a reader but two to the API: equal after Unicode NFC normalisation,
 * different in code points (a macOS editor re-saved `Contrôle des coûts` in NFD). Matched by code
 * points, such a bundle plans the create of a look-alike beside the live policy, and with --prune the
 * delete of the live one: a new id, and the policy's history split in two.
 */

/** `NFC`, `NFD`, or neither. */
function formOf(name: string): string {
  if (name === name.normalize('NFC')) return 'NFC';
  if (name === name.normalize('NFD')) return 'NFD';
  return 'neither NFC nor NFD';
}

/** The first character (with its combining marks) at which `a` and `b` differ, in both. */
function firstDifference(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // A combining mark belongs to the character before it.
  while (i > 0 && (/^\p{M}/u.test(a.slice(i)) || /^\p{M}/u.test(b.slice(i)))) i--;
  const cluster = (s: string) => /^[\s\S]\p{M}*/u.exec(s.slice(i))?.[0] ?? '';
  return [cluster(a), cluster(b)];
}

function codePoints(s: string): string {
  return [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** The problem of the bundle's step (a create of a look-alike). */
export function lookalikeCreate(bundleName: string, liveName: string): string {
  const [mine, theirs] = firstDifference(bundleName, liveName);
  return (
    `"${bundleName}" is the name of the live policy "${liveName}" in another Unicode form: the bundle ` +
    `writes "${mine.normalize('NFC')}" as ${codePoints(mine)} (${formOf(bundleName)}), the live org as ` +
    `${codePoints(theirs)} (${formOf(liveName)}); applied, this creates a look-alike beside it. ` +
    `Write the bundle's name as the live one is written (${formOf(liveName)}) to update it instead`
  );
}

/** The problem of the live policy's `delete` (with --prune). */
export function lookalikeDelete(file: string, bundleName: string): string {
  return (
    `${file} declares it in another Unicode form (${formOf(bundleName)}): this would delete it and ` +
    `create a look-alike with a new id and no history; write the bundle's name as this one is written`
  );
}
