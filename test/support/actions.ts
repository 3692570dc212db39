/**
 * Just enough of GitHub Actions to run our action's and our docs' steps on this machine: the
 * `${{ }}` expressions they use (contexts, `==`/`!=`, `&&`/`||`/`!`, the status functions), `if:`
 * with its implied `success() &&`, step outputs through `$GITHUB_OUTPUT`, and `run:` steps with
 * the shell command lines GitHub documents (`bash --noprofile --norc -eo pipefail {0}` for
 * `shell: bash`, `bash -e {0}` when no shell is named). `uses:` steps are handed to the caller,
 * which checks what the real action would be given. A reference to an unknown context value is an
 * error, so a misspelt input fails the test instead of expanding to nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Step {
  name?: string;
  id?: string;
  if?: string | boolean;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

export interface StepRun {
  step: Step;
  outcome: 'success' | 'failure' | 'skipped';
  status?: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export type Contexts = Record<string, unknown>;

type Value = string | boolean | number | null | undefined;

/** Evaluates one expression (without `${{ }}`) against the contexts and the job's status. */
export function evaluate(expr: string, ctx: Contexts, failed = false): Value {
  const tokens = expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (want !== undefined && t !== want))
      throw new Error(`expression "${expr}": expected ${want ?? 'more'} at token ${i}`);
    return t;
  };
  const truthy = (v: Value) => v !== '' && v !== false && v !== 0 && v !== null && v !== undefined;
  const equal = (a: Value, b: Value) =>
    typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
  const primary = (): Value => {
    const t = take();
    if (t === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (peek() === '(') {
      take('(');
      take(')');
      const status: Record<string, boolean> = {
        always: true,
        success: !failed,
        failure: failed,
        cancelled: false,
      };
      if (!(t in status)) throw new Error(`expression "${expr}": unknown function ${t}()`);
      return status[t];
    }
    // Strict where a typo hides: an unknown context, or an input the action does not declare.
    // Elsewhere a missing property is null, as on GitHub (the outputs of a skipped step).
    const [head, ...rest] = t.split('.');
    if (!(head! in ctx)) throw new Error(`expression "${expr}": no context "${head}"`);
    let v: unknown = ctx[head!];
    for (const part of rest) {
      if (head === 'inputs' && !(part in (v as object)))
        throw new Error(`expression "${expr}": input "${part}" is not declared`);
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    }
    return (v ?? null) as Value;
  };
  const compare = (): Value => {
    let v = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = take();
      const w = primary();
      v = op === '==' ? equal(v, w) : !equal(v, w);
    }
    return v;
  };
  const and = (): Value => {
    let v = compare();
    while (peek() === '&&') {
      take();
      const w = compare();
      v = truthy(v) ? w : v;
    }
    return v;
  };
  function or(): Value {
    let v = and();
    while (peek() === '||') {
      take();
      const w = and();
      v = truthy(v) ? v : w;
    }
    return v;
  }
  const v = or();
  if (i !== tokens.length) throw new Error(`expression "${expr}": unexpected "${tokens[i]}"`);
  return v;
}

/** Replaces every `${{ expr }}` in a string by its value. */
export function substitute(text: string, ctx: Contexts): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, e: string) => String(evaluate(e, ctx) ?? ''));
}

/** Whether a step runs: `if:` (with `${{ }}` or without), `success()` implied without a status function. */
export function shouldRun(step: Step, ctx: Contexts, failed: boolean): boolean {
  if (step.if === undefined) return !failed;
  const raw = String(step.if)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const expr = /\b(always|success|failure|cancelled)\(\)/.test(raw) ? raw : `success() && (${raw})`;
  const v = evaluate(expr, ctx, failed);
  return v !== '' && v !== false && v !== 0 && v !== null && v !== undefined;
}

/** Every `inputs.<name>` that an action's expressions read, with where. */
export function inputReferences(text: string): string[] {
  return [...text.matchAll(/\binputs\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]!);
}

export interface RunOptions {
  /** `inputs`, `github`, `runner` and any other context; `steps` is filled in as steps run. */
  contexts: Contexts;
  /** The environment of every step, before the step's own `env:`. */
  env: Record<string, string>;
  cwd: string;
  /** Runs a `uses:` step with its `with:` and `env:` evaluated; returns whether it succeeded. */
  uses: (
    step: Step,
    inputs: Record<string, string>,
    env: Record<string, string>,
  ) => boolean | Promise<boolean>;
  timeout?: number;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = lines[i]!.indexOf('=');
    if (eq > 0) out[lines[i]!.slice(0, eq)] = lines[i]!.slice(eq + 1);
  }
  return out;
}

/** The command line GitHub uses for a `run:` step's shell (bash only: our steps are bash). */
function shellArgs(shell: string | undefined, script: string): string[] {
  if (shell === undefined) return ['-e', script];
  if (shell === 'bash') return ['--noprofile', '--norc', '-eo', 'pipefail', script];
  throw new Error(`shell ${shell} is not emulated`);
}

/** Runs a script with a time limit (asynchronously: a registry in this process must keep answering). */
function runScript(
  args: string[],
  o: { cwd: string; env: Record<string, string>; timeout: number },
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeout);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs steps in order as a runner would; `failed` is whether any step failed. */
export async function runSteps(
  steps: readonly Step[],
  o: RunOptions,
): Promise<{ runs: StepRun[]; failed: boolean }> {
  const scratch = mkdtempSync(join(o.env.RUNNER_TEMP ?? o.cwd, 'step-'));
  const stepsCtx: Record<string, { outcome: string; conclusion: string; outputs: Record<string, string> }> =
    {};
  const ctx: Contexts = { ...o.contexts, steps: stepsCtx };
  const runs: StepRun[] = [];
  let failed = false;
  for (const [n, step] of steps.entries()) {
    let run: StepRun;
    if (!shouldRun(step, ctx, failed)) {
      run = { step, outcome: 'skipped', stdout: '', stderr: '', outputs: {} };
    } else if (step.uses !== undefined) {
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]),
      );
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]),
      );
      const ok = await o.uses(step, inputs, env);
      run = { step, outcome: ok ? 'success' : 'failure', stdout: '', stderr: '', outputs: {} };
    } else {
      const script = join(scratch, `${n}.sh`);
      const outputFile = join(scratch, `${n}.out`);
      writeFileSync(script, step.run ?? '');
      writeFileSync(outputFile, '');
      const env: Record<string, string> = { ...o.env, GITHUB_OUTPUT: outputFile };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(String(v), ctx);
      const cwd = step['working-directory'] ? join(o.cwd, substitute(step['working-directory'], ctx)) : o.cwd;
      const r = await runScript(shellArgs(step.shell, script), { cwd, env, timeout: o.timeout ?? 120_000 });
      const status = r.status;
      run = {
        step,
        outcome: status === 0 ? 'success' : 'failure',
        status,
        stdout: r.stdout,
        stderr: r.stderr,
        outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      };
    }
    runs.push(run);
    if (step.id)
      stepsCtx[step.id] = {
        outcome: run.outcome,
        conclusion: run.outcome === 'failure' && step['continue-on-error'] ? 'success' : run.outcome,
        outputs: run.outputs,
      };
    if (run.outcome === 'failure' && !step['continue-on-error']) failed = true;
  }
  return { runs, failed };
}
