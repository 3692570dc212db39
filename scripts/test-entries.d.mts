// Types of scripts/test-entries.mjs for the TypeScript tests.
export declare const RUN: string;
export declare function writeEntries(dir: string, files: string[], withoutDist: Set<string>): string[];
export declare function distBuilt(dir: string): void;
