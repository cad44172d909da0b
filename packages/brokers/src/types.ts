/** Where a broker came from, as shown by `Brokers.describe()`. */
export type Origin = 'env' | 'reused' | 'container' | 'local jars' | 'local service';

export interface Brokers {
  /** `host:port` bootstrap addresses; empty when Kafka was not asked for. */
  kafkaBrokers: string[];
  /** AMQP URL; empty when RabbitMQ was not asked for. */
  rabbitmqUrl: string;
  /** One line per broker saying where it came from. */
  describe(): string;
  /** Stops only what this resolution started; never env-provided or reused brokers. */
  stop(): Promise<void>;
}

export interface ResolveOptions {
  /** Resolve a Kafka broker (default true). */
  kafka?: boolean;
  /** Resolve a RabbitMQ broker (default true). */
  rabbitmq?: boolean;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

export type Log = (line: string) => void;

/** A Kafka broker this package started and can stop again, as kept in the state file. */
export type KafkaRecord =
  | { origin: 'local jars'; brokers: string[]; pid: number; home: string; version: string }
  | { origin: 'container'; brokers: string[]; containerId: string; image: string };

/** A RabbitMQ broker found or started by this package, as kept in the state file. */
export type RabbitmqRecord =
  | { origin: 'local service'; url: string; startedService: boolean }
  | { origin: 'container'; url: string; containerId: string; image: string };

/** Contents of `.brokers/state.json`, written by `brokers up`. */
export interface BrokersState {
  kafka?: KafkaRecord;
  rabbitmq?: RabbitmqRecord;
}

/** One broker as resolved: its address, where it came from, and how to undo starting it. */
export interface Resolved<Address, BrokerRecord> {
  address: Address;
  origin: Origin;
  detail: string;
  /** Present when the broker can be reused by later runs (all but env-provided ones). */
  record?: BrokerRecord;
  stop(): Promise<void>;
}

export type ResolvedKafka = Resolved<string[], KafkaRecord>;
export type ResolvedRabbitmq = Resolved<string, RabbitmqRecord>;

export type Probe = { ok: true } | { ok: false; reason: string };
