import { readFileSync, statSync, watch } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import type { Runtime } from './runtime';

/**
 * Regular files up to this size are read synchronously: the workspace scan reads thousands of policy
 * files of a few KB, and `fs/promises` costs about six times the CPU of a synchronous read for each
 * (four trips through the thread pool). A read this small blocks the event loop for microseconds.
 */
const SYNC_READ_LIMIT = 256 * 1024;

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
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    fs: {
      async readFile(uri) {
        try {
          const path = fsPath(uri);
          // Only a regular file: opening a named pipe would block until someone writes to it.
          const stat = statSync(path);
          if (stat.isFile() && stat.size <= SYNC_READ_LIMIT) return readFileSync(path, 'utf8');
          return await readFile(path, 'utf8');
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
      watchFolder(folderUri, changed) {
        const dir = fsPath(folderUri);
        try {
          const watcher = watch(dir, { persistent: false }, (_event, name) => {
            if (name) changed(URI.file(join(dir, name.toString())).toString());
          });
          // A folder removed while watched ends its watcher with an error; nothing else to do.
          watcher.on('error', () => watcher.close());
          return watcher;
        } catch {
          return undefined;
        }
      },
    },
  };
}
