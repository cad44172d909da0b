// Compile-time checks, run as a test: consumeBatch accepts the channels of
// both amqplib majors, promise and callback API, and hands the handler the
// library's own message type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as Amqp010 from 'amqplib';
import type * as Amqp010Callback from 'amqplib/callback_api';
import type * as Amqp2 from 'amqplib-current';
import type * as Amqp2Callback from 'amqplib-current/callback_api';
import { consumeBatch } from './consume-batch';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(value: T) => value;

function typeChecks(
  promise010: Amqp010.Channel,
  callback010: Amqp010Callback.Channel,
  promise2: Amqp2.Channel,
  callback2: Amqp2Callback.Channel,
) {
  consumeBatch(promise010, 'q', {}, (messages) => {
    expectType<Equal<typeof messages, Amqp010.ConsumeMessage[]>>(true);
  });
  consumeBatch(callback010, 'q', { requeue: (_error, messages) => messages.length > 0 }, () => {});
  consumeBatch(promise2, 'q', {}, (messages) => {
    expectType<Equal<typeof messages, Amqp2.ConsumeMessage[]>>(true);
  });
  consumeBatch(callback2, 'q', { maxMessages: 10 }, () => {});
}

describe('consumeBatch types', () => {
  it('accept amqplib 0.10 and 2.x channels of both APIs (checked by the compiler)', () => {
    assert.equal(typeof typeChecks, 'function');
  });
});
