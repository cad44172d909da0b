export * from './fixtures';
export * from './metrics';
export * from './span-graph';
export * from './tracing';
