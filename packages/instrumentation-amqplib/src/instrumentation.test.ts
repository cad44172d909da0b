import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { installTestTracing } from '@fanin/test-utils';
import { isWrapped } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation, CHANNEL_MODEL_FILES } from './instrumentation';
import { amqplibByName, amqplibCurrent, type ChannelClasses } from './test-support/amqplib-copies';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

installTestTracing();

const CHANNEL_METHODS = [
  'publish',
  'consume',
  'ack',
  'nack',
  'reject',
  'ackAll',
  'nackAll',
  'emit',
];
type Prototype = Record<string, unknown>;

/** Every function fanin patches on a model file's classes, as [where, name, function]. */
function patchPoints(model: ChannelClasses): Array<[Prototype, string, unknown]> {
  const channel = model.Channel.prototype as Prototype;
  const confirm = model.ConfirmChannel.prototype as Prototype;
  return [
    ...CHANNEL_METHODS.map((name): [Prototype, string, unknown] => [channel, name, channel[name]]),
    [confirm, 'publish', confirm.publish],
  ];
}

describe('AmqplibInstrumentation', () => {
  // The 2.x copy's files, loaded before anything patches them: the originals.
  const currentRoot = dirname(require.resolve('amqplib-current'));
  const unpatched = [
    require(join(currentRoot, 'lib/channel_model.js')) as ChannelClasses,
    require(join(currentRoot, 'lib/callback_model.js')) as ChannelClasses,
  ];
  const originals = unpatched.map((model) => patchPoints(model));

  const instrumentation = new AmqplibInstrumentation();
  const byName = amqplibByName();
  const current = amqplibCurrent(instrumentation);
  const models = [
    byName.channelModel,
    byName.callbackModel,
    current.channelModel,
    current.callbackModel,
  ];

  it('patches amqplib by file: the promise and the callback API models', () => {
    assert.deepEqual(CHANNEL_MODEL_FILES, [
      'amqplib/lib/channel_model.js',
      'amqplib/lib/callback_model.js',
    ]);
    const [definition] = instrumentation.getModuleDefinitions();
    assert.equal(definition?.name, 'amqplib');
    assert.deepEqual(definition?.supportedVersions, ['>=0.10.0 <3']);
    // connect.js is watched, not patched: another instrumentation's wrapper there is reported.
    assert.deepEqual(
      definition?.files.map((file) => file.name),
      [...CHANNEL_MODEL_FILES, 'amqplib/lib/connect.js'],
    );
  });

  it('wraps publish, consume, the settlement methods and emit of both majors, both APIs', () => {
    for (const model of models) {
      for (const [, name, fn] of patchPoints(model)) assert.equal(isWrapped(fn), true, name);
    }
    assert.equal(current.channelModel, unpatched[0], 'the same module objects the hook would see');
  });

  it('restores every patched function on disable(), for every copy it patched', () => {
    const byNameOriginals = [byName.channelModel, byName.callbackModel].map((model) =>
      patchPoints(model).map(([where, name, fn]): [Prototype, string, unknown] => [
        where,
        name,
        name === 'emit' ? undefined : (fn as { __original: unknown }).__original,
      ]),
    );
    instrumentation.disable();
    for (const points of [...originals, ...byNameOriginals]) {
      for (const [where, name, original] of points) {
        if (name === 'emit') {
          assert.equal(
            Object.hasOwn(where, 'emit'),
            false,
            'the inherited emit is inherited again',
          );
        } else {
          assert.equal(where[name], original, name);
        }
      }
    }
    instrumentation.enable();
    for (const model of models) {
      for (const [, name, fn] of patchPoints(model)) assert.equal(isWrapped(fn), true, name);
    }
    instrumentation.disable();
  });

  it('reports the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    assert.equal(PACKAGE_NAME, manifest.name);
    assert.equal(PACKAGE_VERSION, manifest.version);
  });
});
