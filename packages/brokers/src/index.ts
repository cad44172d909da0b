export { DEFAULT_IMAGES, DEFAULT_KAFKA_VERSION, ENV } from './defaults';
export { resolveBrokers } from './resolve';
export type { Brokers, Origin, ResolveOptions } from './types';
export { withBrokers } from './with-brokers';
