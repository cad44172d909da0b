export * from './fixtures';
export * from './span-graph';
export * from './tracing';
