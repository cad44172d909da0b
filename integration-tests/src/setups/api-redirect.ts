// Preloaded (`--require`) into a setup child to make a second, real copy of
// @opentelemetry/api: requests for it from fanin's own packages (and, with
// FANIN_API_REDIRECT=fanin+instrumentation, from @opentelemetry/instrumentation,
// which fanin's instrumentations extend) resolve to api 1.10.0, installed as
// the `otel-api-1-10` alias. Everything else, the SDK included, keeps the
// tree's 1.9.1: as in an application whose SDK nests an older API than the
// one fanin resolves.
import Module from 'node:module';
import { join, resolve, sep } from 'node:path';

const API = '@opentelemetry/api';
const SECOND_COPY = 'otel-api-1-10';
const repository = resolve(__dirname, '..', '..', '..');
const redirected = [
  join(repository, 'packages', 'core'),
  join(repository, 'packages', 'instrumentation-kafkajs'),
  join(repository, 'packages', 'instrumentation-amqplib'),
];
if (process.env.FANIN_API_REDIRECT === 'fanin+instrumentation') {
  redirected.push(join(repository, 'node_modules', '@opentelemetry', 'instrumentation'));
}
const roots = redirected.map((root) => `${root}${sep}`);

type ResolveFilename = (
  request: string,
  parent: { filename?: string } | undefined,
  ...rest: unknown[]
) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const resolveFilename = loader._resolveFilename;

loader._resolveFilename = function (request, parent, ...rest) {
  const from = parent?.filename;
  if (
    (request === API || request.startsWith(`${API}/`)) &&
    from !== undefined &&
    roots.some((root) => from.startsWith(root))
  ) {
    return require.resolve(SECOND_COPY + request.slice(API.length));
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
