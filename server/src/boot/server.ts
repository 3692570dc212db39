// dist/server.js: the language server (`node dist/server.js --stdio`, `--node-ipc` or `--socket=`),
// and its replay worker threads, which start this same file. It loads the packed bundle
// (bundle.ts) and starts the server's side of it.
import { describeLoad, loadBundle } from './bundle';
import type * as entries from './entries';

const { exports, timings } = loadBundle<typeof entries>(__filename, 'server');
void exports.server().then((m) => m.main(describeLoad(timings)));
