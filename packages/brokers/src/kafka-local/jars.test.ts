import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPom } from './jars';

describe('renderPom', () => {
  it('depends on the Kafka server and a log4j2 backend', () => {
    const pom = renderPom('4.1.1');
    assert.match(pom, /<artifactId>kafka_2\.13<\/artifactId><version>4\.1\.1<\/version>/);
    assert.match(pom, /<artifactId>log4j-slf4j-impl<\/artifactId>/);
    assert.doesNotMatch(pom, /log4j-1\.2-api/);
  });

  it('bridges log4j 1 for Kafka 3.x', () => {
    assert.match(renderPom('3.9.1'), /<artifactId>log4j-1\.2-api<\/artifactId>/);
  });

  it('refuses versions that are not X.Y.Z', () => {
    assert.throws(() => renderPom('4.1</version>'), /not of the form X\.Y\.Z/);
  });
});
