import { printable, type SyncPlan } from '../../core/index';

/**
 * What `sync --apply` says on stderr of a plan holding changes the live org would refuse (a body
 * over 1 MiB, or nested too deep): one `✗` line per change and a closing sentence, in the words it
 * uses for invalid bundles, since both are fixed in the file before anything is applied.
 */
export function refusedReport(plan: SyncPlan): { lines: string[]; message: string } | undefined {
  const refused = plan.steps.filter((s) => s.refused !== undefined);
  if (!refused.length) return undefined;
  const lines = refused.map(
    (s) => `✗ ${printable(s.file ?? s.name)} — refused (${s.action}): ${printable(s.refused!)}`,
  );
  const one = refused.length === 1;
  const message = `${refused.length} ${one ? 'change' : 'changes'} the live org would refuse: fix ${one ? 'its bundle' : 'their bundles'} (policylens lint) before sync; nothing was applied.`;
  return { lines, message };
}
