/** An order event, as the upstream services produce it to `orders`. */
export interface Order {
  orderId: string;
  customer: string;
  amount: number;
  service: UpstreamService;
  createdAt: number;
}

/** One window's total for one customer, as the aggregator produces it to `order-totals`. */
export interface OrderTotal {
  customer: string;
  windowStart: number;
  windowEnd: number;
  orders: number;
  amount: number;
}

export const UPSTREAM_SERVICES = ['checkout', 'mobile-app', 'partner-api'] as const;
export type UpstreamService = (typeof UPSTREAM_SERVICES)[number];

export const encode = (value: Order | OrderTotal): Buffer => Buffer.from(JSON.stringify(value));

export function decode<T>(value: Buffer | null): T | undefined {
  if (value === null) return undefined;
  try {
    return JSON.parse(value.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The topics of one demo run; suffixed so runs against a reused broker never mix. */
export interface Topics {
  orders: string;
  totals: string;
}

export function topicsFor(runId: string): Topics {
  return { orders: `orders-${runId}`, totals: `order-totals-${runId}` };
}
