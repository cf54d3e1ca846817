// The live feed (docs/api.md, "Live feeds"): a WebSocket on /api/feed that
// sends a snapshot, then every visible event with its store position `seq`.
// After a dropped connection it reconnects with `?since=<last seq>` and gets
// what it missed (or a fresh snapshot when too far behind), with back-off.

export class Feed {
  /**
   * @param {object} h  onSnapshot(msg), onEvent(msg), onStatus('connecting'|'live'|'offline'),
   *                    onUnauthenticated() when the session is gone
   */
  constructor(h) {
    this.h = h;
    this.lastSeq = 0;
    this.ws = null;
    this.stopped = false;
    this.retryMs = 500;
    this.opened = false;
    /** what happened so far: sockets opened, snapshots taken, events at or before the last seq */
    this.counts = { opened: 0, snapshots: 0, events: 0, duplicates: 0 };
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.ws) this.ws.close(1000, 'page closed');
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const since = this.lastSeq > 0 ? `?since=${this.lastSeq}` : '';
    this.h.onStatus?.('connecting');
    this.opened = false;
    const ws = new WebSocket(`${scheme}//${location.host}/api/feed${since}`);
    this.ws = ws;
    ws.onopen = () => {
      this.opened = true;
      this.counts.opened += 1;
      this.retryMs = 500;
      this.h.onStatus?.('live');
    };
    ws.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch { return; }
      if (msg.type === 'snapshot') {
        this.counts.snapshots += 1;
        this.lastSeq = msg.seq;
        this.h.onSnapshot?.(msg);
      } else if (msg.type === 'event') {
        if (msg.seq <= this.lastSeq) { // already seen (never expected; harmless)
          this.counts.duplicates += 1;
          return;
        }
        this.counts.events += 1;
        this.lastSeq = msg.seq;
        this.h.onEvent?.(msg);
      }
    };
    ws.onclose = async () => {
      if (this.ws !== ws || this.stopped) return;
      this.h.onStatus?.('offline');
      // A refused upgrade never opens: check whether the session is still there.
      if (!this.opened && this.h.checkSession && !(await this.h.checkSession())) {
        this.h.onUnauthenticated?.();
        return;
      }
      setTimeout(() => { if (!this.stopped) this.connect(); }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10000);
    };
  }

  /** Drops the socket as a network failure would (tests, the "reconnect" button). */
  drop() {
    if (this.ws) this.ws.close(4000, 'dropped');
  }
}
