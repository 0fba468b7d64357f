import { api } from '../api.js';
import { h, fill, syncChildren, failed } from '../dom.js';
import { levelBadge, levelOrder, stateBadge, timeEl } from '../format.js';
import { lang, name, pick, t } from '../i18n.js';
import { confirmAction } from './confirm.js';

/**
 * The open alerts a person may see, kept current from the live stream: loads api/alerts?open=true, then applies
 * every `alert` event ({change, alert}); closed alerts leave the list. reload() after a reconnect.
 */
export class OpenAlerts {
  constructor(live, onChange) {
    this.byId = new Map();
    this.onChange = onChange;
    this.error = null;
    this.loaded = false;
    this.off = [
      live.on('alert', event => this.apply(event.alert)),
      live.onReconnect(() => this.reload()),
    ];
  }

  async reload() {
    try {
      const alerts = await api('/api/alerts?open=true&limit=500');
      this.byId = new Map(alerts.map(alert => [alert.id, alert]));
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.loaded = true;
    this.onChange();
  }

  apply(alert) {
    if (!alert?.id) return;
    const known = this.byId.get(alert.id);
    if (known && known.version > alert.version) return;
    if (alert.state === 'raised' || alert.state === 'acknowledged') this.byId.set(alert.id, alert);
    else this.byId.delete(alert.id);
    this.onChange();
  }

  /** Highest level first, then newest. */
  sorted() {
    return [...this.byId.values()].sort((a, b) =>
      levelOrder(b.level) - levelOrder(a.level) || String(b.raisedAt).localeCompare(String(a.raisedAt)));
  }

  dispose() { for (const off of this.off) off(); }
}

/** One alert as a card: level in colour and words, state, place, time, evidence, and the actions. */
export function alertCard(alert, { cells, onUpdated, extra } = {}) {
  const status = h('p', { class: 'action-status', role: 'status', 'aria-live': 'polite' });
  const cell = cells?.get(alert.cellId);
  const actions = h('div', { class: 'actions' });
  const act = async (path, body) => {
    for (const button of actions.querySelectorAll('button')) button.disabled = true;
    try {
      const updated = await api(`/api/alerts/${encodeURIComponent(alert.id)}/${path}`, { method: 'POST', body });
      fill(status);
      onUpdated?.(updated);
    } catch (error) {
      failed(status, error);
      for (const button of actions.querySelectorAll('button')) button.disabled = false;
    }
  };

  if (alert.state === 'raised') {
    actions.append(h('button', { class: 'primary', 'data-testid': 'ack', onclick: () => act('ack', {}) }, t('acknowledge')));
  }

  if (alert.state === 'raised' || alert.state === 'acknowledged') {
    // Resolving ends the alert for everyone: it asks first, with a note saying what was done (the same dialog as
    // every destructive action).
    const resolve = async () => {
      const answer = await confirmAction(t('confirmResolveAlert', { title: pick(alert.title) }), { note: true, noteLabel: t('resolveNote'), confirmLabel: t('confirmResolve') });
      if (answer) await act('resolve', { note: answer.note });
    };
    actions.append(h('button', { 'data-testid': 'resolve', onclick: resolve }, t('resolve')));
  }

  return h('article', { class: 'alert-card level-edge-' + alert.level, 'data-testid': 'alert', 'data-alert-id': alert.id, 'data-source': `${alert.source?.kind}:${alert.source?.id}`, 'data-level': alert.level, 'data-state': alert.state },
    h('header', {}, levelBadge(alert.level), ' ', stateBadge(alert.state), alert.count > 1 ? h('span', { class: 'muted' }, ` ×${alert.count}`) : null,
      alert.silenced ? h('span', { class: 'badge silenced', 'data-testid': 'alert-silenced' }, t('silencedBadge')) : null),
    h('h3', {}, pick(alert.title)),
    h('p', {}, pick(alert.text)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('place')), h('dd', {}, cell ? name(cell.name) : name(alert.area?.description) || '—'),
      h('dt', {}, t('raisedAt')), h('dd', {}, timeEl(alert.raisedAt)),
      alert.acknowledgedBy ? [h('dt', {}, t('ackBy')), h('dd', { 'data-testid': 'alert-ack-by' }, alert.acknowledgedByName ? name(alert.acknowledgedByName) : t('someone'), ' · ', timeEl(alert.acknowledgedAt))] : null),
    evidenceList(alert.evidence),
    extra ?? null,
    actions,
    status);
}

/** Snapshots as images, footage and readings as links or text. */
export function evidenceList(evidence) {
  if (!evidence?.length) return null;
  return h('section', { class: 'evidence', 'aria-label': t('evidence') },
    h('h4', {}, t('evidence')),
    h('ul', {}, evidence.map(item => {
      // Descriptions are written "中文 English" like registry names.
      const label = item.description ? name(item.description) : t(item.kind === 'snapshot' ? 'snapshot' : item.kind === 'footage' ? 'footage' : 'reading');
      if ((item.kind === 'snapshot' || item.mimeType?.startsWith('image/')) && isSafeLink(item.uri)) {
        return h('li', {}, h('a', { href: item.uri, target: '_blank', rel: 'noopener' },
          h('img', { src: item.uri, alt: label, loading: 'lazy', class: 'evidence-img' })));
      }
      return h('li', {}, isSafeLink(item.uri) ? h('a', { href: item.uri, target: '_blank', rel: 'noopener' }, label) : label,
        item.from ? [' ', timeEl(item.from)] : null);
    })));
}

// Evidence links come from devices and features; only the gateway's own paths and http(s) are followed.
function isSafeLink(uri) {
  return typeof uri === 'string' && (uri.startsWith('/') || /^https?:\/\//i.test(uri));
}

/**
 * Keeps one card per alert and rebuilds it only when the alert changed, so a live event for one alert does not
 * close the resolve form someone is typing in on another, nor move the keyboard focus.
 */
export class AlertCards {
  constructor() { this.cards = new Map(); }

  /** Fills `root` with the cards of `alerts` in order, reusing unchanged ones in place. */
  render(root, alerts, options, extraKey = () => '') {
    if (!alerts.length) {
      this.cards.clear();
      fill(root, h('p', { class: 'empty', 'data-testid': 'no-alerts' }, t('noAlerts')));
      return;
    }

    const wanted = alerts.map(alert => {
      const key = [alert.version, alert.state, alert.updatedAt, alert.count, lang(), extraKey(alert)].join('|');
      const known = this.cards.get(alert.id);
      if (known?.key === key) return known.el;
      const el = alertCard(alert, { ...options, extra: options.extra?.(alert) });
      this.cards.set(alert.id, { key, el });
      return el;
    });
    const ids = new Set(alerts.map(a => a.id));
    for (const id of [...this.cards.keys()]) if (!ids.has(id)) this.cards.delete(id);
    syncChildren(root, wanted);
  }
}
