export * from './span-graph';
export * from './tracing';
export * from './fixtures';
