/** What a command may do to the outside world; main.ts owns argv, stdout and the exit code. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /**
   * Resolves once standard output has taken what was written (at once when it has room, or is
   * closed). A command that writes without end awaits it between parts: a pipe read slowly kept
   * every part in memory (`eval` of a 200 MB .jsonl: 2.3 GB, then ENOBUFS).
   */
  drain?(): Promise<void>;
  version: string;
  /** `--color` (true) or `--no-color` (false), given to any command; undefined: by the environment. */
  color?: boolean;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  /** Returns the exit status. Throwing UsageError exits 2 with the message and the help. */
  run(argv: string[], io: CommandIO): number | Promise<number>;
  /**
   * The exit status of a usage error, when it is not 2: `sync --exit-code` keeps 2 for "changes
   * pending", so its usage errors exit 1 (docs/decisions/exit-codes.md).
   */
  usageStatus?(argv: readonly string[]): number;
}
