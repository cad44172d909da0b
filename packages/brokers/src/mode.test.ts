import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokersMode } from './mode';

describe('brokersMode', () => {
  it('defaults to auto', () => {
    assert.equal(brokersMode({}), 'auto');
    assert.equal(brokersMode({ FANIN_BROKERS: ' ' }), 'auto');
  });

  it('reads containers and local, in any case', () => {
    assert.equal(brokersMode({ FANIN_BROKERS: 'containers' }), 'containers');
    assert.equal(brokersMode({ FANIN_BROKERS: ' Local ' }), 'local');
  });

  it('rejects anything else, naming the choices', () => {
    assert.throws(() => brokersMode({ FANIN_BROKERS: 'docker' }), /auto, containers, local/);
  });
});
