// Small SVG charts for the console's dashboards, with no dependencies:
// a line chart (counters by day) and a grouped bar chart (counters by
// treatment or campaign). Each chart is a <figure> holding
//   - the SVG, role="img" with an aria-label that says what it shows in a
//     sentence (totals and the peak), axes with labels, a legend, and a
//     <title> on every point and bar (the browser's tooltip);
//   - a <details> with the same numbers as a table, for screen readers,
//     keyboards and copying.
// Colours are SVG presentation attributes, not style attributes, so the
// console's Content-Security-Policy (style-src 'self') allows them; the
// classes (chart-series-N) let console CSS restyle them.

const SVG = 'http://www.w3.org/2000/svg';

/** Colours for series, in order: distinct, ≥ 3:1 against white. */
export const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2'];
/** Line dashes for series, in order, so that lines that overlap (equal values) all stay visible, and colour is not the only cue. */
const DASHES = [null, '7 5', '2 4', '10 3 2 3', '4 2', '1 3'];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

function html(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

const plain = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '–');

/**
 * A "nice" upper bound and tick step for values up to max: 1, 2 or 5
 * times a power of ten, about `ticks` steps.
 */
export function niceScale(max, ticks = 4) {
  if (!(max > 0)) return { max: ticks, step: 1 };
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) || 10 * pow;
  // Whole counters want whole ticks.
  const s = max >= 1 && step < 1 ? 1 : step;
  return { max: Math.ceil(max / s) * s, step: s };
}

const M = { top: 16, right: 32, bottom: 40, left: 52 };

function frame(W, height, yMax, yStep, yFormat) {
  const plotW = W - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const y = (v) => M.top + plotH - (v / yMax) * plotH;
  const grid = svg('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const yy = y(v);
    grid.append(
      svg('line', { x1: M.left, x2: W - M.right, y1: yy, y2: yy, stroke: v === 0 ? '#6b7280' : '#e5e7eb', 'stroke-width': 1 }),
      svg('text', { x: M.left - 8, y: yy + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#4b5563' }, yFormat(v)),
    );
  }
  return { plotW, plotH, y, grid };
}

function legend(series, x0, y0, lines = false) {
  const g = svg('g', { class: 'chart-legend', 'aria-hidden': 'true' });
  let x = x0;
  series.forEach((s, i) => {
    const color = s.color || PALETTE[i % PALETTE.length];
    const sample = lines
      ? svg('line', { x1: x, x2: x + 22, y1: y0 - 3, y2: y0 - 3, stroke: color, 'stroke-width': 2.5, 'stroke-dasharray': DASHES[i % DASHES.length], class: `chart-series-${i}` })
      : svg('rect', { x, y: y0 - 9, width: 12, height: 12, rx: 2, fill: color, class: `chart-series-${i}` });
    const w = lines ? 28 : 16;
    g.append(sample, svg('text', { x: x + w, y: y0 + 1, 'font-size': 12, fill: '#374151' }, s.name));
    x += w + Math.max(40, s.name.length * 7) + 16;
  });
  return g;
}

function dataTable(caption, headLabel, labels, series, format) {
  return html(
    'details',
    { class: 'chart-data' },
    html('summary', { text: 'Show the numbers as a table' }),
    html(
      'table',
      { class: 'table chart-table' },
      html('caption', { text: caption }),
      html('thead', {}, html('tr', {}, html('th', { scope: 'col', text: headLabel }), series.map((s) => html('th', { scope: 'col', text: s.name })))),
      html(
        'tbody',
        {},
        labels.map((l, i) => html('tr', {}, html('th', { scope: 'row', text: l }), series.map((s) => html('td', { text: format(s.values[i] ?? 0) })))),
      ),
    ),
  );
}

function summarize(title, labels, series, format, unitLabel) {
  if (!labels.length) return `${title}: no data.`;
  const parts = series.map((s) => {
    const total = s.values.reduce((a, b) => a + (b || 0), 0);
    let peak = 0;
    s.values.forEach((v, i) => {
      if ((v || 0) > (s.values[peak] || 0)) peak = i;
    });
    const peakText = total > 0 ? `, highest ${format(s.values[peak])} on ${labels[peak]}` : '';
    return `${s.name} total ${format(total)}${peakText}`;
  });
  return `${title}, ${labels.length} ${unitLabel} from ${labels[0]} to ${labels[labels.length - 1]}: ${parts.join('; ')}.`;
}

/**
 * A <figure> whose SVG is drawn at the width its container really has (so
 * text stays 12 px whatever the screen), redrawn when that width changes.
 */
function figure(title, label, draw, table) {
  const holder = html('div', { class: 'chart-holder' });
  let drawn = 0;
  const paint = (w) => {
    const width = Math.max(320, Math.round(w / 8) * 8);
    if (width === drawn) return;
    drawn = width;
    const el = draw(width);
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.setAttribute('width', String(width));
    holder.replaceChildren(el);
  };
  paint(640);
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver((entries) => {
      const w = entries[0].contentRect.width;
      if (w > 0) paint(w);
    }).observe(holder);
  }
  return html('figure', { class: 'chart-figure' }, html('figcaption', { class: 'chart-title', text: title }), holder, table);
}

/**
 * A line chart: one line per series over the same x labels (e.g. days).
 *   lineChart({ title, labels: ['Nov 20', …], series: [{ name, values: [n…] }],
 *               yFormat, height, unit: 'days' })
 */
export function lineChart({ title, labels, series, yFormat = plain, height = 240, unit = 'days', tableHead = 'Day' }) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0)));
  const { max: yMax, step } = niceScale(max);
  const n = labels.length;
  const draw = (W) => {
    const { plotW, y, grid } = frame(W, height, yMax, step, yFormat);
    const x = (i) => M.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
    const root = svg('svg', { class: 'chart chart-line', viewBox: `0 0 ${W} ${height + 24}`, height: height + 24 });
    root.append(grid);
    // x labels: as many as fit (about 64 px each), always the first and the last.
    const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 64))));
    const xAxis = svg('g', { class: 'chart-x', 'aria-hidden': 'true' });
    labels.forEach((l, i) => {
      const last = i === n - 1;
      if (!last && i % every !== 0) return;
      if (!last && i !== 0 && n - 1 - i < every * 0.75) return; // would crowd the last label
      xAxis.append(svg('text', { x: x(i), y: height - M.bottom + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#4b5563' }, l));
    });
    root.append(xAxis);
    const r = plotW / Math.max(1, n) < 14 ? 2.5 : 4;
    series.forEach((s, si) => {
      const color = s.color || PALETTE[si % PALETTE.length];
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v || 0).toFixed(1)}`).join(' ');
      const g = svg('g', { class: `chart-series chart-series-${si}` });
      g.append(svg('polyline', { points: pts, fill: 'none', stroke: color, 'stroke-width': 2.5, 'stroke-linejoin': 'round', 'stroke-dasharray': DASHES[si % DASHES.length] }));
      s.values.forEach((v, i) => {
        g.append(svg('circle', { cx: x(i), cy: y(v || 0), r, fill: '#fff', stroke: color, 'stroke-width': 2 }, svg('title', {}, `${s.name}, ${labels[i]}: ${yFormat(v || 0)}`)));
      });
      root.append(g);
    });
    root.append(legend(series, M.left, height + 12, true));
    return root;
  };
  return figure(title, summarize(title, labels, series, yFormat, unit), draw, dataTable(title, tableHead, labels, series, yFormat));
}

/**
 * A grouped bar chart: for each category (e.g. a treatment), one bar per
 * series (e.g. displayed, clicked).
 *   barChart({ title, categories: ['Control', 'B'], series: [{ name, values }], yFormat })
 */
export function barChart({ title, categories, series, yFormat = plain, height = 240, tableHead = '' }) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0)));
  const { max: yMax, step } = niceScale(max);
  const label = categories.length
    ? `${title}: ` + series.map((s) => `${s.name}: ` + categories.map((c, i) => `${c} ${yFormat(s.values[i] || 0)}`).join(', ')).join('; ') + '.'
    : `${title}: no data.`;
  const draw = (W) => {
    const { plotW, plotH, y, grid } = frame(W, height, yMax, step, yFormat);
    const root = svg('svg', { class: 'chart chart-bar', viewBox: `0 0 ${W} ${height + 24}`, height: height + 24 });
    root.append(grid);
    const groupW = plotW / Math.max(1, categories.length);
    const pad = Math.min(24, groupW * 0.2);
    const barW = Math.min(48, (groupW - 2 * pad) / Math.max(1, series.length));
    const used = barW * series.length;
    categories.forEach((c, ci) => {
      const gx = M.left + ci * groupW + (groupW - used) / 2;
      series.forEach((s, si) => {
        const v = s.values[ci] || 0;
        const top = y(v);
        const color = s.color || PALETTE[si % PALETTE.length];
        root.append(svg('rect', {
          class: `chart-bar-rect chart-series-${si}`, x: gx + si * barW + 1, y: top, width: Math.max(1, barW - 2), height: Math.max(0, M.top + plotH - top), rx: 2, fill: color,
        }, svg('title', {}, `${s.name}, ${c}: ${yFormat(v)}`)));
      });
      const maxChars = Math.max(6, Math.floor(groupW / 7));
      root.append(svg('text', { x: M.left + ci * groupW + groupW / 2, y: height - M.bottom + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#4b5563', 'aria-hidden': 'true' },
        c.length > maxChars ? c.slice(0, maxChars - 1) + '…' : c));
    });
    root.append(legend(series, M.left, height + 12));
    return root;
  };
  return figure(title, label, draw, dataTable(title, tableHead, categories, series, yFormat));
}

/** A short date label for an ISO day ("2026-11-20" → "Nov 20"). */
export function dayLabel(isoDay) {
  const d = new Date(isoDay + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return isoDay;
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
