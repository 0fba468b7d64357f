import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';

// Level charts with uPlot (small, fast, canvas), loaded from /vendor only when a chart is drawn. Threshold lines
// are drawn as series of their own and named in the legend, so they read without colour.
let uPlotModule;
async function loadUPlot() {
  if (!uPlotModule) {
    if (!document.querySelector('link[data-uplot]')) {
      document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css', 'data-uplot': '' }));
    }
    uPlotModule = import('/vendor/uplot/uPlot.esm.js').then(m => m.default);
  }
  return uPlotModule;
}

/** A chart of a station's level_m over the last hours, with the spot's thresholds. */
export function levelChart(view, hours = 6) {
  const box = h('div', { class: 'chart', 'data-testid': 'level-chart' }, t('loading'));
  const station = view.spot.devices?.levelStation;
  if (!station) { fill(box, '—'); return box; }
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600_000);
  const query = `/api/timeseries/water_level?field=level_m&agg=mean&device=${encodeURIComponent(station)}&from=${from.toISOString()}&to=${to.toISOString()}`;
  Promise.all([api(query), loadUPlot().catch(() => null)]).then(([series, UPlot]) => {
    if (!UPlot) { fill(box, t('chartUnavailable')); return; }
    const points = series.points ?? [];
    if (!points.length) { fill(box, t('chartNoData')); return; }
    // The whole window on the time axis (a few readings must not be stretched over years), the threshold lines
    // from edge to edge.
    const xs = [from.getTime() / 1000, ...points.map(p => new Date(p.t).getTime() / 1000), to.getTime() / 1000];
    const ys = [null, ...points.map(p => p.v), null];
    const flat = v => xs.map(() => v);
    const levels = view.spot.levels;
    fill(box);
    box.setAttribute('data-points', String(points.length));
    const width = Math.max(260, Math.min(560, box.clientWidth || 480));
    // uPlot shows times in the browser's zone by default, as everything else here.
    new UPlot({
      width,
      height: 180,
      title: `${t('level')} (m) · ${t('hours6')}`,
      series: [
        {},
        { label: t('level'), stroke: '#0b5cad', width: 2, spanGaps: true, points: { show: points.length < 60 } },
        { label: t('warning'), stroke: '#b08800', dash: [6, 4] },
        { label: t('danger'), stroke: '#c62828', dash: [2, 3] },
      ],
      scales: { x: { time: true, range: [xs[0], xs[xs.length - 1]] } },
      axes: [{}, { label: 'm' }],
    }, [xs, ys, flat(levels.warningM), flat(levels.dangerM)], box);
  }).catch(error => fill(box, t('loadFailed'), ': ', error.message));
  return box;
}
