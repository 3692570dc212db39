// The shapes shared by the benchmark's runner, table builder and results writer.
import type { AdversarialKind } from './adversarial';
import type { EvalSamples } from './eval-scenario';
import type { ReplaySamples } from './replay-scenario';
import type { Samples } from './lsp-scenarios';
import type { PackageSamples } from './package';

export interface Options {
  quick: boolean;
  out: string;
  lspReps: number;
  cliReps: number;
  only: Set<string> | undefined;
  profile: boolean;
  /** `--adv <kinds>`: only these adversarial corpora (all of them when absent). */
  advKinds?: Set<string>;
}

export interface Plan {
  workspaces: number[];
  bundles: number[];
  editBundles: number[];
  /** Workspace sizes of the open-all and CLI scenarios. */
  openAll: number[];
  cli: number[];
  opens: number;
  edits: number;
  requests: number;
  wsEdits: number;
  /** The adversarial corpora (bench/adversarial.ts): sizes linted and sizes opened, per kind. */
  adversarial: { kind: AdversarialKind; lint: number[]; openAll: number[] }[];
}

/** One CLI tool's runs on one workspace. */
export interface CliSamples {
  wall: number[];
  cpu?: number[];
  invalid: (number | undefined)[];
  exit: (number | null)[];
}

/** Everything measured, by scenario, then size, then tool or server. */
export interface Raw {
  checks: Record<string, Record<string, number | string>>;
  cli: Record<string, Record<string, CliSamples>>;
  openSmall: Record<string, Samples>;
  edits: Record<string, Record<string, Samples>>;
  completion: Record<string, Samples>;
  hover: Record<string, Samples>;
  /** Completion while the largest workspace is indexed (absent in runs before it existed). */
  completionIndexing?: Record<string, Samples>;
  openAll: Record<string, Record<string, Samples>>;
  wsEdit: Record<string, Record<string, Samples>>;
  /**
   * Edits of a long bundle in the largest workspace, by bundle lines then server (absent in runs
   * before it existed).
   */
  wsBigEdit?: Record<string, Record<string, Samples>>;
  /** By adversarial kind, then size, then tool or server (absent in runs before they existed). */
  advCli?: Record<string, Record<string, Record<string, CliSamples>>>;
  advOpenAll?: Record<string, Record<string, Record<string, Samples>>>;
  /** The evaluator (absent in results written before it existed): `baseline` and `chain`. */
  evaluator?: Record<string, EvalSamples>;
  /** Replay (absent in results written before it existed): `<baseline|chain>-<threads>`. */
  replay?: Record<string, ReplaySamples>;
  /** The packed .vsix and the last real-editor activation time (`--only package`; not in --quick). */
  package?: PackageSamples;
}
