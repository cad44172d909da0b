import { rmSync, writeFileSync } from 'node:fs';
import { ENV } from './defaults';

export interface BrokerAddresses {
  kafkaBrokers: string[];
  rabbitmqUrl: string;
}

/** `export NAME=value` lines a shell can source; brokers not resolved are left out. */
export function renderEnvLines({ kafkaBrokers, rabbitmqUrl }: BrokerAddresses): string[] {
  const lines: string[] = [];
  if (kafkaBrokers.length > 0) {
    lines.push(`export ${ENV.kafkaBrokers}=${shellQuote(kafkaBrokers.join(','))}`);
  }
  if (rabbitmqUrl) lines.push(`export ${ENV.rabbitmqUrl}=${shellQuote(rabbitmqUrl)}`);
  return lines;
}

export function writeEnvFile(file: string, lines: string[]): void {
  writeFileSync(file, `${lines.join('\n')}\n`);
}

export function removeEnvFile(file: string): void {
  rmSync(file, { force: true });
}

export function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
