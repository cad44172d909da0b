import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';

/** A channel model file's exports: the classes fanin patches. */
export interface ChannelClasses {
  Channel: new (connection: unknown) => SimulatableChannel;
  ConfirmChannel: new (connection: unknown) => SimulatableChannel;
}

/** What the tests call on a real amqplib channel object (typed loosely: two majors). */
export interface SimulatableChannel {
  // biome-ignore lint/suspicious/noExplicitAny: amqplib's channel API, two majors, two styles
  [method: string]: any;
}

/** One installed copy of amqplib, loaded and patched the way an application would see it. */
export interface AmqplibCopy {
  label: string;
  version: string;
  root: string;
  /** The promise API (`connect` resolving to a ChannelModel). */
  promiseApi: { connect(url: string): Promise<unknown> };
  /** The callback API (`amqplib/callback_api`). */
  callbackApi: {
    connect(url: string, callback: (error: unknown, connection: unknown) => void): void;
  };
  channelModel: ChannelClasses;
  callbackModel: ChannelClasses;
  defs: AmqpMethodIds;
}

/** The AMQP method ids (amqplib's lib/defs.js) the tests send or look for. */
export interface AmqpMethodIds {
  BasicAck: number;
  BasicNack: number;
  BasicReject: number;
  BasicQos: number;
  BasicQosOk: number;
  BasicConsume: number;
  BasicConsumeOk: number;
  BasicCancel: number;
  BasicCancelOk: number;
  ChannelClose: number;
  ChannelCloseOk: number;
}

function versionAt(root: string): string {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

function load(root: string, label: string): AmqplibCopy {
  const version = versionAt(root);
  return {
    label: `${label} ${version}`,
    version,
    root,
    promiseApi: require(join(root, 'channel_api.js')),
    callbackApi: require(join(root, 'callback_api.js')),
    channelModel: require(join(root, 'lib/channel_model.js')),
    callbackModel: require(join(root, 'lib/callback_model.js')),
    defs: require(join(root, 'lib/defs.js')),
  };
}

/**
 * amqplib 0.10.x, installed as `amqplib`: required by name, so the
 * instrumentation's require hook patches it as it would in an application.
 * Enable the instrumentation first.
 */
export function amqplibByName(): AmqplibCopy {
  require('amqplib');
  require('amqplib/callback_api');
  return load(dirname(require.resolve('amqplib/package.json')), 'amqplib');
}

/**
 * The current amqplib major, installed under the npm alias `amqplib-current`.
 * The require hook matches packages by their directory name, so this copy is
 * patched here through the instrumentation's own file definitions
 * (`amqplib/lib/channel_model.js`, `amqplib/lib/callback_model.js`). That
 * the hook itself matches 2.x by name and version is shown by hook.test.ts.
 */
export function amqplibCurrent(instrumentation: InstrumentationBase): AmqplibCopy {
  // The alias exports only its entry points; its files are loaded by path.
  const root = dirname(require.resolve('amqplib-current'));
  const copy = load(root, 'amqplib');
  patchCopy(instrumentation, copy);
  return copy;
}

function patchCopy(instrumentation: InstrumentationBase, copy: AmqplibCopy): void {
  for (const definition of instrumentation.getModuleDefinitions()) {
    for (const file of definition.files) {
      const exports = require(join(copy.root, file.name.slice(definition.name.length + 1)));
      if (instrumentation.isEnabled()) file.patch(exports, copy.version);
    }
  }
}

/** Both majors, each patched through the instrumentation. */
export function amqplibCopies(instrumentation: InstrumentationBase): AmqplibCopy[] {
  return [amqplibByName(), amqplibCurrent(instrumentation)];
}
