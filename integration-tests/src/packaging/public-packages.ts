// The packages users install: every packages/*/package.json that is not
// private, packed with `npm pack` as they would be published.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(__dirname, '..', '..', '..');

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  main?: string;
  types?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface PackedPackage {
  /** Its folder in the repository, e.g. `packages/core`. */
  directory: string;
  manifest: PackageManifest;
  tarball: string;
  /** The paths in the tarball, without the leading `package/`. */
  files: string[];
  /** Where the tarball was unpacked, to read what it ships. */
  unpacked: string;
}

export function publicPackageDirectories(): string[] {
  return readdirSync(join(repositoryRoot, 'packages'))
    .map((name) => `packages/${name}`)
    .filter((directory) => {
      const manifest = join(repositoryRoot, directory, 'package.json');
      return existsSync(manifest) && readManifest(manifest).private !== true;
    });
}

export function readManifest(path: string): PackageManifest {
  return JSON.parse(readFileSync(path, 'utf8')) as PackageManifest;
}

/** `npm pack` of one package into `destination`, then unpacked beside it. */
export function pack(
  directory: string,
  destination: string,
  env: NodeJS.ProcessEnv,
): PackedPackage {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: join(repositoryRoot, directory),
    env,
    encoding: 'utf8',
  });
  const [report] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack printed no report in ${directory}`);
  const tarball = join(destination, report.filename);
  const unpacked = join(destination, report.filename.replace(/\.tgz$/, ''));
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1']);
  return {
    directory,
    manifest: readManifest(join(repositoryRoot, directory, 'package.json')),
    tarball,
    files: report.files.map((file) => file.path).sort(),
    unpacked,
  };
}
