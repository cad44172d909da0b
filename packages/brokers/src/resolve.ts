import type { BrokerKind } from './broker-kind';
import { ENV } from './defaults';
import { pingDocker } from './docker';
import { maskPassword, readBrokerEnv } from './env';
import { kafkaKind } from './kafka-kind';
import { brokersMode } from './mode';
import { brokerPaths } from './paths';
import { rabbitmqKind } from './rabbitmq-kind';
import { noDockerMessage, type ResolveContext, resolveOne } from './resolve-one';
import type { Brokers, BrokersState, Log, Probe, Resolved, ResolveOptions } from './types';

export interface ResolvedBrokerSet {
  brokers: Brokers;
  /** What later runs can reuse (env-provided brokers are not recorded). */
  state: BrokersState;
}

export interface ResolveSetOptions extends ResolveOptions {
  /** Leave started brokers running after this process exits (`brokers up`). */
  detached?: boolean;
  /** Repository root; found from this package's location by default. */
  root?: string;
}

const stderrLog: Log = (line) => process.stderr.write(`[brokers] ${line}\n`);

/**
 * Finds or starts the brokers asked for: env variables, then brokers recorded by
 * `brokers up`, then testcontainers (where a Docker engine answers), then local ones.
 */
export async function resolveBrokers(options: ResolveOptions = {}): Promise<Brokers> {
  return (await resolveBrokerSet(options)).brokers;
}

export async function resolveBrokerSet(
  options: ResolveSetOptions = {},
): Promise<ResolvedBrokerSet> {
  const paths = brokerPaths(options.root);
  const mode = brokersMode();
  const env = mode === 'auto' ? readBrokerEnv() : {};
  let docker: Promise<Probe> | undefined;
  const context: ResolveContext = {
    paths,
    detached: options.detached ?? false,
    log: options.log ?? stderrLog,
    docker: () => {
      docker ??= pingDocker();
      return docker;
    },
    mode,
  };
  const ignored = [ENV.kafkaBrokers, ENV.rabbitmqUrl].filter((name) => process.env[name]?.trim());
  if (mode !== 'auto' && ignored.length > 0) {
    context.log(`${ENV.brokersMode}=${mode}: ignoring ${ignored.join(' and ')}`);
  }
  if (mode === 'containers') {
    // Say it once, not once per broker.
    const probe = await context.docker();
    if (!probe.ok) throw new Error(noDockerMessage(probe.reason));
  }
  const want = <A, R>(asked: boolean | undefined, kind: () => BrokerKind<A, R>) =>
    asked === false ? Promise.resolve(undefined) : resolveOne(kind(), context);

  const [kafka, rabbitmq] = await Promise.allSettled([
    want(options.kafka, () => kafkaKind(paths.root, env.kafkaBrokers)),
    want(options.rabbitmq, () => rabbitmqKind(env.rabbitmqUrl)),
  ]);
  if (kafka.status === 'rejected' || rabbitmq.status === 'rejected') {
    // Do not leave half a set running.
    await Promise.allSettled(
      [kafka, rabbitmq].map((result) =>
        result.status === 'fulfilled' ? result.value?.stop() : undefined,
      ),
    );
    const reasons = [kafka, rabbitmq].flatMap((result) =>
      result.status === 'rejected' ? [(result.reason as Error).message] : [],
    );
    throw new Error(reasons.join('\n\n'));
  }

  const state: BrokersState = {};
  if (kafka.value?.record) state.kafka = kafka.value.record;
  if (rabbitmq.value?.record) state.rabbitmq = rabbitmq.value.record;
  return { brokers: assembleBrokers(kafka.value, rabbitmq.value), state };
}

function assembleBrokers(
  kafka: Resolved<string[], unknown> | undefined,
  rabbitmq: Resolved<string, unknown> | undefined,
): Brokers {
  const lines = [
    kafka && `kafka: ${kafka.address.join(',')} (${kafka.origin}: ${kafka.detail})`,
    rabbitmq &&
      `rabbitmq: ${maskPassword(rabbitmq.address)} (${rabbitmq.origin}: ${rabbitmq.detail})`,
  ].filter(Boolean);
  let stopping: Promise<void> | undefined;
  return {
    kafkaBrokers: kafka?.address ?? [],
    rabbitmqUrl: rabbitmq?.address ?? '',
    describe: () => lines.join('\n'),
    stop: () => {
      stopping ??= stopAll([kafka, rabbitmq]);
      return stopping;
    },
  };
}

async function stopAll(resolved: Array<{ stop(): Promise<void> } | undefined>): Promise<void> {
  const results = await Promise.allSettled(resolved.map((item) => item?.stop()));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [String(result.reason)] : [],
  );
  if (failures.length > 0) throw new Error(`stopping brokers failed: ${failures.join('; ')}`);
}
