// What vscode-languageclient takes from `minimatch`, in place of the package in the bundle
// (esbuild.mjs aliases `minimatch` here): a `Minimatch` whose `makeRe()` and `match()` the client
// calls for the glob patterns of file-operation registrations and of document filters with a
// `pattern`. Picomatch, which the bundle holds already for the server, compiles the glob; the
// library itself and its brace expansion are 28 KB of the extension's code. The Policy Lens server
// registers neither kind, so this runs only for another server's patterns, should one be used. One
// known difference: an unbalanced `{` matches nothing here, and itself literally in minimatch.
import picomatch from 'picomatch';

export interface MinimatchOptions {
  dot?: boolean;
  nocase?: boolean;
  noext?: boolean;
}

export class Minimatch {
  private readonly re: RegExp | false;

  constructor(pattern: string, options: MinimatchOptions = {}) {
    let re: RegExp | false;
    try {
      re = picomatch.makeRe(pattern, {
        dot: options.dot ?? false,
        nocase: options.nocase ?? false,
        noextglob: options.noext ?? false,
      });
    } catch {
      re = false;
    }
    this.re = re;
  }

  /** The compiled pattern, or false for an invalid one (as minimatch's `makeRe`). */
  makeRe(): RegExp | false {
    return this.re;
  }

  match(path: string): boolean {
    return this.re !== false && this.re.test(path.replace(/\\/g, '/'));
  }
}
