import { h, s } from '../dom.js';
import { levelOrder } from '../format.js';
import { name, t } from '../i18n.js';

// The community drawn from the registry's own coordinates (WGS-84 of cells, spots and devices): no map tiles,
// so it works offline and shows exactly what the registry knows. Positions are projected equirectangularly,
// which is exact enough over a community's few hundred metres.

const WIDTH = 640;
const HEIGHT = 420;
const PAD = 40;
const CELL_RADIUS = { Community: 0, Compound: 46, Building: 14, Unit: 5 };

function projector(points) {
  const lats = points.map(p => p.lat);
  const lons = points.map(p => p.lon);
  const minLat = Math.min(...lats), maxLat = Math.max(...lats);
  const minLon = Math.min(...lons), maxLon = Math.max(...lons);
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const spanX = Math.max((maxLon - minLon) * kx, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const offsetX = (WIDTH - spanX * scale) / 2;
  const offsetY = (HEIGHT - spanY * scale) / 2;
  return (lat, lon) => [offsetX + (lon - minLon) * kx * scale, HEIGHT - offsetY - (lat - minLat) * scale];
}

/**
 * cells: grid cells; spots: SpotView[]; devices: DeviceView[]; alerts: open alerts; highlightCell: a cell to
 * point at (the guard's "way there"). Each marker carries its meaning in text (label and <title>), not colour alone.
 */
export function sitePlan({ cells = [], spots = [], devices = [], alerts = [], shelters = [], highlightCell = null }) {
  const located = [
    ...cells.filter(c => c.lat != null && c.lon != null).map(c => ({ lat: c.lat, lon: c.lon })),
    ...spots.map(v => ({ lat: v.spot.lat, lon: v.spot.lon })),
    ...devices.filter(d => d.lat != null && d.lon != null).map(d => ({ lat: d.lat, lon: d.lon })),
  ];
  if (!located.length) return h('p', { class: 'empty' }, '—');
  const at = projector(located);
  const cellById = new Map(cells.map(c => [c.id, c]));
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'site-plan', role: 'img', 'aria-label': t('sitePlan'), 'data-testid': 'site-plan' },
    s('title', {}, t('sitePlan')));

  for (const cell of [...cells].sort((a, b) => (CELL_RADIUS[b.level] ?? 0) - (CELL_RADIUS[a.level] ?? 0))) {
    if (cell.lat == null || cell.lon == null || cell.level === 'Community') continue;
    const [x, y] = at(cell.lat, cell.lon);
    const r = CELL_RADIUS[cell.level] ?? 6;
    svg.append(s('g', { class: 'cell cell-' + cell.level.toLowerCase() + (cell.id === highlightCell ? ' cell-highlight' : ''), 'data-cell': cell.id },
      s('title', {}, name(cell.name)),
      s('circle', { cx: x, cy: y, r }),
      cell.level !== 'Unit' ? s('text', { x, y: y - r - 3, 'text-anchor': 'middle' }, name(cell.name)) : null));
  }

  for (const device of devices) {
    if (device.lat == null || device.lon == null) continue;
    const [x, y] = at(device.lat, device.lon);
    svg.append(s('g', { class: 'device ' + (device.online ? 'device-online' : 'device-offline') },
      s('title', {}, `${name(device.name)} — ${device.online ? t('online') : t('offline')}`),
      s('rect', { x: x - 3, y: y - 3, width: 6, height: 6 })));
  }

  for (const view of spots) {
    const [x, y] = at(view.spot.lat, view.spot.lon);
    const risk = view.risk ?? 'none';
    svg.append(s('g', { class: 'spot risk-' + risk, 'data-spot': view.spot.id },
      s('title', {}, `${name(view.spot.name)} — ${t('risk')}: ${t('level_' + risk)}`),
      s('path', { d: `M${x},${y - 11} C${x + 8},${y - 1} ${x + 7},${y + 7} ${x},${y + 7} C${x - 7},${y + 7} ${x - 8},${y - 1} ${x},${y - 11} Z` }),
      s('text', { x: x + 10, y: y + 4 }, `${name(view.spot.name)} · ${t('level_' + risk)}`)));
  }

  for (const shelter of shelters) {
    if (shelter.lat == null || shelter.lon == null) continue;
    const [x, y] = at(shelter.lat, shelter.lon);
    svg.append(s('g', { class: 'shelter' }, s('title', {}, name(shelter.name)),
      s('path', { d: `M${x - 9},${y + 6} L${x},${y - 8} L${x + 9},${y + 6} Z` }),
      s('text', { x: x + 11, y: y + 14 }, name(shelter.name))));
  }

  // One marker per cell with alerts: the highest level, its name in text, and how many.
  const byCell = new Map();
  for (const alert of alerts) {
    const lat = alert.area?.lat ?? cellById.get(alert.cellId)?.lat;
    const lon = alert.area?.lon ?? cellById.get(alert.cellId)?.lon;
    if (lat == null || lon == null) continue;
    const key = alert.cellId ?? `${lat},${lon}`;
    const entry = byCell.get(key) ?? { key, lat, lon, level: alert.level, count: 0 };
    if (levelOrder(alert.level) > levelOrder(entry.level)) entry.level = alert.level;
    entry.count++;
    byCell.set(key, entry);
  }
  for (const entry of byCell.values()) {
    const [x, y] = at(entry.lat, entry.lon);
    svg.append(s('g', { class: 'alert-marker level-' + entry.level, 'data-testid': 'plan-alert', 'data-cell': entry.key, 'data-level': entry.level },
      s('title', {}, `${t('level_' + entry.level)} ×${entry.count}`),
      s('circle', { cx: x, cy: y, r: 20 }),
      s('text', { x: x - 20, y: y + 32 }, `${t('level_' + entry.level)} ×${entry.count}`)));
  }

  if (highlightCell && cellById.get(highlightCell)?.lat != null) {
    const cell = cellById.get(highlightCell);
    const [x, y] = at(cell.lat, cell.lon);
    svg.append(s('g', { class: 'target' }, s('path', { d: `M${x},${y} l-8,-18 a8,8 0 1,1 16,0 z` })));
  }

  return h('figure', { class: 'plan' }, svg,
    h('figcaption', {}, t('planLegend')));
}
