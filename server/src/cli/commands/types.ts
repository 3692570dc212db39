/** What a command may do to the outside world; main.ts owns argv, stdout and the exit code. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
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
