import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { contextKey, reachableLinks } from '@fanin/test-utils';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AGGREGATE_SPAN_NAME, ATTR_AGGREGATOR_PID } from './aggregator';
import { ATTR_APP_SERVICE } from './upstream';

/** One link of an aggregate, as the page draws it. */
interface LinkView {
  traceId: string;
  service: string;
  partition: string;
  offset: string;
  /** Linked from more than one committed aggregate. */
  duplicate: boolean;
}

/** One aggregate span, as the page draws it. */
export interface AggregateView {
  spanId: string;
  traceId: string;
  customer: string;
  window: string;
  orders: number;
  partition: string;
  offsets: string;
  pid: string;
  committed: boolean;
  links: LinkView[];
  send: string | undefined;
  downstream: { name: string; sameTrace: boolean } | undefined;
}

export interface GraphPage {
  title: string;
  /** The verdict's lines, printed at the top. */
  summary: string[];
  spans: readonly ReadableSpan[];
  /** The aggregates whose result was committed; the others are drawn as not committed. */
  committed: readonly ReadableSpan[];
}

const SERVICE_COLOURS: Record<string, string> = {
  checkout: '#2563eb',
  'mobile-app': '#16a34a',
  'partner-api': '#d97706',
};

const escapeHtml = (text: unknown) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The aggregates of a run with their links, result and downstream continuation. */
export function aggregateViews(
  spans: readonly ReadableSpan[],
  committed: readonly ReadableSpan[],
): AggregateView[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const producers = new Map(
    spans.filter((s) => s.kind === SpanKind.PRODUCER).map((s) => [contextKey(s.spanContext()), s]),
  );
  const committedIds = new Set(committed.map((span) => span.spanContext().spanId));
  const linkCount = new Map<string, number>();
  for (const aggregate of committed)
    for (const key of new Set(reachableLinks(aggregate, spans)))
      linkCount.set(key, (linkCount.get(key) ?? 0) + 1);
  const childOf = (parent: ReadableSpan, kind?: SpanKind) =>
    spans.find(
      (span) =>
        span.parentSpanContext?.spanId === parent.spanContext().spanId &&
        (kind === undefined || span.kind === kind),
    );
  return spans
    .filter((span) => span.name === AGGREGATE_SPAN_NAME)
    .map((aggregate) => {
      const a = aggregate.attributes;
      const spill = spans.filter(
        (s) =>
          s.parentSpanContext?.spanId === aggregate.spanContext().spanId &&
          s.name === `${aggregate.name} links`,
      );
      const links = [aggregate, ...spill].flatMap((span) =>
        span.links.map((link): LinkView => {
          const key = contextKey(link.context);
          const request = byId.get(producers.get(key)?.parentSpanContext?.spanId ?? '');
          return {
            traceId: link.context.traceId,
            service: String(request?.attributes[ATTR_APP_SERVICE] ?? '?'),
            partition: String(link.attributes?.['messaging.destination.partition.id'] ?? ''),
            offset: String(link.attributes?.['messaging.kafka.offset'] ?? ''),
            duplicate: (linkCount.get(key) ?? 0) > 1,
          };
        }),
      );
      const send = childOf(aggregate, SpanKind.PRODUCER);
      const downstream = send && childOf(send);
      return {
        spanId: aggregate.spanContext().spanId,
        traceId: aggregate.spanContext().traceId,
        customer: String(a['app.customer'] ?? ''),
        window: String(a['app.window.start'] ?? ''),
        orders: Number(a['app.window.orders'] ?? 0),
        partition: String(a['messaging.destination.partition.id'] ?? ''),
        offsets: String(a['app.window.offsets'] ?? ''),
        pid: String(a[ATTR_AGGREGATOR_PID] ?? ''),
        committed: committedIds.has(aggregate.spanContext().spanId),
        links,
        send: send?.name,
        downstream: downstream && {
          name: downstream.name,
          sameTrace: downstream.spanContext().traceId === aggregate.spanContext().traceId,
        },
      };
    })
    .sort((x, y) => x.window.localeCompare(y.window) || x.customer.localeCompare(y.customer));
}

const DOTS_PER_COLUMN = 24;

/** One aggregate's fan-in as an inline SVG: order dots → aggregate → result → downstream. */
function drawCard(view: AggregateView): string {
  const columns = Math.max(1, Math.ceil(view.links.length / DOTS_PER_COLUMN));
  const rows = Math.min(DOTS_PER_COLUMN, Math.max(1, view.links.length));
  const height = Math.max(90, rows * 8 + 20);
  const hubX = 40 + columns * 9 + 60;
  const hubY = height / 2;
  const dots = view.links.map((link, index) => {
    const x = 12 + Math.floor(index / DOTS_PER_COLUMN) * 9;
    const y = 14 + (index % DOTS_PER_COLUMN) * 8;
    const colour = SERVICE_COLOURS[link.service] ?? '#6b7280';
    const title = `${link.service} · trace ${link.traceId} · partition ${link.partition} offset ${link.offset}${link.duplicate ? ' · DUPLICATE' : ''}`;
    return (
      `<line x1="${x}" y1="${y}" x2="${hubX - 14}" y2="${hubY}" class="link${link.duplicate ? ' dup' : ''}"/>` +
      `<circle cx="${x}" cy="${y}" r="3" fill="${colour}" class="order${link.duplicate ? ' dup' : ''}" data-trace="${escapeHtml(link.traceId)}"><title>${escapeHtml(title)}</title></circle>`
    );
  });
  const sendX = hubX + 90;
  const downX = sendX + 90;
  const downstream = view.downstream
    ? `<line x1="${sendX + 8}" y1="${hubY}" x2="${downX - 8}" y2="${hubY}" class="flow"/>` +
      `<circle cx="${downX}" cy="${hubY}" r="8" class="${view.downstream.sameTrace ? 'ok' : 'bad'}"><title>${escapeHtml(view.downstream.name)} (downstream)${view.downstream.sameTrace ? ', same trace' : ', OTHER trace'}</title></circle>` +
      `<text x="${downX}" y="${hubY + 22}" class="label">downstream</text>`
    : `<text x="${downX}" y="${hubY + 4}" class="label">not consumed</text>`;
  const svg =
    `<svg width="${downX + 50}" height="${height}" viewBox="0 0 ${downX + 50} ${height}" role="img">` +
    dots.join('') +
    `<rect x="${hubX - 14}" y="${hubY - 12}" width="28" height="24" rx="5" class="hub"><title>${escapeHtml(AGGREGATE_SPAN_NAME)} ${escapeHtml(view.spanId)}</title></rect>` +
    `<text x="${hubX}" y="${hubY + 28}" class="label">aggregate</text>` +
    (view.send
      ? `<line x1="${hubX + 14}" y1="${hubY}" x2="${sendX - 8}" y2="${hubY}" class="flow"/>` +
        `<circle cx="${sendX}" cy="${hubY}" r="8" class="send"><title>${escapeHtml(view.send)}</title></circle>` +
        `<text x="${sendX}" y="${hubY + 22}" class="label">result</text>` +
        downstream
      : '') +
    '</svg>';
  const status = view.committed ? 'committed' : 'not committed (aborted or lost)';
  return (
    `<section class="card${view.committed ? '' : ' aborted'}" id="aggregate-${escapeHtml(view.spanId)}" data-span-id="${escapeHtml(view.spanId)}">` +
    `<h2>${escapeHtml(view.customer)} <small>window ${escapeHtml(view.window.slice(11, 19))} · ${view.orders} orders · ${view.links.length} links</small></h2>` +
    `<p class="meta">span ${escapeHtml(view.spanId)} · trace ${escapeHtml(view.traceId)} · partition ${escapeHtml(view.partition)} offsets ${escapeHtml(view.offsets)} · pid ${escapeHtml(view.pid)} · ${status}</p>` +
    svg +
    '</section>'
  );
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111;background:#fafafa}
h1{font-size:20px;margin:0 0 8px}pre{background:#fff;border:1px solid #ddd;padding:8px;white-space:pre-wrap}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:middle}
.grid{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 12px}
.card.aborted{opacity:.45;border-style:dashed}.card h2{font-size:15px;margin:0}.card small{color:#555;font-weight:normal}
.meta{font-size:11px;color:#666;margin:2px 0 6px;font-family:ui-monospace,monospace}
.link{stroke:#9ca3af;stroke-width:.6}.link.dup{stroke:#dc2626;stroke-width:1.2}
.order.dup{stroke:#dc2626;stroke-width:1.5}.order.hl{r:5;stroke:#111;stroke-width:2}
.hub{fill:#7c3aed}.send{fill:#0891b2}.ok{fill:#16a34a}.bad{fill:#dc2626}.flow{stroke:#555;stroke-width:2}
.label{font-size:10px;text-anchor:middle;fill:#444}input{margin:6px 0 12px;padding:4px;width:320px}
`;

// Click an order to see every aggregate linking it (duplicates in plain mode); filter cards by text.
const SCRIPT = `
document.addEventListener('click',function(e){var t=e.target;if(!t.classList||!t.classList.contains('order'))return;
var id=t.getAttribute('data-trace');document.querySelectorAll('.order').forEach(function(o){o.classList.toggle('hl',o.getAttribute('data-trace')===id)});});
document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();
document.querySelectorAll('.card').forEach(function(c){c.style.display=c.textContent.toLowerCase().indexOf(q)<0?'none':''})});
`;

/** A self-contained HTML page (inline CSS, SVG and script; nothing loaded from anywhere). */
export function renderGraphHtml(page: GraphPage): string {
  const views = aggregateViews(page.spans, page.committed);
  const legend = Object.entries(SERVICE_COLOURS)
    .map(
      ([service, colour]) =>
        `<span><i style="background:${colour}"></i>${escapeHtml(service)}</span>`,
    )
    .join('');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<pre>${page.summary.map(escapeHtml).join('\n')}</pre>`,
    `<p class="legend">${legend}<span><i style="background:#7c3aed"></i>aggregate span</span><span><i style="background:#0891b2"></i>result sent</span><span><i style="background:#16a34a"></i>downstream, same trace</span><span><i style="background:#dc2626"></i>duplicate link</span></p>`,
    `<p>${views.length} aggregate spans (${views.filter((v) => v.committed).length} committed). Hover an order for its trace, click it to find every aggregate linking it.</p>`,
    '<input id="filter" placeholder="filter: customer, pid, span id, partition…">',
    `<div class="grid">${views.map(drawCard).join('\n')}</div>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

/** Writes the page to `path` (its folder created); returns the path. */
export async function writeGraphHtml(path: string, page: GraphPage): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderGraphHtml(page));
  return path;
}
