import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installTestTracing, testSpanId, testTraceparent } from '@fanin/test-utils';
import { collectLinks } from './links';
import type { MessageReader } from './message-reader';
import { ATTR_FANIN_LINK_MESSAGE_COUNT } from './semconv';

installTestTracing();

interface TestMessage {
  offset: number;
  headers?: unknown;
}

const reader: MessageReader<TestMessage> = {
  headers: (message) => message.headers,
  linkAttributes: (message) => ({ offset: message.offset }),
  spanAttributes: () => ({}),
};

const fromProducer = (producer: number, offset: number): TestMessage => ({
  offset,
  headers: { traceparent: Buffer.from(testTraceparent(producer)) },
});

describe('collectLinks', () => {
  it('links each distinct producer context once, with the first message attributes', () => {
    const messages = [
      fromProducer(1, 10),
      fromProducer(2, 11),
      fromProducer(1, 12),
      fromProducer(1, 13),
    ];
    const links = collectLinks(messages, reader);
    assert.equal(links.messageCount, 4);
    assert.equal(links.contextCount, 2);
    const [first, second] = links.links();
    assert.equal(first?.context.spanId, testSpanId(1));
    assert.deepEqual(first?.attributes, { offset: 10, [ATTR_FANIN_LINK_MESSAGE_COUNT]: 3 });
    assert.deepEqual(second?.attributes, { offset: 11, [ATTR_FANIN_LINK_MESSAGE_COUNT]: 1 });
  });

  it('counts messages without a context and with a malformed one, linking neither', () => {
    const messages: TestMessage[] = [
      { offset: 1 },
      { offset: 2, headers: {} },
      { offset: 3, headers: { traceparent: 'not-a-context' } },
      { offset: 4, headers: null },
      fromProducer(5, 5),
    ];
    const links = collectLinks(messages, reader);
    assert.equal(links.messageCount, 5);
    assert.equal(links.withoutContext, 3);
    assert.equal(links.invalidContext, 1);
    assert.equal(links.links().length, 1);
  });

  it('keeps going when reading a message or describing its link throws', () => {
    const hostile: Omit<MessageReader<TestMessage>, 'spanAttributes'> = {
      headers: (message) => {
        if (message.offset === 1) throw new Error('bad headers');
        return message.headers;
      },
      linkAttributes: () => {
        throw new Error('bad attributes');
      },
    };
    const links = collectLinks([fromProducer(1, 1), fromProducer(2, 2)], hostile);
    assert.equal(links.messageCount, 2);
    assert.equal(links.withoutContext, 1);
    assert.deepEqual(links.links()[0]?.attributes, { [ATTR_FANIN_LINK_MESSAGE_COUNT]: 1 });
  });

  it('keeps apart two producers of different traces that share a span id', () => {
    const sameSpan = (traceHex: string, offset: number): TestMessage => ({
      offset,
      headers: { traceparent: `00-${traceHex.repeat(32)}-${'b'.repeat(16)}-01` },
    });
    const links = collectLinks(
      [sameSpan('1', 1), sameSpan('2', 2), sameSpan('1', 3), sameSpan('2', 4)],
      reader,
    );
    assert.equal(links.contextCount, 2);
    assert.deepEqual(
      links
        .links()
        .map((link) => [
          link.context.traceId[0],
          link.attributes?.offset,
          link.attributes?.[ATTR_FANIN_LINK_MESSAGE_COUNT],
        ]),
      [
        ['1', 1, 2],
        ['2', 2, 2],
      ],
    );
  });

  it('handles 10,000 distinct producers', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => fromProducer(i, i));
    const links = collectLinks(messages, reader);
    assert.equal(links.contextCount, 10_000);
    assert.equal(new Set(links.links().map((link) => link.context.spanId)).size, 10_000);
  });
});
