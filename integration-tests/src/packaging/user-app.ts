// A fresh application in a temporary folder, as a user makes one: the README's
// install lines run with the packed tarballs in place of fanin's names, then
// type-checked with tsc and run with node against the real brokers.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { PackedPackage } from './public-packages';
import { repositoryRoot } from './public-packages';

const run = promisify(execFile);

/** npm's settings that may reach the app's installs (registry, cache, proxies, CA), no others:
 * an npm script's `npm_config_local_prefix` and the like would install into the repository. */
const NPM_SETTINGS =
  /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|cafile|strict_ssl|prefer_offline|@.*:registry)$/i;

/** The environment of npm and tsc in the app: this one without NODE_OPTIONS or npm script state. */
export function toolEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== 'NODE_OPTIONS' && (!/^npm_/i.test(key) || NPM_SETTINGS.test(key)),
    ),
  );
}

export interface UserApp {
  dir: string;
  /** Every npm install command run in it, as typed (tarball paths in place). */
  installs: string[];
}

export function createApp(parent: string, name: string, type: 'commonjs' | 'module'): UserApp {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, type }, null, 2)}\n`,
  );
  return { dir, installs: [] };
}

/** The `npm install` lines of an examples/readme install script. */
export function installLines(script: string): string[][] {
  return readFileSync(join(repositoryRoot, script), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('npm install '))
    .map((line) => line.split(/\s+/).slice(2));
}

/**
 * Runs `npm install <specs>` with fanin's names replaced by their tarballs. The
 * fanin packages those depend on are given as tarballs too: they are not in the
 * registry yet, and npm takes a dependency from a tarball it is given.
 */
export async function npmInstall(
  app: UserApp,
  specs: string[],
  packed: PackedPackage[],
): Promise<void> {
  const byName = new Map(packed.map((p) => [p.manifest.name, p]));
  const fanin = new Set<string>();
  const add = (name: string): void => {
    const found = byName.get(name);
    if (!found || fanin.has(name)) return;
    fanin.add(name);
    for (const dependency of Object.keys(found.manifest.dependencies ?? {})) add(dependency);
  };
  for (const spec of specs) add(spec);
  const args = [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    ...[...fanin].map((name) => byName.get(name)?.tarball ?? name),
    ...specs.filter((spec) => !byName.has(spec)),
  ];
  app.installs.push(
    `npm ${args.map((arg) => (arg.startsWith('/') ? basename(arg) : arg)).join(' ')}`,
  );
  try {
    await run('npm', args, { cwd: app.dir, env: toolEnv(), maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${app.dir}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** A file of the repository copied into the app (the README's examples, the workload). */
export function copyIntoApp(app: UserApp, from: string, to: string): void {
  mkdirSync(join(app.dir, to, '..'), { recursive: true });
  copyFileSync(join(repositoryRoot, from), join(app.dir, to));
}

/** The repository's version of a package, so an extra install comes from npm's cache. */
export function repositoryVersion(name: string): string {
  const manifest = join(repositoryRoot, 'node_modules', name, 'package.json');
  return `${name}@${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version}`;
}

/** The installed paths of a package in the app's tree (one path per copy). */
export async function copiesOf(app: UserApp, name: string): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--all', '--parseable', name], {
    cwd: app.dir,
    env: toolEnv(),
  });
  return [...new Set(stdout.split('\n').filter((line) => line.includes(`node_modules/${name}`)))];
}

export type Resolution = 'nodenext' | 'bundler';

/**
 * tsc, strict, with the repository's TypeScript; NodeNext emits into build/.
 * `paths`: packages the app does not install whose declarations come from
 * elsewhere (the repository's copy of a native client).
 */
export async function typecheck(
  app: UserApp,
  resolution: Resolution,
  paths: Record<string, string[]>,
  files: string[],
): Promise<void> {
  const compilerOptions = {
    strict: true,
    target: 'es2022',
    lib: ['es2023'],
    types: ['node'],
    esModuleInterop: true,
    skipLibCheck: false,
    paths,
    ...(resolution === 'nodenext'
      ? { module: 'nodenext', moduleResolution: 'nodenext', outDir: 'build', rootDir: '.' }
      : { module: 'preserve', moduleResolution: 'bundler', noEmit: true }),
  };
  const config = `tsconfig.${resolution}.json`;
  writeFileSync(join(app.dir, config), JSON.stringify({ compilerOptions, files }, null, 2));
  const tsc = join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', config], { cwd: app.dir, env: toolEnv() });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${config} failed in ${app.dir}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

export interface AppRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node <args>` in the app, from a clean environment (no NODE_OPTIONS of the suite). */
export async function runNode(
  app: UserApp,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<AppRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: app.dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; signal?: string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number')
      throw new Error(`node ${args.join(' ')}: ${String(error)}`);
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
