// What vscode-languageclient takes from `semver` (its `checkVersion` of the running VS Code), in
// place of the package in the bundle (esbuild.mjs aliases `semver/functions/parse` and
// `semver/functions/satisfies` here): the library is 21 KB of the extension's code for one
// comparison with a caret range. Ranges other than `^x.y.z` are refused loudly, so a newer client
// that asks for more fails its start instead of passing a check it did not make.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** `1.139.0`, `1.91.0-insider`: its parts; null when the text is not a version. */
export function parse(version: string): SemVer | null {
  const m = VERSION.exec(version.trim());
  if (!m) return null;
  return { major: +m[1], minor: +m[2], patch: +m[3], prerelease: m[4] ? m[4].split('.') : [] };
}

/** Whether `version` is in the caret range `^x.y.z` (same major, and not below x.y.z). */
export function satisfies(version: SemVer | string, range: string): boolean {
  const v = typeof version === 'string' ? parse(version) : version;
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!m) throw new Error(`semver shim: unsupported range ${range}`);
  // As semver: a pre-release never satisfies a range without one (the client strips it first).
  if (!v || v.prerelease.length > 0) return false;
  const [major, minor, patch] = [+m[1], +m[2], +m[3]];
  if (major === 0) throw new Error(`semver shim: unsupported range ${range}`);
  return v.major === major && (v.minor > minor || (v.minor === minor && v.patch >= patch));
}
