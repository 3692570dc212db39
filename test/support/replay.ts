import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compilePolicies,
  loadPolicy,
  type CompiledPolicies,
  type ReplayInput,
} from '../../server/src/core/index';

/** The policy files of a folder, compiled as the evaluator's fixtures are (no lint, no config). */
export function compileFolder(dir: string): CompiledPolicies {
  const sources = readdirSync(dir)
    .filter((n) => /\.(json|ya?ml)$/.test(n))
    .sort()
    .map((name) => {
      const loaded = loadPolicy(name, readFileSync(join(dir, name), 'utf8'));
      assert.ok(loaded.source, `${dir}/${name}: ${loaded.unusable}`);
      return loaded.source;
    });
  return compilePolicies(sources);
}

/** The lines of a JSON Lines file as replay inputs, numbered from 1. */
export function jsonLines(file: string): ReplayInput[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((text, i) => ({ line: i + 1, text }));
}

/**
 * A CLI report without what names this run's files and sides, and the warnings said of them: what
 * the engine's fixture holds.
 */
export function reportOf(stdout: string): Record<string, unknown> {
  const {
    version: _v,
    current: _c,
    baseline: _b,
    warnings: _w,
    ...report
  } = JSON.parse(stdout) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(report, (k, v: unknown) => (k === 'file' ? undefined : v))) as Record<
    string,
    unknown
  >;
}
