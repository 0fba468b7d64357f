import { h } from '../dom.js';
import { t } from '../i18n.js';
import { problemMessage } from '../errors.js';

// Live view (docs/video.md, "Live view"): GET api/video/cameras/{id}/live answers one endless fragmented MP4,
// one fragment per frame, starting at the newest key frame. It is read with fetch and appended as it arrives to
// a Media Source Extensions buffer. The player keeps itself at the live edge: a browser plays a buffer from its
// start and would drift behind by every stall, so whenever more than MAX_BEHIND seconds are buffered ahead of
// the playhead it jumps to just before the newest frame. Old media is removed, so memory stays flat for hours.
const MAX_BEHIND = 0.6;
const EDGE = 0.1;
const KEEP = 10;

/** The live URL of a camera (sub: its sub stream, smaller, for the wall). */
export function liveUrl(cameraId, sub) {
  return `/api/video/cameras/${encodeURIComponent(cameraId)}/live${sub ? '?stream=sub' : ''}`;
}

/**
 * A live player: { el, stop }. It connects at once and reconnects by itself (1 s, 2 s … 15 s) when the stream
 * ends; stop() ends it for good (the gateway stops the camera's stream when nobody watches). The element's
 * data-state is connecting, playing, or failed (with data-error, the gateway's problem code).
 */
export function livePlayer(cameraId, { sub = false, label = '' } = {}) {
  const video = h('video', { muted: true, autoplay: true, playsinline: true, 'aria-label': label, 'data-testid': 'live-video' });
  video.muted = true;
  const status = h('span', { class: 'live-status', role: 'status' }, t('liveConnecting'));
  const el = h('div', { class: 'live', 'data-testid': 'live-player', 'data-live-camera': cameraId, 'data-state': 'connecting' }, video, status);
  let stopped = false;
  let abort = null;
  let delay = 1000;

  const state = (value, text, error) => {
    el.dataset.state = value;
    status.textContent = text;
    if (error) el.dataset.error = error; else delete el.dataset.error;
  };
  video.addEventListener('playing', () => { state('playing', t('live')); delay = 1000; });

  async function connect() {
    abort = new AbortController();
    const media = new MediaSource();
    const objectUrl = URL.createObjectURL(media);
    video.src = objectUrl;
    try {
      const response = await fetch(liveUrl(cameraId, sub), { signal: abort.signal, credentials: 'same-origin' });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw Object.assign(new Error(problemMessage(problem, response.status)), { code: problem?.code ?? String(response.status) });
      }

      const type = response.headers.get('content-type') ?? '';
      if (!window.MediaSource || !MediaSource.isTypeSupported(type)) throw Object.assign(new Error(t('liveUnsupported')), { code: 'live_codec_unsupported' });
      if (media.readyState !== 'open') await new Promise(resolve => media.addEventListener('sourceopen', resolve, { once: true }));
      const buffer = media.addSourceBuffer(type);
      await pump(response.body.getReader(), buffer);
    } catch (error) {
      if (stopped) return;
      state('failed', `${t('liveFailed')}: ${error.message}`, error.code ?? 'network');
    } finally {
      URL.revokeObjectURL(objectUrl);
    }

    if (stopped) return;
    setTimeout(() => { if (!stopped) connect(); }, delay);
    delay = Math.min(delay * 2, 15000);
  }

  async function pump(reader, buffer) {
    const queue = [];
    let lastTrim = 0;
    const appendNext = () => {
      if (buffer.updating || queue.length === 0) return;
      const chunk = queue.length === 1 ? queue.shift() : concat(queue.splice(0));
      try {
        buffer.appendBuffer(chunk);
      } catch (error) {
        // QuotaExceededError: drop what was played and try again with the next chunk.
        if (video.currentTime > 1) buffer.remove(0, video.currentTime - 1);
        else throw error;
      }
    };
    buffer.addEventListener('updateend', () => {
      const ranges = video.buffered;
      if (ranges.length) {
        const end = ranges.end(ranges.length - 1);
        if (end - video.currentTime > MAX_BEHIND) video.currentTime = Math.max(ranges.start(ranges.length - 1), end - EDGE);
        if (video.paused) video.play().catch(() => {});
        if (!buffer.updating && video.currentTime - lastTrim > KEEP * 2 && video.currentTime > KEEP) {
          lastTrim = video.currentTime;
          buffer.remove(0, video.currentTime - KEEP);
          return;
        }
      }
      appendNext();
    });
    for (;;) {
      const { done, value } = await reader.read();
      if (done || stopped) return;
      queue.push(value);
      appendNext();
    }
  }

  connect();
  return {
    el,
    stop() {
      stopped = true;
      abort?.abort();
      video.removeAttribute('src');
      video.load();
    },
  };
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) { out.set(chunk, at); at += chunk.length; }
  return out;
}
