// dist/server.js: the language server (`node dist/server.js --stdio`, `--node-ipc` or `--socket=`),
// and its replay worker threads, which start this same file. It loads the packed bundle
// (bundle.ts) and starts the server's side of it.
import { describeLoad, loadBundle } from './bundle';
import type * as entries from './entries';
import { guardRegExps } from './regexp';

// Before the bundle is compiled: the flag is part of what a code cache is valid for.
guardRegExps();

// Node's modules the server's libraries load as they are evaluated but a start never needs before
// its first diagnostics (docs/decisions/extension.md, "Activation time", seventh round): fs/promises
// is first used once the client has sent `initialized`, the others only by later work, if ever.
const DEFERRED = ['child_process', 'crypto', 'fs/promises', 'readline', 'worker_threads', 'zlib'];

const { exports, timings } = loadBundle<typeof entries>(__filename, 'server', DEFERRED);
void exports.server().then((m) => m.main(describeLoad(timings)));
