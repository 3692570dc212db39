import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import type { Runtime } from './runtime';

function fsPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

/** The real file system, clock and timers of the Node process. */
export function nodeRuntime(): Runtime {
  return {
    env: process.env,
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    fs: {
      async readFile(uri) {
        try {
          return await readFile(fsPath(uri), 'utf8');
        } catch {
          return undefined;
        }
      },
      async exists(uri) {
        try {
          await access(fsPath(uri));
          return true;
        } catch {
          return false;
        }
      },
      async listFiles(folderUri, accept, limit = 5000) {
        const out: string[] = [];
        const walk = async (dir: string, depth: number): Promise<void> => {
          if (out.length >= limit || depth > 20) return;
          let entries;
          try {
            entries = await readdir(dir, { withFileTypes: true });
          } catch {
            return;
          }
          for (const e of entries) {
            if (out.length >= limit) return;
            if (e.name.startsWith('.') || e.name === 'node_modules') continue;
            const p = join(dir, e.name);
            if (e.isDirectory()) await walk(p, depth + 1);
            else if (e.isFile()) {
              const uri = URI.file(p).toString();
              if (accept(uri)) out.push(uri);
            }
          }
        };
        await walk(fsPath(folderUri), 0);
        return out;
      },
    },
  };
}
