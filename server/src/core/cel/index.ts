/**
 * CEL support for the engine: checking expressions against a product's documented context, and
 * the data completion and hover offer inside an expression string.
 */
import { CEL_CONTEXTS, celContextOf, type CelVariable } from './context';
import { CEL_FUNCTIONS, CEL_KEYWORDS, type CelFunction } from './functions';

export { checkCel, type CelCheck, type CelIssue } from './check';
export { CEL_CONTEXTS, celContextOf, type CelContextId, type CelVariable } from './context';
export { CEL_FUNCTIONS, type CelFunction } from './functions';
export { expressionContextAt, type ExpressionSite } from './sites';

export interface CelCompletion {
  label: string;
  kind: 'variable' | 'function' | 'method' | 'keyword';
  /** The type of a variable, or the signature of a function. */
  detail: string;
  documentation: string;
}

/**
 * What completion offers inside an expression of a dialect (or a context id such as
 * `preloop-model-io`): the context variables first, then CEL's functions and keywords.
 */
export function celCompletions(dialectOrContext: string): CelCompletion[] {
  const context = celContextOf(dialectOrContext);
  if (!context) return [];
  const vars: CelCompletion[] = CEL_CONTEXTS[context].map((v) => ({
    label: v.name,
    kind: 'variable',
    detail: v.type,
    documentation: v.description,
  }));
  const fns: CelCompletion[] = CEL_FUNCTIONS.map((f: CelFunction) => ({
    label: f.name,
    kind: f.member ? 'method' : 'function',
    detail: f.signature,
    documentation: f.description,
  }));
  const kws: CelCompletion[] = CEL_KEYWORDS.map((k) => ({
    label: k,
    kind: 'keyword',
    detail: 'keyword',
    documentation: '',
  }));
  return [...vars, ...fns, ...kws];
}

/** The documented type and description of a context variable, for hover; undefined if unknown. */
export function celVariableInfo(dialectOrContext: string, name: string): CelVariable | undefined {
  const context = celContextOf(dialectOrContext);
  return context ? CEL_CONTEXTS[context].find((v) => v.name === name) : undefined;
}
export { celProblems } from './problems';
