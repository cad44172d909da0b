import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attributes } from '@opentelemetry/api';
import { MessagingAttributeNames, messagingSpanName, semconvStabilityFromEnv } from './semconv';

describe('semconvStabilityFromEnv', () => {
  it('reads messaging/dup among other entries', () => {
    assert.equal(semconvStabilityFromEnv('http, messaging/dup'), 'dup');
    assert.equal(semconvStabilityFromEnv('messaging'), 'new');
    assert.equal(semconvStabilityFromEnv(''), 'new');
  });
});

describe('MessagingAttributeNames', () => {
  const write = (stability: 'new' | 'old' | 'dup') => {
    const names = new MessagingAttributeNames(stability);
    const attributes: Attributes = {};
    names.operation(attributes, 'send', 'send');
    names.set(attributes, { name: 'messaging.consumer.group.name', oldName: undefined }, 'group-a');
    names.set(
      attributes,
      {
        name: 'messaging.destination.partition.id',
        oldName: 'messaging.kafka.destination.partition',
      },
      '3',
      3,
    );
    names.set(
      attributes,
      { name: 'messaging.kafka.offset', oldName: 'messaging.kafka.message.offset' },
      42,
    );
    return attributes;
  };

  it('writes the current names by default', () => {
    assert.deepEqual(write('new'), {
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.consumer.group.name': 'group-a',
      'messaging.destination.partition.id': '3',
      'messaging.kafka.offset': 42,
    });
  });

  it('writes the old names for old, and both for dup', () => {
    assert.deepEqual(write('old'), {
      'messaging.operation': 'publish',
      'messaging.kafka.destination.partition': 3,
      'messaging.kafka.message.offset': 42,
    });
    assert.equal(Object.keys(write('dup')).length, 8);
  });
});

describe('messagingSpanName', () => {
  it('is {operation} {destination}, or the operation alone', () => {
    assert.equal(messagingSpanName('process', 'orders'), 'process orders');
    assert.equal(messagingSpanName('send', undefined), 'send');
  });
});
