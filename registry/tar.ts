/**
 * A directory as an uncompressed tar archive (ustar), in memory: how a PGlite template directory is
 * handed to a PGlite whose data lives in memory (`loadDataDir`). Regular files and directories
 * only; names are relative to `dir`, and the archive is what `tar -C dir -cf - .` would hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BLOCK = 512;

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  const put = (text: string, at: number, length: number) => h.write(text, at, length, 'ascii');
  const octal = (n: number, at: number, length: number) =>
    put(n.toString(8).padStart(length - 1, '0'), at, length);
  // Longer names go into the prefix field (up to 155 characters before the last slash).
  const split = name.length > 100 ? name.lastIndexOf('/', 155) : -1;
  if (name.length > 100 && (split < 0 || name.length - split - 1 > 100))
    throw new Error(`tar: name too long: ${name}`);
  put(split < 0 ? name : name.slice(split + 1), 0, 100);
  if (split >= 0) put(name.slice(0, split), 345, 155);
  octal(type === '5' ? 0o700 : 0o600, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  put(type, 156, 1);
  put('ustar\u000000', 257, 8);
  // The checksum is computed with its own field as spaces.
  put('        ', 148, 8);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  return h;
}

/** The archive of `dir`'s files and folders, but those whose relative name `skip` returns true for. */
export function tarOf(dir: string, skip: (name: string) => boolean = () => false): Buffer {
  const parts: Buffer[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(name)) continue;
      if (entry.isDirectory()) {
        parts.push(header(`${name}/`, 0, '5'));
        walk(name);
      } else if (entry.isFile()) {
        const data = readFileSync(join(dir, name));
        parts.push(header(name, data.length, '0'), data);
        if (data.length % BLOCK) parts.push(Buffer.alloc(BLOCK - (data.length % BLOCK)));
      }
    }
  };
  walk('');
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
