import { type AdapterIdentity, FaninInstrumentation } from '@fanin/core/adapter';
import type { Meter, Tracer } from '@opentelemetry/api';
import {
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { type ConsumeFunction, traceConsume } from './consume';
import { Deliveries } from './deliveries';
import { MESSAGING_SYSTEM_RABBITMQ } from './messages';
import {
  type PublishFunction,
  type PublishState,
  traceConfirmPublish,
  tracePublish,
} from './publish';
import { type AmqpTracingSettings, resolveSettings } from './settings';
import {
  type ChannelEmit,
  endDelivery,
  SETTLE_METHODS,
  type SettleMethod,
  type SettleMethodName,
  traceChannelEmit,
  traceSettle,
} from './settle';
import type { AmqplibInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const SUPPORTED_VERSIONS = ['>=0.10.0 <3'];

/**
 * The two files that define amqplib's channel classes: the promise API's and
 * the callback API's. Both are patched the same way; patching by file, not by
 * the package's main export, reaches channels however the application got them.
 */
export const CHANNEL_MODEL_FILES = [
  'amqplib/lib/channel_model.js',
  'amqplib/lib/callback_model.js',
];

/** The exports of a channel model file that fanin patches. */
export interface ChannelModelExports {
  Channel: { prototype: object };
  ConfirmChannel: { prototype: object };
}

const SETTLE_METHOD_NAMES = Object.keys(SETTLE_METHODS) as SettleMethodName[];

const IDENTITY: AdapterIdentity = Object.freeze({
  system: MESSAGING_SYSTEM_RABBITMQ,
  library: 'amqplib',
  conflictAdvice:
    'Turn the other one off: with getNodeAutoInstrumentations(), pass ' +
    "{ '@opentelemetry/instrumentation-amqplib': { enabled: false } }; with the zero-code start, " +
    'set OTEL_NODE_DISABLED_INSTRUMENTATIONS=amqplib; with dd-trace, DD_TRACE_AMQPLIB_ENABLED=false.',
});

interface InstanceState {
  deliveries: Deliveries;
  publish: PublishState;
  /** Every copy of the model files this instance patched (an application may load two). */
  models: Set<ChannelModelExports>;
  /** Prototypes whose `emit` was inherited, so unpatching deletes the wrapper again. */
  inheritedEmit: WeakSet<object>;
}

/**
 * Traces amqplib 0.10.x to 2.x. This class says only where amqplib is
 * intercepted: the channel classes' `publish` (publish.ts), `consume`
 * (consume.ts), settlement methods and `emit` (settle.ts), and the confirm
 * channel's `publish`; how an AMQP message reads is in messages.ts. The
 * helpers amqplib lacks (`consumeBatch`, AMQP transactions) are in helpers/.
 */
export class AmqplibInstrumentation extends FaninInstrumentation<
  AmqplibInstrumentationConfig,
  AmqpTracingSettings
> {
  // Created on first use, and declared rather than defined (see FaninInstrumentation).
  declare private instanceState?: InstanceState;

  static readonly identity = IDENTITY;

  constructor(config: AmqplibInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected override resolveSettings(
    tracer: Tracer,
    config: AmqplibInstrumentationConfig,
    meter?: Meter,
  ): AmqpTracingSettings {
    return resolveSettings(tracer, config, meter);
  }

  private get state(): InstanceState {
    this.instanceState ??= {
      deliveries: new Deliveries((expired) => {
        for (const delivery of expired) endDelivery(delivery, 'timeout');
      }),
      publish: { confirmPublishOn: undefined },
      models: new Set(),
      inheritedEmit: new WeakSet(),
    };
    return this.instanceState;
  }

  protected init() {
    const files = CHANNEL_MODEL_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          SUPPORTED_VERSIONS,
          (moduleExports: ChannelModelExports) => this.patchModel(moduleExports),
          (moduleExports: ChannelModelExports | undefined) => this.unpatchModel(moduleExports),
        ),
    );
    // fanin does not patch `connect`, but the official amqplib instrumentation
    // does: its wrapper there says that instrumentation is enabled too.
    const connect = new InstrumentationNodeModuleFile(
      'amqplib/lib/connect.js',
      SUPPORTED_VERSIONS,
      (moduleExports: { connect?: unknown }) => {
        if (typeof moduleExports?.connect === 'function') {
          this.watch(moduleExports, 'connect', 'amqplib connect');
        }
        return moduleExports;
      },
      () => {},
    );
    return new InstrumentationNodeModuleDefinition(
      'amqplib',
      SUPPORTED_VERSIONS,
      undefined,
      undefined,
      [...files, connect],
    );
  }

  override enable(): void {
    super.enable();
    for (const model of this.state.models) this.patchModel(model);
  }

  override disable(): void {
    super.disable();
    // InstrumentationBase remembers one copy per file; undo every copy this instance patched.
    for (const model of this.state.models) this.unpatchModel(model);
    for (const delivery of this.state.deliveries.takeAll()) {
      endDelivery(delivery, 'instrumentation_disabled');
    }
  }

  private patchModel(model: ChannelModelExports): ChannelModelExports {
    const channel = model?.Channel?.prototype;
    const confirm = model?.ConfirmChannel?.prototype;
    if (channel === undefined || confirm === undefined) {
      this._diag.warn('amqplib channel classes not found; amqplib is not traced');
      return model;
    }
    const { deliveries, publish, inheritedEmit } = this.state;
    const settings = this.settings;
    this.wrap(channel, 'publish', 'amqplib Channel.prototype.publish', (original) =>
      tracePublish(settings, publish, original as PublishFunction),
    );
    this.wrap(confirm, 'publish', 'amqplib ConfirmChannel.prototype.publish', (original) =>
      traceConfirmPublish(settings, publish, original as PublishFunction),
    );
    this.wrap(channel, 'consume', 'amqplib Channel.prototype.consume', (original) =>
      traceConsume(settings, deliveries, original as ConsumeFunction),
    );
    for (const name of SETTLE_METHOD_NAMES) {
      this.wrap(channel, name, `amqplib Channel.prototype.${name}`, (original) =>
        traceSettle(settings, deliveries, name, original as SettleMethod),
      );
    }
    if (!Object.hasOwn(channel, 'emit')) inheritedEmit.add(channel);
    this.wrap(channel, 'emit', 'amqplib Channel.prototype.emit', (original) =>
      traceChannelEmit(deliveries, original as ChannelEmit),
    );
    this.state.models.add(model);
    return model;
  }

  private unpatchModel(model: ChannelModelExports | undefined): void {
    const channel = model?.Channel?.prototype as Record<string, unknown> | undefined;
    const confirm = model?.ConfirmChannel?.prototype;
    if (confirm !== undefined) this.unwrap(confirm, 'publish');
    if (channel === undefined) return;
    for (const name of ['publish', 'consume', ...SETTLE_METHOD_NAMES, 'emit']) {
      this.unwrap(channel, name);
    }
    const { inheritedEmit } = this.state;
    if (inheritedEmit.has(channel) && !isWrapped(channel.emit)) {
      delete channel.emit;
      inheritedEmit.delete(channel);
    }
  }
}
