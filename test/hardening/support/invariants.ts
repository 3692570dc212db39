import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../server/src/core/index';

const ROOT = join(__dirname, '..', '..', '..');

/** Every finding span, and every edit of every fix, lies inside the text it was computed for. */
export function assertSpansInside(findings: readonly Finding[], text: string, context: string): void {
  for (const f of findings) {
    const { start, end } = f.span;
    assert.ok(
      Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length,
      `${context}: ${f.code} span ${start}-${end} outside 0-${text.length}`,
    );
    // An offset between the CR and the LF of a line end is on no line: the editor cannot show it.
    for (const o of [start, end])
      assert.ok(
        !(text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10),
        `${context}: ${f.code} span ${start}-${end} splits a CRLF line end`,
      );
    for (const fix of f.fixes ?? [])
      for (const e of fix.edits)
        assert.ok(
          e.start >= 0 && e.start <= e.end && e.end <= text.length,
          `${context}: fix "${fix.title}" of ${f.code} edits ${e.start}-${e.end} outside 0-${text.length}`,
        );
  }
}

/** What a finding looks like to a user: code, message, place. Fix titles follow along. */
export function comparable(findings: readonly Finding[]): unknown[] {
  return findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    start: f.span.start,
    end: f.span.end,
    fixes: (f.fixes ?? []).map((x) => ({ title: x.title, edits: x.edits })),
  }));
}

/** Applies a fix's edits to the text, last first, so offsets stay valid. */
export function applyEdits(
  text: string,
  edits: readonly { start: number; end: number; newText: string }[],
): string {
  return [...edits]
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

/**
 * Every policy text the repository stores (lint fixtures and examples): the material pasted into
 * documents by the fuzzers, as a user pastes pieces of other files. Binary fixtures are skipped.
 */
export function policyCorpus(): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.(json|ya?ml)$/.test(name) && name !== 'expected.json') {
        const text = readFileSync(p, 'utf8');
        if (!text.includes('\u0000') && text.length < 20_000) out.push(text);
      }
    }
  };
  // Every dialect's fixtures, so pastes mix Execlave, Preloop and Agent Sentinel text.
  for (const area of ['lint', 'dialects'])
    if (existsSync(join(ROOT, 'test', 'fixtures', area))) visit(join(ROOT, 'test', 'fixtures', area));
  visit(join(ROOT, 'examples'));
  return out;
}

/** A summary line the reliability report copies its figures from. */
export function report(line: string): void {
  process.stdout.write(`hardening: ${line}\n`);
}

/**
 * fast-check parameters: a fixed number of runs scaled by HARDENING_SCALE (a longer hunt on
 * demand), and HARDENING_SEED to replay the seed a failure printed.
 */
export function runs(numRuns: number): { numRuns: number; includeErrorInReport: boolean; seed?: number } {
  const scale = Number(process.env.HARDENING_SCALE ?? '1') || 1;
  const seed = process.env.HARDENING_SEED ? Number(process.env.HARDENING_SEED) : undefined;
  return {
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    includeErrorInReport: true,
    ...(seed !== undefined ? { seed } : {}),
  };
}
