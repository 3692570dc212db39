// Types of scripts/package.mjs for the tests that import it.
export declare const ROOT: string;
export declare const README: string;
/** The files .vscodeignore lets into the package, relative to `root`. */
export declare function shippedFiles(root?: string, options?: { strict?: boolean }): string[];
/** A staging folder with what the package ships (the caller removes it). */
export declare function stage(root?: string, options?: { strict?: boolean }): string;
/** vsce's list of the files the package holds, from a staging folder. */
export declare function listPackaged(root?: string): string[];
/** Packs the .vsix and returns its path. */
export declare function packageVsix(options?: { out?: string; build?: boolean; root?: string }): string;
