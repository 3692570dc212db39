/** Entry point of dist/registry.js: the registry as its own process. */
import { serveMain } from './cli';

// Started by `policylens serve` with an IPC channel: when that parent dies (even by SIGKILL), the
// channel closes, and the registry stops as if it had been sent SIGTERM (closing its database
// cleanly) rather than serving on as an orphan. Started directly, there is no channel.
if (process.send) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

serveMain(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
  // The channel keeps this process alive, and the parent waits for it to exit.
  if (process.connected) {
    process.removeAllListeners('disconnect');
    process.disconnect();
  }
});
