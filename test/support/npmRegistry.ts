/**
 * An npm registry on loopback for the tests that `npm install` our packed tarball
 * (test/cli/pack-install.test.ts, the action's install step in test/cli/action.test.ts). It serves
 * the package's runtime dependencies, and theirs, from this checkout's node_modules: npm then
 * resolves and downloads everything from 127.0.0.1, so those tests need neither the network nor
 * an npm cache that already holds the dependencies' metadata (a fresh machine's does not).
 *
 * Not to be confused with the policy registry (registry/, test/support/registryProcess.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  scripts?: Record<string, string>;
  [field: string]: unknown;
}

/** One installed package of the closure: where it is, and its package.json. */
export interface Installed {
  name: string;
  version: string;
  dir: string;
  manifest: Manifest;
}

/** An installed package packed as a registry would serve it. */
export interface Packed extends Installed {
  /** The .tgz on disk. */
  file: string;
  /** Its path on the registry: `/<name>/-/<name without scope>-<version>.tgz`. */
  path: string;
  /** `sha512-<base64>`, as npm checks it. */
  integrity: string;
  /** The SHA-1 in hex, the older field some clients still read. */
  shasum: string;
}

export interface NpmRegistry {
  /** `http://127.0.0.1:<port>`, for `npm_config_registry`. */
  url: string;
  packages: Packed[];
  /** The decoded path of every request so far, in order (what npm asked for). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Where Node would find package `name` when `from` (a package's folder) requires it: the
 * node_modules of `from`, then of each folder above it, skipping folders that are themselves
 * node_modules. So a nested version (`pg/node_modules/x`) wins over the hoisted one.
 */
export function findInstalled(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The runtime dependency closure of the package at `root`: its `dependencies`, theirs, and so on,
 * each resolved from node_modules as Node resolves it. Optional dependencies and optional peers
 * count only where they are installed (npm skips an optional package it could not install, so
 * the registry need not have it); a required one that is missing is an error, because npm would
 * then ask the registry for a package it does not have.
 */
export function dependencyClosure(root = ROOT): Installed[] {
  const rootManifest = readManifest(root);
  const found = new Map<string, Installed>();
  const seenDirs = new Set<string>();
  const queue: { name: string; from: string; optional: boolean }[] = Object.keys(
    rootManifest.dependencies ?? {},
  ).map((name) => ({ name, from: root, optional: false }));
  while (queue.length) {
    const { name, from, optional } = queue.shift()!;
    const dir = findInstalled(name, from);
    if (!dir) {
      if (optional) continue;
      throw new Error(`${name}, required by ${from}, is not installed: run npm ci first`);
    }
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const manifest = readManifest(dir);
    const key = `${manifest.name}@${manifest.version}`;
    if (!found.has(key)) found.set(key, { name: manifest.name, version: manifest.version, dir, manifest });
    const optionalDeps = manifest.optionalDependencies ?? {};
    for (const dep of Object.keys(manifest.dependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: dep in optionalDeps });
    for (const dep of Object.keys(optionalDeps)) queue.push({ name: dep, from: dir, optional: true });
    for (const dep of Object.keys(manifest.peerDependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: manifest.peerDependenciesMeta?.[dep]?.optional === true });
  }
  return [...found.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * tar's option that puts every member under `package/`, as npm's tarballs are laid out: GNU tar
 * spells it --transform, bsdtar (macOS) -s. `S` leaves symbolic links' targets as they are.
 */
function prefixOption(): string[] {
  const version = spawnSync('tar', ['--version'], { encoding: 'utf8' });
  if (version.error) throw new Error(`tar is needed to pack the dependencies: ${version.error.message}`);
  return /GNU tar/.test(version.stdout) ? ['--transform', 's,^,package/,S'] : ['-s', ',^,package/,S'];
}

/**
 * Packs one installed package into `outDir`: its files under `package/`, without its own nested
 * node_modules (those are packages of their own in the closure). The system's tar writes the
 * archive and gzip's fastest level compresses it in this process: for PGlite (27 MB) that took
 * 0.4 s here, against 1.2 s for `tar -cz` (gzip's default level) and 2.9 s for `npm pack <dir>`.
 */
async function pack(pkg: Installed, outDir: string, prefix: string[]): Promise<Packed> {
  const short = pkg.name.split('/').pop()!;
  const file = join(outDir, `${pkg.name.replace('/', '+')}-${pkg.version}.tgz`);
  const entries = readdirSync(pkg.dir).filter((e) => e !== 'node_modules');
  const tar = spawn('tar', ['-cf', '-', ...prefix, '-C', pkg.dir, ...entries], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(tar, 'exit') as Promise<[number | null]>;
  const sha512 = createHash('sha512');
  const sha1 = createHash('sha1');
  const gzip = createGzip({ level: 1 });
  gzip.on('data', (chunk: Buffer) => {
    sha512.update(chunk);
    sha1.update(chunk);
  });
  await pipeline(tar.stdout, gzip, createWriteStream(file));
  const [status] = await exited;
  if (status !== 0) throw new Error(`tar of ${pkg.dir} exited ${status}: ${stderr}`);
  return {
    ...pkg,
    file,
    path: `/${pkg.name}/-/${short}-${pkg.version}.tgz`,
    integrity: `sha512-${sha512.digest('base64')}`,
    shasum: sha1.digest('hex'),
  };
}

/** The fields of package.json that npm reads from a packument to resolve, place and build a package. */
const MANIFEST_FIELDS = [
  'name',
  'version',
  'description',
  'license',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bundledDependencies',
  'bin',
  'directories',
  'engines',
  'os',
  'cpu',
  'libc',
  'deprecated',
];

/** Compares two plain `major.minor.patch` versions (a prerelease sorts before its release). */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => {
    const [core, pre] = v.split('-', 2) as [string, string | undefined];
    return { nums: core.split('.').map(Number), pre };
  };
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre);
}

/** The packument of `name` (every packed version of it), its tarball URLs on `url`. */
export function packument(name: string, versions: Packed[], url: string): object {
  const latest = versions
    .map((p) => p.version)
    .sort(compareVersions)
    .pop()!;
  return {
    name,
    'dist-tags': { latest },
    versions: Object.fromEntries(
      versions.map((p) => {
        const fields = Object.fromEntries(
          MANIFEST_FIELDS.filter((f) => f in p.manifest).map((f) => [f, p.manifest[f]]),
        );
        // npm runs install scripts only for packages that announce them here.
        const scripts = p.manifest.scripts ?? {};
        const hasInstallScript = ['preinstall', 'install', 'postinstall'].some((s) => s in scripts);
        return [
          p.version,
          {
            ...fields,
            ...(hasInstallScript ? { hasInstallScript: true } : {}),
            dist: { tarball: `${url}${p.path}`, integrity: p.integrity, shasum: p.shasum },
          },
        ];
      }),
    ),
  };
}

/**
 * Packs the runtime dependency closure of the package at `root` into `dir` (created if need be;
 * the caller's temporary folder, removed with it) and serves it on 127.0.0.1 at a free port:
 * `GET /<name>`, `/@scope%2fname` and `/@scope/name` answer the packument, each package's tarball
 * path its .tgz, and anything else 404. Call it once per test file (in `before`): packing PGlite
 * is most of its cost.
 */
export async function startNpmRegistry(dir: string, root = ROOT): Promise<NpmRegistry> {
  mkdirSync(dir, { recursive: true });
  const prefix = prefixOption();
  const packages = await Promise.all(dependencyClosure(root).map((p) => pack(p, dir, prefix)));
  const byName = new Map<string, Packed[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const byPath = new Map(packages.map((p) => [p.path, p]));
  const requests: string[] = [];
  let url = '';

  const server = createServer((req, res) => {
    let path: string;
    try {
      // npm asks for a scoped package as /@scope%2fname: decoded, both spellings are one path.
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      path = '';
    }
    requests.push(path);
    const versions = byName.get(path.slice(1));
    const tarball = byPath.get(path);
    if (req.method !== 'GET' || (!versions && !tarball)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
    } else if (versions) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument(path.slice(1), versions, url)));
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(tarball!.file).pipe(res);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    packages,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
