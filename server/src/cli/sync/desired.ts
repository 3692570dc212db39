import {
  analyze,
  applyRuleSettings,
  desiredFromAnalysis,
  tooLargeFinding,
  type DesiredBundle,
} from '../../core/index';
import { collectPolicyFiles, fromCwd, readPolicyText, reason, type CollectOptions } from '../files';
import type { BundleSource } from './github';

export interface Collected {
  desired: DesiredBundle[];
  /** `path` is the file on disk (for annotations); JSON reports the rest. */
  invalid: { file: string; path: string; errors: number; firstError: string }[];
}

/** The workspace side: every valid Execlave bundle under the paths, and the bundles with errors. */
export function collectDesired(
  paths: readonly string[],
  collect: CollectOptions = {},
  sources?: Map<DesiredBundle, BundleSource>,
): Collected {
  const out: Collected = { desired: [], invalid: [] };
  for (const f of collectPolicyFiles(paths, collect)) {
    // Named from the current directory, as lint's text and JSON reports name them (docs/ci.md): the
    // display path is only the tail under its argument, and `sync p1 p2` showed two `x.yaml`.
    const file = fromCwd(f.path);
    let text: string;
    let invalidEncoding: boolean;
    if (f.error !== undefined) {
      out.invalid.push({ file, path: f.path, errors: 1, firstError: f.error });
      continue;
    }
    try {
      const read = readPolicyText(f.path);
      if (read.kind === 'too-large') {
        out.invalid.push({
          file,
          path: f.path,
          errors: 1,
          firstError: tooLargeFinding(read.bytes, 'disk').message,
        });
        continue;
      }
      ({ text, invalidEncoding } = read);
    } catch (e) {
      out.invalid.push({ file, path: f.path, errors: 1, firstError: `cannot read: ${reason(e)}` });
      continue;
    }
    // The project's config decides the dialect and the severities, as in lint: a code set to `off`
    // does not hold a bundle back, one raised to `error` does.
    const analysis = analyze(text, { fileName: f.path, invalidEncoding, dialect: f.settings.dialect });
    analysis.findings = applyRuleSettings(analysis.findings, f.settings.rules);
    const outcome = desiredFromAnalysis(analysis, file);
    if (outcome.kind === 'bundle') {
      out.desired.push(outcome.bundle);
      // Only `--format github` keeps the trees, to place its annotations on the bundles' keys.
      sources?.set(outcome.bundle, { path: f.path, analysis });
    } else if (outcome.kind === 'invalid')
      out.invalid.push({
        file,
        path: f.path,
        errors: outcome.errors,
        firstError: outcome.firstError,
      });
  }
  return out;
}
