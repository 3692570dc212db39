// Types of scripts/ascii-only.mjs for the TypeScript tests.
export declare function asciiOnly(text: string): string;
