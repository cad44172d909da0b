/**
 * Broker settings for a single-node test cluster, shared by the local launcher and the
 * container (where they become KAFKA_* environment variables).
 */
export const SINGLE_NODE_SETTINGS: Readonly<Record<string, string>> = {
  'auto.create.topics.enable': 'true',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'group.initial.rebalance.delay.ms': '0',
  'num.partitions': '1',
};

/** The apache/kafka image's spelling of a setting: `num.partitions` → `KAFKA_NUM_PARTITIONS`. */
export function imageEnvName(setting: string): string {
  return `KAFKA_${setting.toUpperCase().replaceAll('.', '_')}`;
}
