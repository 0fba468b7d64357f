import { api } from '../api.js';
import { h, s, fill } from '../dom.js';
import { addTexts, name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { outcome } from './common.js';

// Zones and counting lines drawn on the camera's current picture (the gateway's snapshot). Points are kept as
// fractions of the picture (0–1), as the gateway stores them, so a drawing survives a change of resolution. The
// analysis restarts with what is saved (PUT /api/video/cameras/{id}/regions).
addTexts({
  regions: ['区域与计数线', 'Zones and lines'],
  regionsOf: ['{name}：区域与计数线', '{name}: zones and counting lines'],
  drawZone: ['画区域', 'Draw a zone'],
  drawLine: ['画计数线', 'Draw a counting line'],
  finishZone: ['完成区域', 'Finish the zone'],
  stopDrawing: ['取消绘制', 'Stop drawing'],
  hintZone: ['在画面上依次点击区域的各个角（至少三个），然后点“完成区域”。', 'Click the zone\'s corners on the picture (three or more), then “Finish the zone”.'],
  hintLine: ['依次点击计数线的起点、终点，再点击计为“进入”的一侧。', 'Click where the line starts, where it ends, then the side that counts as “in”.'],
  hintIdle: ['选择“画区域”或“画计数线”后在画面上点击。', 'Choose “Draw a zone” or “Draw a counting line”, then click on the picture.'],
  noPicture: ['暂无画面（摄像机尚未送出图像）；仍可按比例绘制。', 'No picture yet (the camera has not sent one); you can still draw to scale.'],
  'zoneKind_danger-water': ['危险水域（溺水风险）', 'Danger water (drowning risk)'],
  zoneKind_general: ['一般区域', 'General area'],
  zoneNumbered: ['区域 {n}', 'Zone {n}'],
  lineNumbered: ['计数线 {n}', 'Line {n}'],
  motionOnly: ['计所有运动（不识别行人）', 'Count all motion (no person detection)'],
  zonesHeading: ['区域', 'Zones'],
  linesHeading: ['计数线', 'Counting lines'],
  noneYet: ['暂无', 'None yet'],
  close: ['关闭', 'Close'],
  confirmRemoveRegions: ['保存后将删除：{names}。其事件和计数随之停止。', 'Saving removes: {names}. Their events and counts stop.'],
});

const SIZE = 1000; // The SVG's own units: fractions × 1000, stretched over the picture.
const at = p => `${p.x * SIZE},${p.y * SIZE}`;
const newId = (prefix, n) => `${prefix}-${Date.now().toString(36)}-${n}`;
const copy = value => JSON.parse(JSON.stringify(value ?? []));

export function regionsEditor(camera, { onClose }) {
  const zones = copy(camera.zones);
  const lines = copy(camera.lines);
  let mode = null;
  let draft = [];
  const status = h('p', { role: 'status', 'data-testid': 'regions-status' });
  const hint = h('p', { class: 'hint', 'data-testid': 'regions-hint' });
  const picture = h('img', { alt: '', src: `/api/video/cameras/${encodeURIComponent(camera.id)}/snapshot?t=${Date.now()}`, 'data-testid': 'regions-picture' });
  const missing = h('p', { class: 'no-snapshot', hidden: true }, t('noPicture'));
  const stage = h('div', { class: 'regions-stage' });
  // The picture sets the stage's shape; without one, 16:9 (the usual camera) so a drawing is still to scale.
  picture.addEventListener('load', () => { stage.style.aspectRatio = `${picture.naturalWidth} / ${picture.naturalHeight}`; });
  picture.addEventListener('error', () => { picture.hidden = true; missing.hidden = false; });
  const svg = s('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, preserveAspectRatio: 'none', class: 'regions-drawing', 'data-testid': 'regions-canvas' });
  const list = h('div', { class: 'regions-list' });
  const finish = h('button', { type: 'button', 'data-testid': 'regions-finish', disabled: true, onclick: () => finishZone() }, t('finishZone'));
  const stop = h('button', { type: 'button', onclick: () => setMode(null) }, t('stopDrawing'));

  svg.addEventListener('click', event => {
    if (!mode) return;
    const box = svg.getBoundingClientRect();
    const clamp = v => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    draft.push({ x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) });
    if (mode === 'line' && draft.length === 3) {
      const [a, b, inSide] = draft;
      lines.push({ id: newId('line', lines.length + 1), name: t('lineNumbered', { n: lines.length + 1 }), a, b, inSide, motionOnly: false });
      setMode(null);
      return;
    }
    draw();
  });

  function setMode(value) { mode = value; draft = []; draw(); }

  function finishZone() {
    if (draft.length < 3) return;
    zones.push({ id: newId('zone', zones.length + 1), name: t('zoneNumbered', { n: zones.length + 1 }), kind: 'danger-water', polygon: draft });
    setMode(null);
  }

  function draw() {
    fill(svg,
      zones.map(z => s('polygon', { class: `region-zone kind-${z.kind}`, points: z.polygon.map(at).join(' ') })),
      lines.map(l => s('g', { class: 'region-line' },
        s('line', { x1: l.a.x * SIZE, y1: l.a.y * SIZE, x2: l.b.x * SIZE, y2: l.b.y * SIZE }),
        s('line', { class: 'in-side', x1: (l.a.x + l.b.x) * SIZE / 2, y1: (l.a.y + l.b.y) * SIZE / 2, x2: l.inSide.x * SIZE, y2: l.inSide.y * SIZE }))),
      draft.length ? s('polyline', { class: 'region-draft', points: draft.map(at).join(' ') }) : null,
      draft.map(p => s('circle', { class: 'region-draft', cx: p.x * SIZE, cy: p.y * SIZE, r: 6 })));
    finish.disabled = !(mode === 'zone' && draft.length >= 3);
    finish.hidden = mode !== 'zone';
    stop.hidden = !mode;
    svg.classList.toggle('drawing', !!mode);
    fill(hint, t(mode === 'zone' ? 'hintZone' : mode === 'line' ? 'hintLine' : 'hintIdle'));
    listRegions();
  }

  function listRegions() {
    const named = item => h('input', { value: item.name ?? '', maxlength: 100, required: true, 'aria-label': t('colName'), 'data-testid': 'region-name',
      oninput: event => { item.name = event.target.value; } });
    const remove = (items, item) => h('button', { type: 'button', class: 'danger', 'data-testid': 'region-remove', onclick: () => { items.splice(items.indexOf(item), 1); draw(); } }, t('remove'));
    fill(list,
      h('h4', {}, t('zonesHeading')),
      zones.length ? h('ul', {}, zones.map(z => h('li', { 'data-testid': 'region-zone', 'data-id': z.id }, named(z),
        h('select', { 'aria-label': t('colKind'), onchange: event => { z.kind = event.target.value; draw(); } },
          ['danger-water', 'general'].map(kind => h('option', { value: kind, selected: z.kind === kind }, t('zoneKind_' + kind)))),
        remove(zones, z)))) : h('p', {}, t('noneYet')),
      h('h4', {}, t('linesHeading')),
      lines.length ? h('ul', {}, lines.map(l => h('li', { 'data-testid': 'region-line', 'data-id': l.id }, named(l),
        h('label', {}, h('input', { type: 'checkbox', checked: !!l.motionOnly, onchange: event => { l.motionOnly = event.target.checked; } }), t('motionOnly')),
        remove(lines, l)))) : h('p', {}, t('noneYet')));
  }

  async function save() {
    // Removing what the camera had stops its events: say which, and go on only when confirmed.
    const kept = new Set([...zones, ...lines].map(r => r.id));
    const removed = [...(camera.zones ?? []), ...(camera.lines ?? [])].filter(r => !kept.has(r.id));
    if (removed.length && !await confirmAction(t('confirmRemoveRegions', { names: removed.map(r => name(r.name ?? r.id)).join('、') }))) return;
    const trimmed = item => ({ ...item, name: item.name?.trim() || null });
    try {
      const saved = await api(`/api/video/cameras/${encodeURIComponent(camera.id)}/regions`, { method: 'PUT', body: { zones: zones.map(trimmed), lines: lines.map(trimmed) } });
      camera.zones = saved.zones;
      camera.lines = saved.lines;
      outcome(status, null, null, t('saved'));
    } catch (error) { outcome(status, null, error); }
  }

  draw();
  return h('section', { class: 'regions-editor', 'data-testid': 'regions-editor' },
    h('h3', {}, t('regionsOf', { name: name(camera.name) })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-testid': 'regions-draw-zone', onclick: () => setMode('zone') }, t('drawZone')),
      h('button', { type: 'button', 'data-testid': 'regions-draw-line', onclick: () => setMode('line') }, t('drawLine')),
      finish, stop),
    hint,
    fill(stage, picture, svg),
    missing,
    list,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'regions-save', onclick: save }, t('save')),
      h('button', { type: 'button', 'data-testid': 'regions-close', onclick: onClose }, t('close'))),
    status);
}
