// Types of scripts/write-atomic.mjs for the TypeScript tests and the bench.
export declare function writeAtomic(path: string, contents: string | Uint8Array): void;
