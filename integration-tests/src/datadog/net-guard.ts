// Preloaded (`node --require`) into the dd-trace child processes: every TCP
// connection and UDP datagram to an address outside the loopback range is
// refused, and reported on stderr, so a test can prove dd-trace talked to
// nothing but the fake agent and receiver on 127.0.0.1.
import dgram from 'node:dgram';
import net from 'node:net';
import { BLOCKED_MARKER } from './net-guard-marker';

function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node's default is localhost
  return (
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

function report(what: string): void {
  process.stderr.write(`${BLOCKED_MARKER} ${what}\n`);
}

type ConnectArgs = Parameters<net.Socket['connect']>;

/** Host and port of a `socket.connect(...)` call; a path is a local (Unix) socket. */
function connectTarget(args: unknown[]): { host?: string; port?: unknown; path?: string } {
  const [first, second] = args;
  if (Array.isArray(first)) return connectTarget(first); // Node's internal normalized form
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: unknown; path?: string };
    return { host: options.host, port: options.port, path: options.path };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { port: first, host: typeof second === 'string' ? second : undefined };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(
  this: net.Socket,
  ...args: ConnectArgs
): net.Socket {
  const target = connectTarget(args);
  if (target.path === undefined && !isLoopback(target.host)) {
    report(`tcp ${String(target.host)}:${String(target.port)}`);
    process.nextTick(() => this.destroy(new Error(`net-guard: ${String(target.host)} refused`)));
    return this;
  }
  return originalConnect.apply(this, args) as net.Socket;
} as net.Socket['connect'];

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]): void {
  // send(msg, [offset, length,] port, [address], [callback])
  const portIndex = typeof args[1] === 'number' && typeof args[2] === 'number' ? 3 : 1;
  const address = args[portIndex + 1];
  if (typeof address === 'string' && !isLoopback(address)) {
    report(`udp ${address}:${String(args[portIndex])}`);
    return;
  }
  (originalSend as (...a: unknown[]) => void).apply(this, args);
} as dgram.Socket['send'];
