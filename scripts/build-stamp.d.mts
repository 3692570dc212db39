// Types of scripts/build-stamp.mjs for the TypeScript tests.
export declare function stampKey(parts: unknown, files?: string[]): string;
export declare function metaInputs(...metafiles: { inputs: Record<string, unknown> }[]): string[];
export declare function upToDate(stampFile: string, key: string): boolean;
export declare function writeStamp(stampFile: string, key: string, inputs: string[], outputs: string[]): void;
