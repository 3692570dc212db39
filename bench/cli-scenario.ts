// The CI scenario: `policylens lint` over a workspace, against ajv-cli on the same files and schema,
// and against the floor (bench/floor.mjs). Each is a fresh process, timed wall-clock from spawn to
// exit, and each run's output is checked, so a tool that failed fast cannot look fast.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkspaceManifest } from './corpus';
import { floorValidator } from './floor-validator';
import { childrenCpuMs } from './proc';
import { REPO, SCHEMA_PATH } from './servers';

export interface CliTool {
  name: string;
  args: (ws: WorkspaceManifest) => string[];
  /** How many files the tool reported as invalid, read from its output; undefined if unknown. */
  invalid: (stdout: string, stderr: string) => number | undefined;
  /** Run once, untimed, before the timed runs (to fill a cache). */
  warmup?: boolean;
  /** Called before every run of this tool (to change one file). */
  before?: (ws: WorkspaceManifest) => void;
}

/**
 * `lint --cache` with one file changed since the last run, as in a developer's loop or a CI job
 * restoring its cache: the file's last line alternates between two comments, so every timed run
 * has exactly one file to lint again. The cache lives in the OS temp folder, per workspace.
 */
function cachedLint(cli: string): CliTool {
  return {
    name: 'policylens --cache',
    args: (ws) => [
      cli,
      'lint',
      join(ws.root, 'policies'),
      '--format',
      'json',
      '--cache-location',
      join(tmpdir(), `policylens-bench-cache-${ws.files.length}.json`),
    ],
    invalid: (out) => countLintFilesWithErrors(out),
    warmup: true,
    before: changeOneFile(),
  };
}

/**
 * A `before` hook that changes the workspace's first file without changing what it says: a YAML
 * file's last line alternates between two comments, a JSON file (which has no comments) between one
 * and two final newlines. Every other scenario lints the same file afterwards, so the change must
 * leave it as valid as it was: a comment appended to a JSON file once broke the fan-in corpus's hub
 * and turned 999 of its 1,000 files into "missing prerequisite" findings.
 */
function changeOneFile(): (ws: WorkspaceManifest) => void {
  let flip = 0;
  return (ws) => {
    const file = join(ws.root, ws.files[0]!.path);
    writeFileSync(file, editedText(readFileSync(file, 'utf8'), file.endsWith('.json'), flip++ % 2));
  };
}

/** `text` with the bench's edit number `n` (0 or 1) in place of any earlier one. */
export function editedText(text: string, json: boolean, n: number): string {
  // A JSON file edited by an earlier version of this hook carries a comment too: drop it.
  const base = text.replace(/# bench-edit \d+\n$/, '');
  return json ? base.replace(/\n*$/, n ? '\n\n' : '\n') : `${base}# bench-edit ${n}\n`;
}

/**
 * The floor of a warm cache (bench/floor-warm.mjs): walk, stat every file, read a stat cache and
 * the changed file. What no file cache in one Node process can beat.
 */
function warmFloor(): CliTool {
  return {
    name: 'floor --cache',
    args: (ws) => [
      join(REPO, 'bench/floor-warm.mjs'),
      join(ws.root, 'policies'),
      join(tmpdir(), `policylens-bench-floor-cache-${ws.files.length}.json`),
    ],
    // It validates nothing.
    invalid: () => undefined,
    warmup: true,
    before: changeOneFile(),
  };
}

export interface CliRun {
  wallMs: number;
  /** User + system CPU of the tool's process. */
  cpuMs: number;
  exitCode: number | null;
  invalid: number | undefined;
  tail: string;
}

const AJV = join(REPO, 'node_modules/ajv-cli/dist/index.js');

/** Counts files with at least one error in `policylens lint --format json` ({files: [{findings}]}). */
export function countLintFilesWithErrors(stdout: string): number | undefined {
  try {
    const doc = JSON.parse(stdout) as { files?: { findings?: { severity?: unknown }[] }[] };
    if (!Array.isArray(doc.files)) return undefined;
    return doc.files.filter((f) => (f.findings ?? []).some((x) => x.severity === 'error' || x.severity === 1))
      .length;
  } catch {
    return undefined;
  }
}

/** The tools to compare; `cli` is the Policy Lens CLI bundle to run (dist/cli.js by default). */
export function cliTools(cli = join(REPO, 'dist/cli.js')): CliTool[] {
  const tools: CliTool[] = [];
  if (existsSync(cli)) {
    tools.push({
      name: 'policylens',
      args: (ws) => [cli, 'lint', join(ws.root, 'policies'), '--format', 'json'],
      invalid: (out) => countLintFilesWithErrors(out),
    });
    tools.push(cachedLint(cli));
  }
  tools.push({
    name: 'ajv-cli',
    args: (ws) => [
      AJV,
      'validate',
      '--spec=draft2020',
      '--strict=false',
      '-s',
      SCHEMA_PATH,
      '-d',
      join(ws.root, 'policies/**/*.{json,yaml,yml}'),
    ],
    // ajv-cli prints "<file> invalid" per failing file (on stderr) and "<file> valid" per good one.
    invalid: (out, err) => (out + err).split('\n').filter((l) => / invalid$/.test(l)).length,
  });
  tools.push(warmFloor());
  const floorInvalid = (out: string): number | undefined => {
    try {
      return (JSON.parse(out) as { invalid: number }).invalid;
    } catch {
      return undefined;
    }
  };
  tools.push({
    name: 'floor',
    args: (ws) => [join(REPO, 'bench/floor.mjs'), SCHEMA_PATH, join(ws.root, 'policies')],
    invalid: floorInvalid,
  });
  // The same floor with the validator generated before the run, as a shipped linter has it.
  const validator = floorValidator();
  tools.push({
    name: 'floor, precompiled',
    args: (ws) => [join(REPO, 'bench/floor.mjs'), SCHEMA_PATH, join(ws.root, 'policies'), validator],
    invalid: floorInvalid,
  });
  return tools;
}

export function runCli(tool: CliTool, ws: WorkspaceManifest): Promise<CliRun> {
  return new Promise((resolve) => {
    const t = performance.now();
    const cpu0 = childrenCpuMs();
    const child = spawn(process.execPath, tool.args(ws), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - t;
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      resolve({
        wallMs,
        cpuMs: childrenCpuMs() - cpu0,
        exitCode,
        invalid: tool.invalid(stdout, stderr),
        tail: (stderr || stdout).slice(-300),
      });
    });
  });
}
