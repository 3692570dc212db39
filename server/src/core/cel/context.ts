/**
 * The variables each product documents for its CEL expressions. The Execlave list is the context
 * table of its expressions page; Preloop's tool conditions see only `args`, and its model_io
 * conditions the documented model, request and detector attributes.
 */
export type CelContextId = 'execlave' | 'preloop' | 'preloop-model-io';

export interface CelVariable {
  name: string;
  /** The CEL type, as the type checker and the hover show it (`list<string>`, `double`). */
  type: string;
  description: string;
}

const EXECLAVE: CelVariable[] = [
  { name: 'input', type: 'string', description: 'The user or upstream prompt.' },
  { name: 'output', type: 'string', description: 'The model response; only set when `phase == "post"`.' },
  { name: 'agentId', type: 'string', description: 'The agent id of the enforcement request.' },
  { name: 'agentName', type: 'string', description: "The agent's name." },
  { name: 'environment', type: 'string', description: 'The environment, e.g. `production`, `staging`.' },
  {
    name: 'tools',
    type: 'list<string>',
    description: 'The tools declared on the request, e.g. `tools.exists(t, t == "send_email")`.',
  },
  {
    name: 'metadata',
    type: 'map<string, dyn>',
    description: 'Free-form SDK metadata, e.g. `metadata.userId`.',
  },
  { name: 'cost', type: 'double', description: 'Estimated or actual cost in USD.' },
  { name: 'orgId', type: 'string', description: 'The organisation id.' },
  { name: 'now', type: 'int', description: 'Unix epoch seconds, server clock.' },
  { name: 'phase', type: 'string', description: '`"pre"` before the model call, `"post"` after it.' },
];

const PRELOOP: CelVariable[] = [
  {
    name: 'args',
    type: 'map<string, dyn>',
    description: "The tool call's arguments, e.g. `args.amount > 50`.",
  },
];

const PRELOOP_MODEL_IO: CelVariable[] = [
  { name: 'model', type: 'map<string, dyn>', description: '`model.id`, `model.provider`, `model.name`.' },
  { name: 'session', type: 'map<string, dyn>', description: '`session.id`.' },
  { name: 'request', type: 'map<string, dyn>', description: '`request.text`: the text sent to the model.' },
  {
    name: 'response',
    type: 'map<string, dyn>',
    description: '`response.text`: the text the model returned.',
  },
  { name: 'pii', type: 'map<string, dyn>', description: '`pii.found` (bool), `pii.types_found` (list).' },
  {
    name: 'injection',
    type: 'map<string, dyn>',
    description: '`injection.score`, `injection.matched_patterns`.',
  },
  {
    name: 'moderation',
    type: 'map<string, dyn>',
    description: '`moderation.flagged`, `moderation.categories`.',
  },
];

export const CEL_CONTEXTS: Record<CelContextId, CelVariable[]> = {
  execlave: EXECLAVE,
  preloop: PRELOOP,
  'preloop-model-io': PRELOOP_MODEL_IO,
};

/** What each product calls the place its expressions live, for messages. */
export const CEL_PLACE: Record<CelContextId, string> = {
  execlave: 'Execlave expression policies',
  preloop: 'Preloop tool conditions',
  'preloop-model-io': 'Preloop model_io conditions',
};

/** A dialect id or a context id to the context: Preloop documents use the tool-condition context. */
export function celContextOf(id: string): CelContextId | undefined {
  if (id === 'execlave' || id === 'preloop' || id === 'preloop-model-io') return id;
  return undefined;
}
