import type { AggregatorConfig } from './aggregator';
import type { Topics } from './orders';

/** What an aggregator process of the group is started with (as JSON in its environment). */
export interface AggregatorProcessConfig extends Omit<AggregatorConfig, 'beforeCommit' | 'onEmit'> {
  kafkaBrokers: string[];
  topics: Topics;
}

export const AGGREGATOR_CONFIG_ENV = 'FANIN_DEMO_AGGREGATOR';
