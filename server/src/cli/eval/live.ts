/**
 * `eval --live` and `test --live`: the prerequisites of the policies evaluated, resolved against
 * the live org. A bundle exported from Execlave names its prerequisites by server id; offline the
 * evaluator cannot tell which policy an id stands for, so the chained policy is skipped. With the
 * org at hand, each id of a live policy becomes that policy's name, as `sync` and `replay` read
 * them (core/replay/live.ts). Only the org's policy list is read (GETs), with the client and
 * configuration `sync` uses.
 */
import { LiveOrgError, liveNames, printable, type LiveNames } from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import { InputError } from '../files';
import { projectFor } from '../project';

/** What `eval` and `test` say of an id they could not resolve offline: the option that would. */
export const OFFLINE_HINT = '--live resolves it against the live org';

/**
 * The live org's ids by name. The org was asked for: one that cannot be read is an error (exit 2,
 * as a file that cannot be read), never a quiet fall back to the offline reading, which would
 * decide differently from what the user asked to see.
 */
export async function liveNamesOf(
  path: string,
  url: string | undefined,
  config: string | undefined,
): Promise<LiveNames> {
  try {
    const org = new HttpLiveOrg(
      resolveLiveConfig({ url, configUrl: projectFor(path, config).config.config.live?.url }, process.env),
      requestOptionsFromEnv(process.env),
    );
    return liveNames(await org.listPolicies());
  } catch (e) {
    // The client's own words name sync, the command it was first written for.
    if (e instanceof LiveOrgError)
      throw new InputError(
        `--live: ${printable(e.message.replace(/^sync is not configured/, 'the live org is not configured'))}`,
      );
    throw e;
  }
}
