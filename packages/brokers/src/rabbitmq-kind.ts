import type { BrokerKind } from './broker-kind';
import { startRabbitmqContainer, stopContainer } from './containers';
import { ENV } from './defaults';
import { maskPassword } from './env';
import { localRabbitmq } from './rabbitmq-local';
import { probeRabbitmq } from './rabbitmq-probe';
import type { RabbitmqRecord } from './types';

export function rabbitmqKind(fromEnv: string | undefined): BrokerKind<string, RabbitmqRecord> {
  return {
    name: 'RabbitMQ',
    stateKey: 'rabbitmq',
    envVar: ENV.rabbitmqUrl,
    ...(fromEnv ? { fromEnv } : {}),
    showAddress: maskPassword,
    addressOf: (record) => record.url,
    describeRecord: (record) =>
      record.origin === 'container'
        ? `container ${record.image} (${record.containerId.slice(0, 12)})`
        : `the machine's RabbitMQ service${record.startedService ? ', started with rabbitmq-server -detached' : ''}`,
    probe: (url) => probeRabbitmq(url),
    recordGone: () => undefined,
    startContainer: startRabbitmqContainer,
    localOrigin: 'local service',
    localLabel: 'local service (127.0.0.1:5672)',
    startLocal: (_detached, log) => localRabbitmq(log),
    // The local service belongs to the machine: it is left running even when started here.
    stopRecord: (record) =>
      record.origin === 'container' ? stopContainer(record.containerId) : Promise.resolve(),
  };
}
