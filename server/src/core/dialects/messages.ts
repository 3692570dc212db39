import { displayPath } from '../parse/ast';
import type { Problem } from '../problem';

/**
 * Puts the path of what a problem is about in front of its message, as the schema's messages have
 * it (`tools[0].approval_workflow: Tool 'bash' references …`), so the CLI's one-line output names
 * the place the way the seeds do. A problem on a key is prefixed with the mapping that holds it.
 */
export function withPaths(problems: Problem[]): Problem[] {
  return problems.map((p) => {
    const prefix = displayPath(p.target === 'key' ? p.path.slice(0, -1) : p.path);
    return prefix && !p.message.startsWith(`${prefix}:`) ? { ...p, message: `${prefix}: ${p.message}` } : p;
  });
}
