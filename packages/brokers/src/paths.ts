import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder above `from` whose package.json declares workspaces. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && declaresWorkspaces(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json with "workspaces" above ${from}`);
    dir = parent;
  }
}

function declaresWorkspaces(manifestPath: string): boolean {
  try {
    return 'workspaces' in JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return false;
  }
}

export interface BrokerPaths {
  root: string;
  /** Running brokers' homes and the state file; git-ignored. */
  brokersDir: string;
  stateFile: string;
  /** Shell file written by `brokers up`. */
  envFile: string;
}

export function brokerPaths(root: string = findRepoRoot()): BrokerPaths {
  const brokersDir = join(root, '.brokers');
  return {
    root,
    brokersDir,
    stateFile: join(brokersDir, 'state.json'),
    envFile: join(root, '.brokers.env'),
  };
}

/** Where the jars of one Kafka version are cached. */
export function kafkaCacheDir(root: string, version: string): string {
  return join(root, '.cache', 'kafka', version);
}
