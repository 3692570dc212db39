import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import type { Project } from '../project';

/**
 * The live org of a command that reads it (sync, export): `--url`, else POLICYLENS_API_URL or
 * EXECLAVE_BASE_URL, else the project config's `live.url`; the key from the environment. Throws
 * LiveOrgError when it is not configured, or the key would cross plain http to another host.
 */
export function liveOrgFor(url: string | undefined, project: Project): HttpLiveOrg {
  return new HttpLiveOrg(
    resolveLiveConfig({ url, configUrl: project.config.config.live?.url }, process.env),
    requestOptionsFromEnv(process.env),
  );
}

/** `org "acme" at 127.0.0.1:7420` when the server names the key's org, else the host. */
export function orgLabel(host: string, name: string | undefined): string {
  return name !== undefined ? `org ${JSON.stringify(name)} at ${host}` : host;
}
