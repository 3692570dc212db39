/** Entry point of dist/registry.js: the registry as its own process. */
import { serveMain } from './cli';

serveMain(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
