import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Probe } from './types';

const DEFAULT_SOCKET = '/var/run/docker.sock';

type Endpoint = { socketPath: string } | { host: string; port: number; tls: boolean };

/** Where the Docker engine should be, from DOCKER_HOST or the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): Endpoint | string {
  const host = env.DOCKER_HOST?.trim();
  if (!host) {
    return existsSync(DEFAULT_SOCKET)
      ? { socketPath: DEFAULT_SOCKET }
      : `DOCKER_HOST unset and ${DEFAULT_SOCKET} missing`;
  }
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp?.[1] && tcp[2]) {
    return { host: tcp[1], port: Number(tcp[2]), tls: Boolean(env.DOCKER_TLS_VERIFY) };
  }
  return `DOCKER_HOST=${host} is not a unix:// or tcp://host:port address`;
}

/** Whether a Docker engine answers, without waiting long when there is none. */
export function pingDocker(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 1_500,
): Promise<Probe> {
  const endpoint = dockerEndpoint(env);
  if (typeof endpoint === 'string') return Promise.resolve({ ok: false, reason: endpoint });
  // A TLS engine would need its client certificates for /_ping; an open port is enough here.
  if ('tls' in endpoint && endpoint.tls) return tcpAnswers(endpoint.host, endpoint.port, timeoutMs);
  return new Promise((resolve) => {
    const req = request(
      { ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(
          res.statusCode === 200
            ? { ok: true }
            : { ok: false, reason: `/_ping answered ${res.statusCode}` },
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, reason: `Docker engine: ${error.message}` }));
    req.end();
  });
}

function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once('timeout', () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', (error) =>
      resolve({ ok: false, reason: `Docker engine: ${error.message}` }),
    );
  });
}
