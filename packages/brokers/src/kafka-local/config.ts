import { randomBytes } from 'node:crypto';
import { SINGLE_NODE_SETTINGS } from '../kafka-settings';

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding. Never one starting with
 * `-`: the storage tool would read `--cluster-id -abc...` as an option and fail (Kafka's own
 * generator skips those too); one start in 64 used to fail that way.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface ServerConfig {
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
}

/** server.properties for one combined broker+controller node on 127.0.0.1. */
export function renderServerProperties({
  brokerPort,
  controllerPort,
  dataDir,
}: ServerConfig): string {
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    ...SINGLE_NODE_SETTINGS,
  };
  return renderProperties(settings);
}

/** log4j2 configuration sending everything to one file. */
export function renderLog4j2Properties(logFile: string): string {
  return renderProperties({
    status: 'warn',
    'appender.file.type': 'File',
    'appender.file.name': 'file',
    'appender.file.fileName': logFile,
    'appender.file.layout.type': 'PatternLayout',
    'appender.file.layout.pattern': '[%d] %p %m (%c)%n',
    'rootLogger.level': 'INFO',
    'rootLogger.appenderRef.file.ref': 'file',
  });
}

export interface JvmOptions {
  libsDir: string;
  log4jConfig: string;
  maxHeap: string;
}

/** `java` arguments running `mainClass` from the cached jars. */
export function jvmArgs(
  { libsDir, log4jConfig, maxHeap }: JvmOptions,
  mainClass: string,
  args: string[],
): string[] {
  return [
    `-Xmx${maxHeap}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    '-cp',
    // The JVM, not a shell, expands this wildcard.
    `${libsDir}/*`,
    mainClass,
    ...args,
  ];
}

function renderProperties(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}\n`)
    .join('');
}
