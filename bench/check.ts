// The validity check run before any timing: each server opens the check bundles (one valid and one
// per planted error kind, in YAML and JSON) and must flag exactly the broken ones. A peer that
// silently validated nothing (a wrong glob, a schema it cannot load) would otherwise look fast.
import type { WorkspaceManifest } from './corpus';
import type { ServerSpec } from './lsp-driver';
import { openAll } from './lsp-scenarios';

export interface CheckResult extends Record<string, number | string> {
  planted: number;
  plantedFlagged: number;
  validFlagged: number;
}

export async function checkServer(
  spec: ServerSpec,
  check: WorkspaceManifest,
  timeoutMs = 30_000,
): Promise<CheckResult> {
  const planted = check.files.filter((f) => f.error).length;
  // openAll itself waits for an error on every planted file, so a server that misses one times out.
  const r = await openAll(spec, check, timeoutMs).catch((e: unknown) => {
    throw new Error(
      `${spec.name} did not report the planted schema errors, so comparing against it would be worthless: ` +
        (e instanceof Error ? e.message : String(e)),
    );
  });
  const plantedFlagged = Number(r.facts.plantedErrorsFlagged);
  const validFlagged = Number(r.facts.filesWithErrors) - plantedFlagged;
  if (plantedFlagged !== planted || validFlagged !== 0) {
    throw new Error(
      `${spec.name} flagged ${plantedFlagged}/${planted} broken bundles and ${validFlagged} valid ones: ` +
        'the servers must agree on what is an error before their speed can be compared',
    );
  }
  return { planted, plantedFlagged, validFlagged };
}
