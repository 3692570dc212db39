#!/usr/bin/env node
// Installs Debian's neovim for the Neovim suite (test/neovim/), as scripts/e2e-setup.mjs installs
// chromium: once, probed by its binary, apt-get as root (or `sudo -n`), waiting for dpkg's lock
// while other set-up steps run apt at the same moment. Prints the binary's path on the last line.
//
// Usage: node scripts/neovim-setup.mjs
// Import: `import { ensureNeovim } from './neovim-setup.mjs'` returns the same path.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NVIM = '/usr/bin/nvim';

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function ensureNeovim() {
  if (existsSync(NVIM)) return NVIM;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => {
    const full = ['-o', 'DPkg::Lock::Timeout=300', ...args];
    for (let attempt = 1; ; attempt++) {
      try {
        if (isRoot) run('apt-get', full, env);
        else run('sudo', ['-n', 'apt-get', ...full], env);
        return;
      } catch (err) {
        if (attempt >= 6) throw err;
        process.stderr.write(
          `[neovim-setup] apt-get ${args[0]} failed (attempt ${attempt}); retrying in 10 s\n`,
        );
        spawnSync('sleep', ['10']);
      }
    }
  };
  process.stderr.write('[neovim-setup] installing neovim from Debian\n');
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', 'neovim']);
  if (!existsSync(NVIM)) throw new Error(`neovim was installed but ${NVIM} is missing`);
  return NVIM;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureNeovim());
