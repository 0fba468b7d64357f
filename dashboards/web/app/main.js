import { api, ApiError, onUnauthorized } from './api.js';
import { h, fill } from './dom.js';
import { lang, name, onLangChange, setLang, t } from './i18n.js';
import { LiveStream } from './live.js';
import { mountDemoBanner } from './components/demo-banner.js';
import { mountEmergency } from './views/emergency.js';
import { mountGuard } from './views/guard.js';
import { mountSecurity } from './views/security.js';
import { mountWater } from './views/water.js';
import { mountAdmin } from './views/admin.js';

// Each role lands on its own view and sees only that one; admins may switch between all of them.
const VIEWS = {
  guard: { label: 'viewGuard', mount: mountGuard },
  emergency: { label: 'viewEmergency', mount: mountEmergency },
  water: { label: 'viewWater', mount: mountWater },
  security: { label: 'viewSecurity', mount: mountSecurity },
  admin: { label: 'viewAdmin', mount: mountAdmin },
};
const ROLE_VIEWS = {
  guard: ['guard'],
  emergency: ['emergency'],
  'water-authority': ['water'],
  'public-security': ['security'],
  admin: ['emergency', 'water', 'security', 'guard', 'admin'],
};

const main = document.getElementById('app');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const conn = document.getElementById('conn');
const langButton = document.getElementById('lang');
const title = document.getElementById('title');

let me = null;
let live = null;
let unmount = null;
let removeBanner = () => {};

function allowedViews() { return ROLE_VIEWS[me?.role] ?? []; }

function currentView() {
  const wanted = location.hash.replace(/^#\/?/, '');
  const allowed = allowedViews();
  return allowed.includes(wanted) ? wanted : allowed[0] ?? null;
}

function renderChrome() {
  title.textContent = t('appTitle');
  document.title = t('appTitle');
  langButton.textContent = t('language');
  langButton.setAttribute('aria-label', t('languageLabel'));
  if (!me) { fill(nav); fill(who); return; }
  const view = currentView();
  fill(nav, allowedViews().length > 1 ? allowedViews().map(key =>
    h('a', { href: '#/' + key, 'aria-current': key === view ? 'page' : null, 'data-testid': 'nav-' + key }, t(VIEWS[key].label))) : null);
  fill(who, h('span', { 'data-testid': 'who', 'data-role': me.role }, name(me.name)), ' ',
    h('button', { type: 'button', 'data-testid': 'sign-out', onclick: signOut }, t('signOut')));
}

function renderConn(state) {
  conn.dataset.state = state;
  conn.textContent = state === 'live' ? t('connLive') : state === 'lost' ? t('connLost') : t('connConnecting');
  document.body.classList.toggle('offline', state === 'lost');
}

function showView() {
  unmount?.();
  unmount = null;
  renderChrome();
  const view = currentView();
  if (!view) { fill(main, h('p', {}, t('noView'))); return; }
  unmount = VIEWS[view].mount(main, { live, me }) ?? null;
  removeBanner();
  removeBanner = mountDemoBanner(main, me);
  main.focus({ preventScroll: true });
}

function showLogin(message) {
  removeBanner();
  unmount?.();
  unmount = null;
  live?.stop();
  live = null;
  me = null;
  renderChrome();
  renderConn('connecting');
  conn.hidden = true;
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, maxlength: 64 });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 });
  const status = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' }, message ?? '');
  const submit = async event => {
    event.preventDefault();
    fill(status);
    try {
      await api('/api/auth/login', { method: 'POST', body: { username: user.value.trim(), password: pass.value } });
      await start();
    } catch (error) {
      fill(status, error instanceof ApiError && error.status === 401 ? t('badLogin') : error.message);
      pass.select();
    }
  };
  fill(main, h('form', { class: 'login', 'data-testid': 'login', onsubmit: submit },
    h('h2', {}, t('signIn')),
    h('label', { for: 'login-user' }, t('username'), user),
    h('label', { for: 'login-pass' }, t('password'), pass),
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
    status));
  user.focus();
}

async function signOut() {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
  location.hash = '';
  showLogin();
}

async function start() {
  try {
    me = await api('/api/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) { showLogin(); return; }
    // The gateway is not reachable yet: say so and try again by itself.
    fill(main, h('p', { class: 'error', role: 'alert' }, t('connLost')));
    setTimeout(start, 3000);
    return;
  }

  live?.stop();
  live = new LiveStream(['alert', 'shelter', 'clip']);
  conn.hidden = false;
  live.onState(renderConn);
  live.start();
  showView();
}

onUnauthorized(() => { if (me) showLogin(); });
window.addEventListener('hashchange', () => { if (me) showView(); });
langButton.addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh'));
onLangChange(() => { if (me) { showView(); renderConn(live?.state ?? 'connecting'); } else showLogin(); });
renderChrome();
start();
