import type { BrokersState, Log, Probe } from './types';

/** What resolution needs to know about one kind of broker. */
export interface BrokerKind<Address, BrokerRecord> {
  /** Display name: `Kafka`, `RabbitMQ`. */
  name: string;
  stateKey: keyof BrokersState;
  envVar: string;
  /** Address given by the environment, if any. */
  fromEnv?: Address;
  showAddress(address: Address): string;
  addressOf(record: BrokerRecord): Address;
  /** One line on where a recorded broker runs. */
  describeRecord(record: BrokerRecord): string;
  probe(address: Address): Promise<Probe>;
  /** Why a recorded broker cannot be running any more (e.g. its pid is gone), if known. */
  recordGone(record: BrokerRecord): string | undefined;
  startContainer(detached: boolean, log: Log): Promise<BrokerRecord>;
  localOrigin: 'local jars' | 'local service';
  /** Label for the local path in messages, e.g. `local jars (Apache Kafka 4.1.1)`. */
  localLabel: string;
  startLocal(detached: boolean, log: Log): Promise<BrokerRecord>;
  /** Undoes what starting the recorded broker did; never touches what was already there. */
  stopRecord(record: BrokerRecord): Promise<void>;
}
