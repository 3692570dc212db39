import type { SchemaObject } from '../schema/compile';
import type { Problem } from '../problem';

/** A format of policy file: its schema, how to recognise it, and rules beyond the schema. */
export interface Dialect {
  /** Stable id, used in settings (`policyLens.dialects`), `$schema` matching and lint output. */
  id: string;
  /** What the outline and the CLI call it. */
  label: string;
  schema: SchemaObject;
  /** How sure we are that a document is this dialect: 0 = not at all, 1 = certain. */
  detect(value: unknown, fileName: string): number;
  /** Checks the schema cannot express, on the plain value; positions are resolved later. */
  rules?(value: unknown): Problem[];
  /** The document's title and a short detail for the outline (`name`, `policyType · mode`). */
  summary?(value: unknown): { name?: string; detail?: string };
}
