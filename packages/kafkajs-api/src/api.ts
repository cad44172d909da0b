// The KafkaJS API as fanin reads it: only the members fanin touches, typed
// loosely enough that kafkajs's own objects and those of the clients that
// copy its API (Confluent's `KafkaJS`) are all of these shapes.

/** A message as `eachBatch` and `eachMessage` hand it over. */
export interface ConsumedMessage {
  key?: unknown;
  value?: unknown;
  offset: string;
  headers?: unknown;
}

/** The batch of an `eachBatch` call: one topic partition's messages. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

export interface EachBatchPayload {
  batch: ConsumedBatch;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

export type EachBatchHandler = (payload: EachBatchPayload) => Promise<void>;
export type EachMessageHandler = (payload: EachMessagePayload) => Promise<void>;

/** What `consumer.run` is given; the members fanin does not read pass through. */
export interface RunConfig {
  eachBatch?: EachBatchHandler;
  eachMessage?: EachMessageHandler;
}

export interface Consumer {
  run(config?: RunConfig): Promise<void>;
}

/** A message given to `send`. */
export interface Message {
  key?: unknown;
  value?: unknown;
  headers?: unknown;
}

/** The messages of one topic, as `send` takes them and `sendBatch` groups them. */
export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  topicMessages?: TopicMessages[];
}

/** What `sendOffsets` is given; the members fanin does not read pass through. */
export interface TopicOffsets {
  topics?: Array<{ topic?: string; partitions?: unknown[] }>;
  [member: string]: unknown;
}

export type SendFunction<R> = (record: R) => Promise<unknown>;

/** The send side of a producer and of a kafkajs transaction. */
export interface Sender {
  send: SendFunction<TopicMessages>;
  sendBatch: SendFunction<ProducerBatch>;
}

export interface Transaction extends Sender {
  sendOffsets(offsets: TopicOffsets): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface Producer extends Sender {
  transaction(): Promise<Transaction>;
}

/** The `Kafka` class's factory methods, which fanin wraps. */
export interface KafkaClient {
  producer(...args: unknown[]): Producer;
  consumer(config?: unknown): Consumer;
}
