import type { BatchChannel } from '../helpers/consume-batch';
import type { AmqpMessage } from '../types';
import type { AmqplibCopy, AmqpMethodIds, SimulatableChannel } from './amqplib-copies';

export type Api = 'promise' | 'callback';

/** A method frame a channel sent. */
export interface SentMethod {
  method: number;
  fields: Record<string, unknown>;
}

/** A message a channel published. */
export interface SentMessage {
  fields: Record<string, unknown>;
  properties: { headers?: Record<string, unknown>; [key: string]: unknown };
  content: Buffer;
}

let consumerTags = 0;

/**
 * Stands in for amqplib's Connection under a REAL amqplib channel object, so
 * the patched channel code runs unchanged with no broker: it records the
 * frames the channel sends, and answers the RPCs fanin's code makes
 * (qos, consume, cancel) as RabbitMQ would.
 */
export class SimulatedConnection {
  readonly sent: SentMethod[] = [];
  readonly published: SentMessage[] = [];
  readonly stream = { remoteAddress: '10.1.2.3', remotePort: 5672 };
  private channel: SimulatableChannel | undefined;

  constructor(private readonly defs: AmqpMethodIds) {}

  freshChannel(channel: SimulatableChannel): number {
    this.channel = channel;
    return 1;
  }

  releaseChannel(): void {}

  sendMethod(_channel: number, method: number, fields: Record<string, unknown>): boolean {
    this.sent.push({ method, fields });
    const reply = this.replyTo(method, fields);
    if (reply !== undefined) queueMicrotask(() => this.channel?.accept(reply));
    return true;
  }

  sendMessage(
    _channel: number,
    _method: number,
    fields: Record<string, unknown>,
    _propertiesMethod: number,
    properties: SentMessage['properties'],
    content: Buffer,
  ): boolean {
    this.published.push({ fields, properties, content });
    return true;
  }

  private replyTo(method: number, fields: Record<string, unknown>) {
    const { defs } = this;
    switch (method) {
      case defs.BasicQos:
        return { id: defs.BasicQosOk, channel: 1, fields: {} };
      case defs.BasicConsume:
        return {
          id: defs.BasicConsumeOk,
          channel: 1,
          fields: { consumerTag: fields.consumerTag || `amq.ctag-${++consumerTags}` },
        };
      case defs.BasicCancel:
        return { id: defs.BasicCancelOk, channel: 1, fields: { consumerTag: fields.consumerTag } };
      default:
        return undefined;
    }
  }
}

export interface DeliveryOptions {
  headers?: unknown;
  redelivered?: boolean;
  consumerTag?: string;
  routingKey?: string;
  messageId?: unknown;
}

/** A real amqplib channel on a simulated connection, with the broker's side at hand. */
export class SimulatedChannel {
  readonly connection: SimulatedConnection;
  readonly channel: SimulatableChannel;
  readonly errors: unknown[] = [];

  constructor(
    readonly copy: AmqplibCopy,
    readonly api: Api,
    confirm = false,
  ) {
    this.connection = new SimulatedConnection(copy.defs);
    const model = api === 'promise' ? copy.channelModel : copy.callbackModel;
    this.channel = new (confirm ? model.ConfirmChannel : model.Channel)(this.connection);
    this.channel.allocate();
    // A channel error is thrown when nobody listens; applications listen.
    this.channel.on('error', (error: unknown) => this.errors.push(error));
  }

  /** The channel, typed as what `consumeBatch` takes. */
  get batchChannel(): BatchChannel<AmqpMessage> {
    return this.channel as BatchChannel<AmqpMessage>;
  }

  /** Starts a consumer and waits for the broker's ConsumeOk. */
  async consume(
    queue: string,
    onMessage: (message: AmqpMessage | null) => unknown,
    options: Record<string, unknown> = {},
  ): Promise<string> {
    if (this.api === 'promise') {
      const ok = await this.channel.consume(queue, onMessage, options);
      return ok.consumerTag;
    }
    return new Promise((resolve, reject) => {
      this.channel.consume(
        queue,
        onMessage,
        options,
        (error: unknown, ok: { consumerTag: string }) =>
          error ? reject(error) : resolve(ok.consumerTag),
      );
    });
  }

  /** The broker delivers a message, as the channel's frame machinery would. */
  deliver(tag: number, queue: string, options: DeliveryOptions = {}): AmqpMessage {
    const message: AmqpMessage = {
      fields: {
        consumerTag: options.consumerTag ?? this.lastConsumerTag(),
        deliveryTag: tag,
        redelivered: options.redelivered ?? false,
        exchange: '',
        routingKey: options.routingKey ?? queue,
      },
      properties: {
        headers: options.headers as Record<string, unknown> | undefined,
        messageId: 'messageId' in options ? options.messageId : `message-${tag}`,
        correlationId: undefined,
      },
      content: Buffer.from(`body-${tag}`),
    };
    this.channel.emit('delivery', message);
    return message;
  }

  /** The broker confirms (or with `nack`, refuses) published messages. */
  confirm(tag: number, multiple = false, nack = false): void {
    const { defs } = this.copy;
    this.channel.accept({
      id: nack ? defs.BasicNack : defs.BasicAck,
      channel: 1,
      fields: { deliveryTag: tag, multiple, requeue: false },
    });
  }

  /** The broker closes the channel (e.g. PRECONDITION_FAILED): `error`, then `close`. */
  closeByBroker(replyText = 'PRECONDITION_FAILED - unknown delivery tag 42'): void {
    const { defs } = this.copy;
    this.channel.accept({
      id: defs.ChannelClose,
      channel: 1,
      fields: { replyCode: 406, replyText, classId: 60, methodId: 80 },
    });
  }

  /** The application closes the channel, and the broker confirms. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.channel.once('close', () => resolve()));
    this.channel.closeBecause('Goodbye', 200, () => {});
    this.channel.accept({ id: this.copy.defs.ChannelCloseOk, channel: 1, fields: {} });
    await closed;
  }

  /** Method frames sent with the method id `method`, e.g. `defs.BasicAck`. */
  sent(method: number): Array<Record<string, unknown>> {
    return this.connection.sent.filter((frame) => frame.method === method).map((f) => f.fields);
  }

  private lastConsumerTag(): string {
    const tags: string[] = Array.from(this.channel.consumers.keys());
    return tags[tags.length - 1] ?? 'no-consumer';
  }
}
