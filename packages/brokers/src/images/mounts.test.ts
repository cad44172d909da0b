import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountsUnder } from './mounts';

const MOUNTS = `/dev/vda / ext4 rw 0 0
proc /proc proc rw 0 0
proc /work/.cache/images/rootfs/proc proc rw 0 0
sysfs /work/.cache/images/rootfs/sys sysfs rw 0 0
devpts /work/.cache/images/rootfs/dev/pts devpts rw 0 0
tmpfs /work/.cache/images/rootfs-other/tmp tmpfs rw 0 0
tmpfs /work/.cache/images/rootfs/with\\040space tmpfs rw 0 0
`;

describe('mountsUnder', () => {
  it('lists mounts inside a folder, deepest first, and nothing beside it', () => {
    assert.deepEqual(mountsUnder(MOUNTS, '/work/.cache/images/rootfs/'), [
      '/work/.cache/images/rootfs/with space',
      '/work/.cache/images/rootfs/dev/pts',
      '/work/.cache/images/rootfs/proc',
      '/work/.cache/images/rootfs/sys',
    ]);
  });

  it('finds none where nothing is mounted', () => {
    assert.deepEqual(mountsUnder(MOUNTS, '/work/elsewhere'), []);
  });
});
