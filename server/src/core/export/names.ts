/**
 * File names for exported bundles: a slug of the policy's name, and a numbered one (`-2`, `-3`, …)
 * when that name is taken, by an entry of the folder or by a policy before it. Names are compared
 * in lower case, so that no file is overwritten on a file system that ignores case (macOS, Windows).
 */

/** Longest slug, in characters: room for a suffix and the extension within any file system's limit. */
const MAX_SLUG = 80;

/** Device names Windows reserves in any folder, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/;

/**
 * `Block PII exfiltration (v2)` → `block-pii-exfiltration-v2`: letters without their accents, digits,
 * the rest runs of `-`. A name with no such character (`日本語`, `!!!`) is `policy`.
 */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  if (!slug) return 'policy';
  return RESERVED.test(slug) ? `${slug}-policy` : slug;
}

/**
 * One file name per policy name, in the order given, with the extension `ext` (`yaml`): the slug,
 * else the slug and the first free number from 2. `taken` holds the folder's entries (any case).
 */
export function fileNamesFor(names: readonly string[], taken: Iterable<string>, ext: string): string[] {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  return names.map((name) => {
    const slug = slugOf(name);
    let file = `${slug}.${ext}`;
    for (let n = 2; used.has(file.toLowerCase()); n++) file = `${slug}-${n}.${ext}`;
    used.add(file.toLowerCase());
    return file;
  });
}
