import type { Sampler } from '@opentelemetry/sdk-trace-base';

type LinkAwareSamplerClass = new (delegate: Sampler) => Sampler;

/**
 * @fanin/core's `LinkAwareSampler` (`new LinkAwareSampler(delegate)`), when
 * the installed core exports one; undefined until it does.
 */
export function linkAwareSamplerClass(): LinkAwareSamplerClass | undefined {
  const core = require('@fanin/core') as Record<string, unknown>;
  const candidate = core.LinkAwareSampler;
  return typeof candidate === 'function' ? (candidate as LinkAwareSamplerClass) : undefined;
}

export const NO_LINK_AWARE_SAMPLER = '@fanin/core exports no LinkAwareSampler (yet)';
