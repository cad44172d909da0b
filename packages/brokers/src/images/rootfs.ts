import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../processes';
import type { Log } from '../types';
import type { DebianMirrors } from './apt-sources';
import { runLogged } from './commands';
import { importImage } from './docker-cli';
import { mountsUnder, readProcMounts } from './mounts';

export interface RootfsRequest {
  suite: string;
  mirrors: DebianMirrors;
  /** base/prepare-rootfs.sh */
  prepareScript: string;
  workDir: string;
  tag: string;
  logFile: string;
  log: Log;
}

/** Settings given to `docker import`, which takes none from a bare tree. */
export const BASE_IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'CMD ["/bin/bash"]',
];

/** A minimal Debian tree made with debootstrap from the mirror, imported as an image. */
export async function buildBaseImage(request: RootfsRequest): Promise<void> {
  const debootstrap = findExecutable('debootstrap', ['/usr/sbin', '/sbin']);
  if (!debootstrap) {
    throw new Error('debootstrap not found: install it (Debian: apt-get install debootstrap)');
  }
  if (process.getuid?.() !== 0) {
    throw new Error('debootstrap needs root to build the base image; run images:build as root');
  }
  const rootfs = join(request.workDir, `rootfs-${request.suite}`);
  const tarball = join(request.workDir, `rootfs-${request.suite}.tar`);
  await removeTree(rootfs, request.logFile);
  mkdirSync(request.workDir, { recursive: true });
  try {
    request.log(`debootstrap ${request.suite} from ${request.mirrors.mirror}`);
    await runLogged(
      {
        file: debootstrap,
        args: [
          '--variant=minbase',
          '--components=main',
          request.suite,
          rootfs,
          request.mirrors.mirror,
        ],
      },
      request.logFile,
    );
    await runLogged(
      {
        file: 'sh',
        args: [
          request.prepareScript,
          rootfs,
          request.suite,
          request.mirrors.mirror,
          request.mirrors.security,
        ],
      },
      request.logFile,
    );
    await runLogged(
      { file: 'tar', args: ['--numeric-owner', '-C', rootfs, '-cf', tarball, '.'] },
      request.logFile,
    );
    await importImage(tarball, request.tag, BASE_IMAGE_CHANGES, request.logFile);
  } finally {
    await removeTree(rootfs, request.logFile);
    await runLogged({ file: 'rm', args: ['-f', tarball] }, request.logFile);
  }
}

/** Deletes a tree, first unmounting whatever an interrupted debootstrap left mounted in it. */
async function removeTree(dir: string, logFile: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const point of mountsUnder(readProcMounts(), dir)) {
    await runLogged({ file: 'umount', args: ['--lazy', point] }, logFile);
  }
  await runLogged({ file: 'rm', args: ['-rf', '--one-file-system', dir] }, logFile);
}
