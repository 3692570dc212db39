// One registry on loopback for every test file of this process that needs a live org: the files
// with a registry in process run as one group (scripts/test.mjs, SHARED), and each registry costs a
// PGlite start and a 39 MB copy of its data directory's template (about 1.8 s of CPU each,
// docs/decisions/testing.md). Each caller gets an org of its own, so the files still see only their
// own policies. The registry starts on first use and closes after the process's last test: the
// hook below is registered when this module is first imported, at the top level, so it belongs to
// the run as a whole and not to one file's suite. A file that uses an org shuts its servers down in
// its own (suite-level) hooks, which run before this one.
import { after } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import type { Registry } from '../../registry/index';
import { inProcessRegistry, type LiveRegistry } from '../sync/harness';

// PGlite's 9 MB of WebAssembly, compiled by V8's baseline compiler only: by default V8 recompiles
// the functions that run often with its optimizing compiler on other threads, which pays in a
// long-lived server but cost this group about 2 s of CPU (5.1 s against 3.1 s of the group, load
// 3) for queries that are over in a few seconds. Set before PGlite's module is compiled (on the
// first `liveOrg`); nothing else in this group's process runs WebAssembly but undici's HTTP parser.
setFlagsFromString('--liftoff-only');

let started: Promise<LiveRegistry> | undefined;

after(async () => {
  if (started) await (await started).close();
});

export interface LiveOrg {
  url: string;
  /** An API key of this org. */
  key: string;
  registry: Registry;
}

/** A new org named `name` (unique in the process) in the shared registry, and a key for it. */
export async function liveOrg(name: string): Promise<LiveOrg> {
  started ??= inProcessRegistry();
  const live = await started;
  const { key } = await live.registry.createApiKey(name, 'user_123');
  return { url: live.url, key, registry: live.registry };
}
