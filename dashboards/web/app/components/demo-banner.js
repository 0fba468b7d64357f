// First-run banner of the demo (./run.sh opens the dashboard at /?demo, docs/demo.md): tells a visitor what the
// scenario will show and where, for the role they signed in as. Once dismissed it stays away (localStorage).
// Not shown on a real installation, whose address has no ?demo.
import { h } from '../dom.js';
import { lang } from '../i18n.js';

const KEY = 'sc-demo-banner';

// [zh, en] per line; views are named as the navigation names them.
const COMMON = ['演示社区：情景约每 5 分钟循环一次（开始后第一分钟平静）。', 'Demo community: the scenario repeats about every 5 minutes (the first minute is calm).'];
const BY_VIEW = {
  water: [
    ['沙洲滩水位先后超过警戒、危险水位再回落：看"水务"中的风险等级、原因和 6 小时曲线。', 'The Sandbar Beach level rises past its warning and danger levels and falls: watch risk, reasons and the 6-hour chart in Water.'],
    ['水库管理处（陈工）发布泄洪通知：时间线里喇叭与警报器回执"已接受/完成"。', 'The water authority (Chen) issues a discharge notice: loudspeakers and sirens acknowledge in its timeline.'],
  ],
  security: [
    ['沙洲滩摄像机画面中有人走进水里：网关自己的视频分析发现，喇叭语音驱离，红色预警附抓拍。', 'On the beach camera a person walks into the water: the gateway\'s own analysis sees them, the loudspeaker warns, a red alert carries the snapshot.'],
  ],
  emergency: [
    ['清溪小学体育馆经门禁和通道摄像机计数，超过 80% 直至满员，系统建议转往社区中心，随后清空。', 'The school gym, counted by its door unit and walkway camera, passes 80 % to full; the community centre is suggested; then it empties.'],
    ['滨河1栋门禁被强行打开：红色预警。', 'A Binhe Bldg 1 door is forced: red alert.'],
  ],
  guard: [
    ['您负责的沙洲滩、老桥的预警会推送到这里：确认收到，处置完毕。', 'Alerts for your cells (the beach, the bridge) arrive here: acknowledge, then resolve them.'],
  ],
};
const ROLE_VIEWS = { admin: ['water', 'security', 'emergency', 'guard'], 'water-authority': ['water'], 'public-security': ['security'], emergency: ['emergency'], guard: ['guard'] };

// Remembered when the page is first opened at /?demo, so that it survives the sign-in.
if (new URLSearchParams(location.search).has('demo') && localStorage.getItem(KEY) !== 'dismissed') localStorage.setItem(KEY, 'show');

/** Shows the banner above the views for <me> when the demo asked for it; returns a function that removes it. */
export function mountDemoBanner(before, me) {
  if (localStorage.getItem(KEY) !== 'show' || !me) return () => {};
  const i = lang() === 'en' ? 1 : 0;
  const lines = [COMMON, ...(ROLE_VIEWS[me.role] ?? []).flatMap(view => BY_VIEW[view])];
  const banner = h('aside', {
    'data-testid': 'demo-banner', role: 'note',
    style: { background: '#fff8d6', borderBottom: '1px solid #d9c46a', padding: '0.5rem 1rem', fontSize: '0.9rem' },
  },
  h('strong', {}, i ? 'What to watch' : '看点'),
  h('ul', { style: { margin: '0.25rem 0' } }, lines.map(line => h('li', {}, line[i]))),
  h('button', { type: 'button', 'data-testid': 'demo-banner-close', onclick: () => { localStorage.setItem(KEY, 'dismissed'); banner.remove(); } },
    i ? 'Got it' : '知道了'));
  before.before(banner);
  return () => banner.remove();
}
