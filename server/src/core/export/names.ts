/**
 * File names for exported bundles: a slug of the policy's name, and a numbered one (`-2`, `-3`, …)
 * when that name is taken, by an entry of the folder or by a policy before it. Names are compared
 * as a file system that ignores case compares them (macOS, Windows), so that no name is planned
 * there that the file system takes for one in use (`fileKey`).
 */

/**
 * Longest slug, in UTF-8 bytes: room for a suffix and the extension within the 255 bytes a file
 * name may have on every common file system, whatever the script (a CJK character takes 3 bytes).
 */
const MAX_SLUG_BYTES = 80;

/** Device names Windows reserves in any folder, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/;

/** A letter, digit or combining mark of any script: kept in a slug when it has no ASCII spelling. */
const WORD = /[\p{L}\p{N}\p{M}]/u;

/**
 * `Block PII exfiltration (v2)` → `block-pii-exfiltration-v2`: Latin letters without their accents,
 * digits, the rest runs of `-`. Letters of other scripts are kept (`Доступ к данным` →
 * `доступ-к-данным`, `日本語` → `日本語`): a file name of `policy`, `policy-2` would say nothing of the
 * policy in it (the adoption field test). A name with no letter or digit (`!!!`) is `policy`.
 */
export function slugOf(name: string): string {
  let chars = '';
  for (const ch of name.normalize('NFC').toLowerCase()) {
    const ascii = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    chars += /^[a-z0-9]+$/.test(ascii) ? ascii : WORD.test(ch) ? ch : '-';
  }
  let slug = '';
  let bytes = 0;
  for (const ch of chars.replace(/-+/g, '-').replace(/^-/, '')) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes > MAX_SLUG_BYTES) break;
    slug += ch;
  }
  slug = slug.replace(/-+$/, '');
  if (!slug) return 'policy';
  return RESERVED.test(slug) ? `${slug}-policy` : slug;
}

/**
 * A file name as a file system that ignores case sees it, or more strictly: in NFC (macOS keeps an
 * accented name decomposed, and finds it under the composed one), upper case then lower case, so
 * that the letters with two lower-case forms are one (`σ`, `ς`: NTFS and APFS take `ς.yaml` for
 * `σ.yaml`, which lower case alone keeps apart). A name counted as taken that is not only gets a
 * number it did not need; the other way, the write fails on a name export believed free.
 */
function fileKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * One file name per policy name, in the order given, with the extension `ext` (`yaml`): the slug,
 * else the slug and the first free number from 2. `taken` holds the folder's entries (compared by
 * `fileKey`).
 */
export function fileNamesFor(names: readonly string[], taken: Iterable<string>, ext: string): string[] {
  const used = new Set([...taken].map(fileKey));
  return names.map((name) => {
    const slug = slugOf(name);
    let file = `${slug}.${ext}`;
    for (let n = 2; used.has(fileKey(file)); n++) file = `${slug}-${n}.${ext}`;
    used.add(fileKey(file));
    return file;
  });
}
