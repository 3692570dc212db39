/**
 * `eval --live` and `test --live`: the policies evaluated are the org as `sync` would leave it. A
 * bundle exported from Execlave names its prerequisites by server id; offline the evaluator cannot
 * tell which policy an id stands for, so the chained policy is skipped. With the org at hand, each
 * id of a live policy becomes that policy's name, and the live policies no file declares (which
 * `sync` keeps) are evaluated with the files, as `replay` against live reads the working tree
 * (core/replay/live.ts, `syncedOrg`): a bundle whose prerequisite is a live-only policy runs its
 * chain. Only the org's policy list is read (GETs), with the client and configuration `sync` uses.
 */
import { LiveOrgError, printable, type LiveOrgPolicy } from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import { InputError } from '../files';
import { projectFor } from '../project';

/** What `eval` and `test` say of an id they could not resolve offline: the option that would. */
export const OFFLINE_HINT = '--live resolves it against the live org';

/**
 * The live org's policies. The org was asked for: one that cannot be read is an error (exit 2,
 * as a file that cannot be read), never a quiet fall back to the offline reading, which would
 * decide differently from what the user asked to see.
 */
export async function livePoliciesOf(
  path: string,
  url: string | undefined,
  config: string | undefined,
): Promise<LiveOrgPolicy[]> {
  try {
    const org = new HttpLiveOrg(
      resolveLiveConfig({ url, configUrl: projectFor(path, config).config.config.live?.url }, process.env),
      requestOptionsFromEnv(process.env),
    );
    return await org.listPolicies();
  } catch (e) {
    // The client's own words name sync, the command it was first written for.
    if (e instanceof LiveOrgError)
      throw new InputError(
        `--live: ${printable(e.message.replace(/^sync is not configured/, 'the live org is not configured'))}`,
      );
    throw e;
  }
}

/** What `eval` and `test` say of the live policies they added: `--live: … + 1 live policy …`. */
export function liveAddedNote(added: readonly string[]): string {
  if (!added.length)
    return "--live: the org as sync leaves it: the files' policies (every live policy is declared by a file)";
  const n = added.length;
  return `--live: the org as sync leaves it: the files' policies + ${n.toLocaleString('en')} live ${n === 1 ? 'policy' : 'policies'} no file declares (${added.map((a) => printable(a)).join(', ')})`;
}
