import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  baseTag,
  cacheKey,
  jrePackage,
  kafkaTag,
  rabbitmqTag,
  STAND_IN_DEBIAN_SUITES,
  stableJson,
  upstreamVersion,
} from './specs';

describe('stand-in image specs', () => {
  it('keys on the inputs, not on their order', () => {
    const key = cacheKey({ suite: 'bookworm', files: { a: '1', b: '2' } });
    assert.match(key, /^[0-9a-f]{12}$/);
    assert.equal(cacheKey({ files: { b: '2', a: '1' }, suite: 'bookworm' }), key);
    assert.notEqual(cacheKey({ suite: 'bookworm', files: { a: '1', b: '3' } }), key);
    assert.notEqual(cacheKey({ suite: 'trixie', files: { a: '1', b: '2' } }), key);
  });

  it('writes stable JSON, leaving out undefined members', () => {
    assert.equal(
      stableJson({ b: [1, { d: 1, c: 'x' }], a: undefined }),
      '{"b":[1,{"c":"x","d":1}]}',
    );
  });

  it('tags under localhost/, so no registry is ever asked for them', () => {
    assert.equal(baseTag('bookworm', 'k1'), 'localhost/fanin/debian:bookworm-k1');
    assert.equal(kafkaTag('4.1.1', 'k2'), 'localhost/fanin/kafka:4.1.1-k2');
    assert.equal(rabbitmqTag('trixie', 'k3'), 'localhost/fanin/rabbitmq:debian-trixie-k3');
  });

  it('reads the upstream version of a Debian package version', () => {
    assert.equal(upstreamVersion('3.10.8-1.1+deb12u1'), '3.10.8');
    assert.equal(upstreamVersion('1:25.2.3+dfsg-1+deb12u4'), '25.2.3+dfsg');
    assert.equal(upstreamVersion('4.0.5-6+deb13u2\n'), '4.0.5');
    assert.equal(upstreamVersion('1.0'), '1.0');
  });

  it('knows a JRE for every release it builds on', () => {
    for (const suite of STAND_IN_DEBIAN_SUITES)
      assert.match(jrePackage(suite), /^openjdk-\d+-jre-headless$/);
    assert.throws(() => jrePackage('hamm'), /no JRE package known/);
  });
});
