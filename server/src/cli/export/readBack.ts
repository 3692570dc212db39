/**
 * Each file an export would write, read back as `policylens sync` would read it from the folder,
 * before it is written: whether the walk takes it (.gitignore, the config's include and exclude), and
 * its analysis under the project's settings. core/export/readBack.ts decides what follows.
 */
import {
  analyze,
  applyRuleSettings,
  desiredFromAnalysis,
  readBackVerdicts,
  type DesiredBundle,
  type LiveOrgPolicy,
  type ReadBack,
  type ReadOutcome,
} from '../../core/index';
import { fromCwd } from '../files';
import { projectFor, settingsFor } from '../project';
import { whySkipped } from '../walkRules';

export interface PlannedFile {
  name: string;
  /** Absolute path. */
  path: string;
  text: string;
}

export function readBack(
  files: readonly PlannedFile[],
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
  collect: { ignore: boolean; config?: string },
): ReadBack[] {
  const read = files.map((f) => {
    const skipped = whySkipped(f.path, collect);
    const file = fromCwd(f.path);
    if (skipped) return { name: f.name, file, read: { kind: 'walk-skips', why: skipped } as ReadOutcome };
    const settings = settingsFor(projectFor(f.path, collect.config), f.path);
    const analysis = analyze(f.text, { fileName: f.path, dialect: settings.dialect });
    analysis.findings = applyRuleSettings(analysis.findings, settings.rules);
    return { name: f.name, file, read: desiredFromAnalysis(analysis, file) };
  });
  return readBackVerdicts(read, desired, live);
}
