// Types of scripts/traffic.mjs for the TypeScript tests and benchmark.
export declare function trafficLines(options: {
  count: number;
  seed?: number;
  start?: string;
  noise?: boolean;
}): Generator<string>;
