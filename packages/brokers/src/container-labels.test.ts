import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAbandoned, LABEL, ownerLabels } from './container-labels';

describe('container labels', () => {
  const dead = () => false;
  const alive = () => true;

  it('marks containers of a test run by pid and host', () => {
    assert.deepEqual(ownerLabels(false, 123, 'box'), {
      [LABEL.owner]: 'true',
      [LABEL.pid]: '123',
      [LABEL.host]: 'box',
      [LABEL.detached]: 'false',
    });
  });

  it('finds containers whose test run is gone', () => {
    assert.equal(isAbandoned(ownerLabels(false, 123, 'box'), 'box', dead), true);
    assert.equal(isAbandoned(ownerLabels(false, 123, 'box'), 'box', alive), false);
  });

  it('leaves `brokers up` containers, other hosts and foreign containers alone', () => {
    assert.equal(isAbandoned(ownerLabels(true, 123, 'box'), 'box', dead), false);
    assert.equal(isAbandoned(ownerLabels(false, 123, 'other'), 'box', dead), false);
    assert.equal(isAbandoned({}, 'box', dead), false);
    assert.equal(
      isAbandoned({ ...ownerLabels(false, 1, 'box'), [LABEL.pid]: 'x' }, 'box', dead),
      false,
    );
  });
});
