import { type Command, runLogged, runQuiet } from './commands';

const docker = (...args: string[]): Command => ({ file: 'docker', args });

export async function imageExists(tag: string): Promise<boolean> {
  return (await runQuiet(docker('image', 'inspect', '--format', '{{.Id}}', tag))) !== undefined;
}

/** Imports a root filesystem tarball as an image. */
export function importImage(
  tarball: string,
  tag: string,
  changes: string[],
  logFile: string,
): Promise<void> {
  return runLogged(
    docker('import', ...changes.flatMap((change) => ['--change', change]), tarball, tag),
    logFile,
  );
}

export interface BuildRequest {
  context: string;
  tag: string;
  buildArgs: Record<string, string>;
  noCache: boolean;
}

/**
 * `docker build` with the host's network: `apt-get` in a build step then reaches the Debian
 * mirror exactly as the host's apt does (same resolver, same route), and nothing is pulled.
 */
export function buildImage(request: BuildRequest, logFile: string): Promise<void> {
  const args = ['build', '--network', 'host', '--force-rm', '--tag', request.tag];
  for (const [name, value] of Object.entries(request.buildArgs)) {
    args.push('--build-arg', `${name}=${value}`);
  }
  if (request.noCache) args.push('--no-cache');
  return runLogged(docker(...args, request.context), logFile);
}

/** The version of a Debian package installed in an image (run without any network). */
export async function packageVersionIn(tag: string, name: string): Promise<string | undefined> {
  return runQuiet(
    docker(
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'dpkg-query',
      tag,
      '--show',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax
      '--showformat=${Version}',
      name,
    ),
  );
}

/** Removes the other tags of `repository` that start with `prefix` (stale cache keys). */
export async function removeStaleTags(
  repository: string,
  prefix: string,
  keep: string,
): Promise<string[]> {
  const listed = await runQuiet(docker('image', 'ls', '--format', '{{.Tag}}', repository));
  const stale = (listed ?? '')
    .split('\n')
    .filter((tag) => tag.startsWith(prefix))
    .map((tag) => `${repository}:${tag}`)
    .filter((reference) => reference !== keep);
  for (const reference of stale) await runQuiet(docker('image', 'rm', reference));
  return stale;
}
