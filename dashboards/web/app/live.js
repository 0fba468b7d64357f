// The gateway's event stream (GET /api/live, Server-Sent Events). The state is shown to the person at all
// times: a stream that silently stopped would leave a control room looking at a calm screen while alerts pile up.
// Recovery needs nobody: EventSource retries on its own; when it gives up (server gone, answer not 200) or the
// stream goes quiet for longer than three heartbeats, we open a new one with a growing pause. After every
// reconnect the views reload what they show, since events sent while disconnected are not replayed.

const HEARTBEAT_MS = 15_000;       // the gateway pings every 15 s (Live/LiveApi.cs)
const QUIET_LIMIT_MS = HEARTBEAT_MS * 3;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

export class LiveStream {
  constructor(topics) {
    this.topics = topics;
    this.state = 'connecting';
    this.handlers = new Map();
    this.stateListeners = new Set();
    this.reconnectListeners = new Set();
    this.retryMs = RETRY_MIN_MS;
    this.everConnected = false;
    this.source = null;
    this.timer = null;
    this.watchdog = null;
    this.lastMessageAt = 0;
  }

  /** handler(data) for each event of the topic (the SSE event name). */
  on(topic, handler) {
    if (!this.handlers.has(topic)) this.handlers.set(topic, new Set());
    this.handlers.get(topic).add(handler);
    return () => this.handlers.get(topic)?.delete(handler);
  }

  onState(listener) { this.stateListeners.add(listener); listener(this.state); return () => this.stateListeners.delete(listener); }

  /** Called after the stream comes back, so views can reload what they may have missed. */
  onReconnect(listener) { this.reconnectListeners.add(listener); return () => this.reconnectListeners.delete(listener); }

  start() {
    this.open();
    this.watchdog = setInterval(() => {
      if (this.state === 'live' && Date.now() - this.lastMessageAt > QUIET_LIMIT_MS) this.fail();
    }, 5_000);
  }

  stop() {
    clearInterval(this.watchdog);
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }

  open() {
    this.source?.close();
    const query = this.topics.map(topic => 'topic=' + encodeURIComponent(topic)).join('&');
    const source = new EventSource('/api/live' + (query ? '?' + query : ''));
    this.source = source;
    source.addEventListener('ready', () => {
      this.lastMessageAt = Date.now();
      this.retryMs = RETRY_MIN_MS;
      const wasConnected = this.everConnected;
      this.everConnected = true;
      this.setState('live');
      if (wasConnected) for (const listener of this.reconnectListeners) listener();
    });
    source.addEventListener('ping', () => { this.lastMessageAt = Date.now(); });
    for (const topic of this.topics) {
      source.addEventListener(topic, event => {
        this.lastMessageAt = Date.now();
        let data;
        try { data = JSON.parse(event.data); } catch { return; }
        for (const handler of this.handlers.get(topic) ?? []) {
          try { handler(data); } catch (error) { console.error('live handler failed', error); }
        }
      });
    }
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) this.fail();
      else this.setState(this.everConnected ? 'lost' : 'connecting');
    };
  }

  fail() {
    this.source?.close();
    this.source = null;
    this.setState(this.everConnected ? 'lost' : 'connecting');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
