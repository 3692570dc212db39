import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, watch } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { URI } from 'vscode-uri';
import { decodeUtf16, utf16Order } from '../core/index';
import { API_KEY_FROM_ENV } from '../protocol/index';
import { runInWorker } from './impact/worker';
import type { Runtime } from './runtime';
import { Slices } from './slices';

/**
 * The largest file the server reads from disk unless a caller asks for less: three times the
 * engine's 4 MB text limit (UTF-8 takes at most three bytes per UTF-16 unit), so no file the
 * engine could analyse is left out, and a 400 MB file is never read.
 */
const MAX_READ_BYTES = 12 * 1024 * 1024;

/**
 * Reads a regular file of at most `maxBytes` without ever blocking on something else. The file is
 * opened non-blocking and stat'ed through its descriptor, so a named pipe (even one that replaced
 * the file since the walk) is seen for what it is and closed, never read: a read of a pipe waits for
 * a writer, and on the thread pool four such reads once stalled every later read of the server.
 * The read itself is synchronous: a policy file takes microseconds, the largest allowed file a few
 * milliseconds, and `fs/promises` costs about six times the CPU for the thousands of small files
 * of a workspace scan.
 */
function readRegularFile(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const text = readFileSync(fd, 'utf8');
    // A UTF-16 byte order mark reads as two U+FFFD: then the bytes are read again and decoded, as
    // the CLI and VS Code decode them (core/utf16.ts).
    if (text.charCodeAt(0) !== 0xfffd || text.charCodeAt(1) !== 0xfffd) return text;
    const bytes = Buffer.alloc(stat.size);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    const order = utf16Order(bytes.subarray(0, n));
    return order ? decodeUtf16(bytes, order, n).text : text;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fsPath(uri: string): string {
  return URI.parse(uri).fsPath;
}

/**
 * The key on the standard input, when the client said one follows there (`API_KEY_FROM_ENV`) and the
 * protocol runs over IPC, which leaves the standard input free: everything up to its end, trimmed.
 * A pipe between the two processes, never printed by a trace and not in the process's environment.
 */
function keyFromStdin(stdinFree: boolean): Promise<string> | undefined {
  if (!stdinFree || process.env[API_KEY_FROM_ENV] !== 'stdin') return undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('utf8').trim());
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}

/**
 * The real file system, clock and timers of the Node process. `stdinFree`: the protocol does not run
 * over the standard input (`--node-ipc`), which may then carry the key.
 */
export function nodeRuntime(options: { stdinFree?: boolean; loadDetail?: string } = {}): Runtime {
  const apiKey = keyFromStdin(options.stdinFree ?? false);
  const clock = {
    now: () => performance.now(),
    yieldToEvents: () => new Promise<void>((resolve) => setImmediate(resolve)),
  };
  return {
    env: process.env,
    ...(apiKey ? { apiKey } : {}),
    // Called by main.ts once every module of the bundle has been evaluated.
    loadedAt: performance.now(),
    cpuMs: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
    ...(options.loadDetail ? { loadDetail: options.loadDetail } : {}),
    ...clock,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    // The worker runs this same loader (dist/server.js), whose bundle's main.ts sends it to the
    // worker's code.
    replayImpact: (job, signal) => runInWorker(__filename, job, signal),
    fs: {
      readFile(uri, maxBytes = MAX_READ_BYTES) {
        return Promise.resolve(readRegularFile(fsPath(uri), Math.min(maxBytes, MAX_READ_BYTES)));
      },
      async exists(uri) {
        try {
          await access(fsPath(uri));
          return true;
        } catch {
          return false;
        }
      },
      async isFolder(uri) {
        try {
          return (await stat(fsPath(uri))).isDirectory();
        } catch {
          return false;
        }
      },
      async entryNames(folderUri) {
        try {
          return await readdir(fsPath(folderUri));
        } catch {
          return undefined;
        }
      },
      async realPath(uri) {
        try {
          return URI.file(await realpath(fsPath(uri))).toString();
        } catch {
          return undefined;
        }
      },
      async listFiles(folderUri, accept, limit = 5000, pause?: () => Promise<void>) {
        const out: string[] = [];
        // A folder of thousands of files is listed in slices (a URI per file costs microseconds),
        // so that requests are answered while the scan lists the workspace.
        const slices = new Slices(clock);
        const between = pause ?? (() => slices.check());
        const walk = async (dir: string): Promise<void> => {
          // No depth limit: symbolic links are not followed (a Dirent of one is neither a folder nor
          // a file), so the walk cannot loop, and a path ends at the system's length limit.
          if (out.length >= limit) return;
          let entries;
          try {
            entries = await readdir(dir, { withFileTypes: true });
          } catch {
            return;
          }
          for (const e of entries) {
            if (out.length >= limit) return;
            await between();
            if (e.name.startsWith('.') || e.name === 'node_modules') continue;
            const p = join(dir, e.name);
            if (e.isDirectory()) await walk(p);
            else if (e.isFile()) {
              const uri = URI.file(p).toString();
              if (await accept(uri)) out.push(uri);
            }
          }
        };
        await walk(fsPath(folderUri));
        return out;
      },
      async listFolders(folderUri, limit, pause) {
        const out: string[] = [];
        const slices = new Slices(clock);
        const between = pause ?? (() => slices.check());
        const queue = [fsPath(folderUri)];
        for (let i = 0; i < queue.length && out.length < limit; i++) {
          let entries;
          try {
            entries = await readdir(queue[i], { withFileTypes: true });
          } catch {
            continue;
          }
          for (const e of entries) {
            if (out.length >= limit) break;
            if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
            const p = join(queue[i], e.name);
            queue.push(p);
            out.push(URI.file(p).toString());
          }
          await between();
        }
        return out;
      },
      async folderEntries(folderUri, stamp) {
        const dir = fsPath(folderUri);
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return undefined;
        }
        const out = new Map<string, string>();
        for (const e of entries) {
          const p = join(dir, e.name);
          const uri = URI.file(p).toString();
          if (e.isDirectory()) out.set(uri, '/');
          if (!e.isFile() || !stamp(uri)) continue;
          try {
            const s = await stat(p);
            out.set(uri, `${s.mtimeMs}:${s.size}`);
          } catch {
            // Gone between the listing and the stat: it is not there any more.
          }
        }
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
