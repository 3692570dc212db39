import type { Finding } from '../../core/index';

/**
 * What `lint` holds of its files between linting them and writing the report: their findings and
 * texts, each up to a budget. A file past it keeps only its counts and is linted again when the
 * report reaches it, so that the memory of a run does not grow with its findings. Without the
 * budget, 5,000 files of 500 unknown keys each held 2.5 million findings (a peak of 2.56 GB, and
 * an abort under a 256 MB heap from 1,000 such files); a real repository has a few findings per
 * file and stays far inside it.
 */
export class Held {
  private findings = 0;
  private chars = 0;
  /** The most findings ever held at once, for the tests. */
  peakFindings = 0;
  constructor(
    readonly maxFindings = MAX_HELD_FINDINGS,
    readonly maxChars = MAX_HELD_CHARS,
  ) {}

  /** Takes a file's findings and text when both fit in what is left, and says whether they did. */
  take(findings: readonly Finding[], text = ''): boolean {
    if (this.findings + findings.length > this.maxFindings || this.chars + text.length > this.maxChars)
      return false;
    this.findings += findings.length;
    this.chars += text.length;
    if (this.findings > this.peakFindings) this.peakFindings = this.findings;
    return true;
  }

  /** Counts findings that are held anyway (those the cache keeps), even past the budget. */
  charge(findings: readonly Finding[]): void {
    this.findings += findings.length;
    if (this.findings > this.peakFindings) this.peakFindings = this.findings;
  }

  /** Gives back what `take` or `charge` took. */
  give(findings: readonly Finding[], text = ''): void {
    this.findings -= findings.length;
    this.chars -= text.length;
  }
}

/**
 * Findings held at most. A finding costs 0.6–1.8 KB held (its message, span and fixes; a cycle's
 * also its links to the other files), measured on the heap after linting 1,000 files of 500
 * unknown keys and 5,000 policies that each name 20 others on one cycle, which has exactly this
 * many: bench corpus (i) is held whole and pays nothing for the budget.
 */
export const MAX_HELD_FINDINGS = 100_000;

/** Characters of text held at most (the texts of files with findings, to place them): 64 MB. */
export const MAX_HELD_CHARS = 64 * 1024 * 1024;
