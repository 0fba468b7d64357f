import { api } from '../api.js';
import { h, fill, failed, succeeded } from '../dom.js';
import { levelBadge, number, time, timeEl, toLocalInput } from '../format.js';
import { addTexts, name, pick, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { levelChart } from '../components/chart.js';

addTexts({
  confirmCancelNotice: ['撤销 {time} 开闸的泄洪通知？所有喇叭和网格员将收到撤销消息。', 'Cancel the discharge notice for the gate opening at {time}? Every loudspeaker and guard is told it is off.'],
});

// The water authority: spots with level charts, thresholds and risk with its reasons; reservoirs; a discharge
// notice form whose preview comes from the gateway's own scheduler (api/dashboard/notice-preview), so what is
// previewed is what is then issued; and each notice's timeline of warnings, commands and acknowledgements.
export function mountWater(root, { live, me }) {
  const canWrite = me.role === 'admin' || me.role === 'water-authority';
  const spotsBox = h('div', { class: 'spots', 'data-testid': 'spots' }, t('loading'));
  const reservoirsBox = h('div', { 'data-testid': 'reservoirs' });
  const formBox = h('div');
  const noticesBox = h('div', { 'data-testid': 'notices' });
  fill(root, h('section', { class: 'view view-water', 'data-testid': 'view-water' },
    h('div', { class: 'col' }, h('h2', {}, t('spots')), spotsBox),
    h('div', { class: 'col' }, h('h2', {}, t('noticeForm')), formBox, h('h2', {}, t('notices')), noticesBox, h('h2', {}, t('reservoirs')), reservoirsBox)));

  let spotNames = new Map();
  let reservoirs = [];
  let editing = null;
  // Timelines the user opened stay open when the list reloads on a live alert (it replaces every card).
  const openTimelines = new Set();

  async function loadSpots() {
    try {
      // Community cells along a reach are places of a notice too: their names, never their IDs.
      const [spots, cells] = await Promise.all([api('/api/water/spots'), api('/api/grid/cells').catch(() => [])]);
      spotNames = new Map([...cells.map(c => [c.id, name(c.name)]), ...spots.map(v => [v.spot.id, name(v.spot.name)])]);
      fill(spotsBox, spots.length ? spots.map(spotCard) : h('p', { class: 'empty' }, '—'));
    } catch (error) {
      fill(spotsBox, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  function spotCard(view) {
    const { spot } = view;
    return h('article', { class: 'spot-card risk-edge-' + view.risk, 'data-testid': 'spot', 'data-spot-id': spot.id, 'data-risk': view.risk },
      h('header', {}, h('h3', {}, name(spot.name)), ' ', levelBadge(view.risk)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('level')), h('dd', { 'data-testid': 'spot-level' }, `${number(view.levelM)} m`),
        h('dt', {}, t('rise')), h('dd', {}, `${number(view.riseMPerHour)} m/h`),
        h('dt', {}, t('thresholds')), h('dd', {}, `${t('normal')} ${number(spot.levels.normalM)} · ${t('warning')} ${number(spot.levels.warningM)} · ${t('danger')} ${number(spot.levels.dangerM)} m`),
        h('dt', {}, t('peopleInZone')), h('dd', {}, String(view.peopleInZone)),
        h('dt', {}, t('wave')), h('dd', {}, t('wave_' + (view.wave ?? 'none').replace('_', '')))),
      view.reasons?.length ? h('div', {}, h('h4', {}, t('reasons')), h('ul', { 'data-testid': 'risk-reasons' }, view.reasons.map(r => h('li', { 'data-code': r.code }, pick(r))))) : null,
      levelChart(view));
  }

  async function loadReservoirs() {
    try {
      reservoirs = await api('/api/water/reservoirs');
      fill(reservoirsBox, reservoirs.map(r => h('article', { class: 'reservoir' },
        h('h3', {}, name(r.name)),
        r.reaches.map(reach => h('div', {}, h('h4', {}, `${t('reach')}: ${name(reach.name)}`),
          h('ul', {}, [...reach.spots.map(s => ({ label: spotNames.get(s.spotId) ?? s.spotId, bands: s.bands })),
            ...(reach.communities ?? []).map(c => ({ label: spotNames.get(c.communityId) ?? c.communityId, bands: c.bands }))].map(p => h('li', {}, `${p.label}: `,
            p.bands.map(b => `≤ ${b.maxFlowM3s} m³/s → ${b.travelMinutes} min`).join(' · ')))))))));
      renderForm();
    } catch (error) {
      fill(reservoirsBox, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  function renderForm() {
    if (!canWrite) { fill(formBox); return; }
    const reservoir = h('select', { id: 'n-reservoir', name: 'reservoirId', required: true },
      reservoirs.map(r => h('option', { value: r.id, selected: editing?.reservoirId === r.id }, name(r.name))));
    const gate = h('input', { id: 'n-gate', name: 'gateOpenAt', type: 'datetime-local', required: true,
      value: toLocalInput(editing ? editing.gateOpenAt : Date.now() + 60 * 60_000) });
    const flow = h('input', { id: 'n-flow', name: 'flowM3s', type: 'number', min: 1, max: 100000, step: 'any', required: true, value: editing?.flowM3s ?? 500 });
    const duration = h('input', { id: 'n-duration', name: 'durationMinutes', type: 'number', min: 1, max: 43200, required: true, value: editing?.durationMinutes ?? 120 });
    const previewBox = h('div', { class: 'preview', 'data-testid': 'notice-preview', 'aria-live': 'polite' });
    const status = h('p', { class: 'form-status', role: 'status', 'data-testid': 'notice-status' });
    const body = () => ({
      reservoirId: reservoir.value,
      // The input is in the browser's zone; the gateway gets the instant.
      gateOpenAt: gate.value ? new Date(gate.value).toISOString() : null,
      flowM3s: flow.value === '' ? null : Number(flow.value),
      durationMinutes: duration.value === '' ? null : Number(duration.value),
    });
    const preview = async () => {
      fill(status);
      try {
        const notice = await api('/api/dashboard/notice-preview', { method: 'POST', body: body() });
        fill(previewBox, h('h3', {}, t('previewTitle')), scheduleTable(notice));
      } catch (error) {
        fill(previewBox);
        failed(status, error);
      }
    };
    const submit = async event => {
      event.preventDefault();
      fill(status);
      try {
        const notice = editing
          ? await api(`/api/water/notices/${encodeURIComponent(editing.id)}`, { method: 'PUT', body: body() })
          : await api('/api/water/notices', { method: 'POST', body: body() });
        succeeded(status, t('issued'));
        status.dataset.noticeId = notice.id;
        editing = null;
        await loadNotices();
        renderForm();
        succeeded(formBox.querySelector('[data-testid=notice-status]'), t('issued')).dataset.noticeId = notice.id;
      } catch (error) {
        failed(status, error);
      }
    };
    const label = (input, key) => h('label', { for: input.id }, t(key), input);
    fill(formBox, h('form', { class: 'notice-form', 'data-testid': 'notice-form', onsubmit: submit },
      editing ? h('p', {}, `${t('editNotice')}: ${editing.id}`) : null,
      label(reservoir, 'reservoir'), label(gate, 'gateOpenAt'), label(flow, 'flow'), label(duration, 'duration'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-testid': 'notice-preview-button', onclick: preview }, t('preview')),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'notice-issue' }, editing ? t('amend') : t('issue')),
        editing ? h('button', { type: 'button', onclick: () => { editing = null; renderForm(); } }, t('cancel')) : null),
      status, previewBox));
  }

  function stepName(step) {
    if (step.name === 'notice') return t('step_notice');
    if (step.name === 'amendment') return t('step_amendment');
    if (step.name === 'arrival') return t('step_arrival');
    const lead = /^lead-(\d+)/.exec(step.name);
    return lead ? t('step_lead', { m: lead[1] }) : step.name;
  }

  function scheduleTable(notice) {
    return h('table', { class: 'schedule' },
      h('thead', {}, h('tr', {}, [t('spot'), t('arrivesAt'), t('passedAt'), t('warnings')].map(x => h('th', { scope: 'col' }, x)))),
      // Places are spots or (kind "community") community cells along the reach.
      h('tbody', {}, notice.spots.map(s => h('tr', { 'data-testid': 'schedule-row', 'data-spot-id': s.spotId || s.communityId, 'data-kind': s.kind },
        h('th', { scope: 'row' }, spotNames.get(s.spotId || s.communityId) ?? (s.spotId || s.communityId)),
        h('td', {}, timeEl(s.arrivesAt)),
        h('td', {}, timeEl(s.passedAt)),
        h('td', {}, h('ul', {}, s.steps.map(step => h('li', { 'data-step': step.name },
          `${stepName(step)} · ${time(step.dueAt)}`, step.firedAt ? ' ✓' : ''))))))));
  }

  async function loadNotices() {
    if (!noticesBox.isConnected) return;
    try {
      const notices = await api('/api/water/notices');
      if (!notices.length) { fill(noticesBox, h('p', { class: 'empty' }, t('noNotices'))); return; }
      fill(noticesBox, notices.map(notice => noticeCard(notice)));
    } catch (error) {
      fill(noticesBox, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  function noticeCard(notice) {
    const details = h('div', { class: 'timeline' });
    const status = h('span', { role: 'status' });
    const cancel = async () => {
      // Cancelling tells every loudspeaker and guard the discharge is off: it asks first.
      if (!await confirmAction(t('confirmCancelNotice', { time: time(notice.gateOpenAt) }), { confirmLabel: t('cancelNotice') })) return;
      try { await api(`/api/water/notices/${encodeURIComponent(notice.id)}/cancel`, { method: 'POST' }); await loadNotices(); }
      catch (error) { failed(status, error); }
    };
    const showTimeline = async () => {
      openTimelines.add(notice.id);
      try {
        const timeline = await api(`/api/water/notices/${encodeURIComponent(notice.id)}`);
        fill(details,
          h('h4', {}, t('timeline')),
          h('ol', { 'data-testid': 'notice-timeline' }, timeline.notice.timeline.map(entry => h('li', {},
            timeEl(entry.at), ` · ${entry.kind}`, entry.spotId ? ` · ${spotNames.get(entry.spotId) ?? entry.spotId}` : '',
            entry.detail ? ` · ${entry.detail}` : '', entry.notified?.length ? ` → ${entry.notified.join(', ')}` : ''))),
          h('h4', {}, t('commands')),
          h('ul', {}, timeline.commands.map(c => h('li', {}, timeEl(c.sentAt), ` · ${c.deviceId} · ${c.type} · ${c.status ?? '…'}`,
            c.answeredAt ? [' · ', timeEl(c.answeredAt)] : '', c.unconfirmedAlertRaised ? ' ⚠' : ''))));
      } catch (error) { failed(details, error); }
    };
    if (openTimelines.has(notice.id)) showTimeline();
    return h('article', { class: 'notice', 'data-testid': 'notice', 'data-notice-id': notice.id, 'data-state': notice.state },
      h('header', {}, h('strong', {}, notice.id), ' ', h('span', { class: 'state' }, t('state_' + notice.state))),
      h('p', {}, `${t('gateOpenAt')}: `, timeEl(notice.gateOpenAt), ` · ${number(notice.flowM3s, 0)} m³/s · ${notice.durationMinutes} min`),
      scheduleTable(notice),
      h('div', { class: 'actions' },
        h('button', { onclick: showTimeline }, t('timeline')),
        canWrite && notice.state === 'active' ? [
          h('button', { onclick: () => { editing = notice; renderForm(); formBox.querySelector('select')?.focus(); } }, t('editNotice')),
          h('button', { onclick: cancel }, t('cancelNotice'))] : null, status),
      details);
  }

  // Alerts about spots and discharge change the risk shown: refresh on them, and after a reconnect.
  // A burst of alerts reloads once (charts query the time series).
  let pending = null;
  const refresh = () => { clearTimeout(pending); pending = setTimeout(() => { loadSpots(); loadNotices(); }, 1500); };
  const off = [
    live.on('alert', event => { if (event.alert?.source?.kind === 'spot') refresh(); }),
    live.onReconnect(() => { loadSpots(); loadNotices(); }),
  ];
  loadSpots().then(loadReservoirs);
  loadNotices();
  return () => { clearTimeout(pending); off.forEach(o => o()); };
}
