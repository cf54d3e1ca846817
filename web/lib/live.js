// The live view in the browser: the feed's snapshot, then every event after
// it folded in store order. A port of projections/live/live_view.cpp (the
// node's fold) restricted to what the pages show; tests/web/live.test.mjs
// checks it against the node's own answers. Pure: no DOM, no network.

const NS_PER_MS = 1e6;

function busy(a) {
  return a.state === 'ringing' || a.state === 'talking' || a.state === 'on_hold' || a.state === 'wrap_up';
}

export class LiveView {
  constructor() {
    this.seq = 0;
    this.agents = new Map();
    this.queues = new Map();
    this.calls = new Map();
    /** call id -> { state: 'recording' | 'paused' | 'stopped', agentId, queue } (recording-<call> streams) */
    this.recordings = new Map();
    /** server clock minus local clock, in ns (from the snapshot's now_ns) */
    this.skewNs = 0;
  }

  /** The server's wall clock now, in ns. */
  nowNs(localMs = Date.now()) {
    return localMs * NS_PER_MS + this.skewNs;
  }

  /** Replaces everything with a feed snapshot message. */
  loadSnapshot(msg, localMs = Date.now()) {
    this.seq = msg.seq;
    if (typeof msg.now_ns === 'number') this.skewNs = msg.now_ns - localMs * NS_PER_MS;
    const now = this.nowNs(localMs);
    this.agents = new Map();
    for (const a of msg.agents || []) {
      this.agents.set(a.id, {
        id: a.id, tenant: a.tenant, name: a.name || '', state: a.state, reason: a.reason || '',
        sinceNs: a.since_ns || 0, queues: a.queues || [], station: a.station || '',
        callId: a.call_id || '', answered: a.answered || 0, talkMs: a.talk_ms || 0,
        wrapUpMs: a.wrap_up_ms || 0, skills: a.skills || {},
        disposition: a.disposition || '', notes: a.notes || '',
        // What the agent is underneath a call (where it goes when the call is done).
        readyFlag: a.presence ? a.presence === 'ready' : a.state === 'ready',
        presenceReason: a.presence_reason ?? (a.state === 'not_ready' ? a.reason : ''),
      });
    }
    this.queues = new Map();
    for (const q of msg.queues || []) {
      this.queues.set(q.id, {
        id: q.id, tenant: q.tenant, name: q.name || '', closed: !!q.closed,
        serviceLevelMs: q.service_level_ms ?? 20000,
        waiting: (q.calls || []).map((c) => ({ callId: c.call_id, sinceNs: now - c.waited_ms * NS_PER_MS })),
        offered: q.offered || 0, answered: q.answered || 0, abandoned: q.abandoned || 0,
        answeredInSl: q.answered_in_sl ?? Math.round((q.service_level ?? 1) * (q.answered || 0)),
        waitMsSum: q.wait_ms_sum ?? (q.asa_ms || 0) * (q.answered || 0),
      });
    }
    this.calls = new Map();
    for (const c of msg.calls || []) {
      this.calls.set(c.id, {
        id: c.id, tenant: c.tenant, queue: c.queue || '', agentId: c.agent_id || '',
        caller: c.caller || '', customerId: c.customer_id || '', dialed: c.dialed || '',
        state: c.state, sinceNs: c.since_ns || 0, attached: c.attached || {}, vip: !!c.vip,
        consultWith: c.consult_with || '',
      });
    }
    this.recordings = new Map();
    for (const r of msg.recordings || [])
      this.recordings.set(r.call_id, { state: r.state, agentId: r.agent_id || '', queue: r.queue || '' });
  }

  /** The recording state of a call: 'recording', 'paused', 'stopped', or '' (none seen). */
  recordingOf(callId) {
    const r = callId ? this.recordings.get(callId) : null;
    return r ? r.state : '';
  }

  agent(id, tenant) {
    let a = this.agents.get(id);
    if (!a) {
      a = { id, tenant, name: '', state: 'logged_out', reason: '', sinceNs: 0, queues: [], station: '',
        callId: '', answered: 0, talkMs: 0, wrapUpMs: 0, readyFlag: false, presenceReason: '', skills: {},
        disposition: '', notes: '' };
      this.agents.set(id, a);
    }
    return a;
  }

  queue(id, tenant) {
    let q = this.queues.get(id);
    if (!q) {
      q = { id, tenant, name: '', closed: false, serviceLevelMs: 20000, waiting: [], offered: 0, answered: 0,
        abandoned: 0, answeredInSl: 0, waitMsSum: 0 };
      this.queues.set(id, q);
    }
    return q;
  }

  leaveQueue(id, callId) {
    const q = this.queues.get(id);
    if (q) q.waiting = q.waiting.filter((w) => w.callId !== callId);
  }

  /** Folds one feed event message ({seq, event}); false when it was already folded. */
  apply(msg) {
    if (msg.seq <= this.seq) return false;
    this.seq = msg.seq;
    const e = msg.event;
    if (!e) return true;
    const d = e.data || {};
    const ts = e.time_ns;
    const tenant = e.tenant;
    const set = (a, state) => {
      if (a.state !== state) a.sinceNs = ts;
      a.state = state;
    };
    // A new call on the desk starts without a disposition (as the node's fold).
    const take = (a, callId) => {
      if (a.callId !== callId) { a.disposition = ''; a.notes = ''; }
      a.callId = callId;
    };
    const settle = (a) => {
      a.callId = '';
      a.disposition = ''; a.notes = '';
      set(a, a.readyFlag ? 'ready' : 'not_ready');
      a.reason = a.readyFlag ? '' : a.presenceReason;
    };
    const call = (id) => this.calls.get(id);
    // An offer's screen pop carries the call as the node knows it: an agent's
    // feed had no event of that call before it reached the desk.
    const popped = msg.screen_pop && msg.screen_pop.call;
    if (popped && popped.id && !this.calls.has(popped.id)) {
      this.calls.set(popped.id, { id: popped.id, tenant: popped.tenant, queue: popped.queue || '',
        agentId: popped.agent_id || '', caller: popped.caller || '', customerId: popped.customer_id || '',
        dialed: popped.dialed || '', state: popped.state || 'ringing', sinceNs: popped.since_ns || ts,
        attached: popped.attached || {}, vip: !!popped.vip });
    }
    switch (e.type) {
      case 'agent.logged_in': {
        const a = this.agent(d.agent_id, tenant);
        a.queues = d.queues || [];
        a.station = d.station || '';
        a.readyFlag = false;
        a.presenceReason = 'logged_in';
        if (!busy(a)) { set(a, 'not_ready'); a.reason = 'logged_in'; }
        break;
      }
      case 'agent.logged_out': {
        const a = this.agent(d.agent_id, tenant);
        a.readyFlag = false; a.callId = ''; a.station = ''; a.reason = d.reason || '';
        a.disposition = ''; a.notes = '';
        set(a, 'logged_out');
        break;
      }
      case 'agent.ready': {
        const a = this.agent(d.agent_id, tenant);
        a.readyFlag = true; a.presenceReason = '';
        if (!busy(a)) { set(a, 'ready'); a.reason = ''; }
        break;
      }
      case 'agent.not_ready': {
        const a = this.agent(d.agent_id, tenant);
        a.readyFlag = false; a.presenceReason = d.reason || '';
        if (!busy(a)) { set(a, 'not_ready'); a.reason = d.reason || ''; }
        break;
      }
      case 'agent.reserved': {
        const a = this.agent(d.agent_id, tenant);
        if (a.state === 'talking' || a.state === 'on_hold') break;
        take(a, d.call_id);
        set(a, 'ringing');
        const c = call(d.call_id);
        if (c && !c.queue) c.queue = d.queue;
        break;
      }
      case 'agent.reservation_ended': {
        const a = this.agent(d.agent_id, tenant);
        if (a.state === 'ringing' && a.callId === d.call_id) settle(a);
        break;
      }
      case 'agent.call_started': {
        const a = this.agent(d.agent_id, tenant);
        take(a, d.call_id);
        a.answered += 1;
        set(a, 'talking');
        break;
      }
      case 'agent.call_held': {
        const a = this.agent(d.agent_id, tenant);
        if (a.callId === d.call_id) set(a, d.on_hold ? 'on_hold' : 'talking');
        break;
      }
      case 'agent.call_ended': {
        const a = this.agent(d.agent_id, tenant);
        if (a.callId !== d.call_id) break;
        a.talkMs += Math.trunc((ts - a.sinceNs) / NS_PER_MS);
        a.wrapUpMs = d.wrap_up_ms || 0;
        if (a.wrapUpMs > 0) set(a, 'wrap_up'); else settle(a);
        break;
      }
      case 'agent.wrap_up_ended': {
        const a = this.agent(d.agent_id, tenant);
        if (a.callId === d.call_id && a.state === 'wrap_up') settle(a);
        break;
      }
      case 'agent.disposition_set': {
        const a = this.agent(d.agent_id, tenant);
        if (a.callId !== d.call_id) break; // not the call on its desk now
        a.disposition = d.code || '';
        a.notes = d.notes || '';
        break;
      }
      case 'agent.skills_changed': {
        this.agent(d.agent_id, tenant).skills = d.skills || {};
        break;
      }
      case 'agent.queues_changed': {
        const a = this.agent(d.agent_id, tenant);
        a.queues = d.queues || [];
        break;
      }
      case 'call.arrived':
        this.calls.set(d.call_id, { id: d.call_id, tenant, queue: '', agentId: '', caller: d.caller || '',
          customerId: d.customer_id || '', dialed: d.dialed || '', state: 'arrived', sinceNs: ts,
          attached: d.attached || {} });
        break;
      case 'call.queued': {
        let c = call(d.call_id);
        if (!c) {
          c = { id: d.call_id, tenant, queue: '', agentId: '', caller: '', customerId: '', dialed: '',
            state: 'queued', sinceNs: ts, attached: {} };
          this.calls.set(d.call_id, c);
        }
        c.queue = d.queue; c.state = 'queued'; c.sinceNs = ts;
        break;
      }
      case 'queue.call_joined': {
        const q = this.queue(d.queue, tenant);
        q.offered += 1;
        q.waiting.push({ callId: d.call_id, sinceNs: ts });
        const c = call(d.call_id);
        if (c) c.queue = d.queue;
        break;
      }
      case 'queue.call_left':
        this.leaveQueue(d.queue, d.call_id);
        break;
      case 'queue.closed':
        this.queue(d.queue, tenant).closed = true;
        break;
      case 'queue.opened':
        this.queue(d.queue, tenant).closed = false;
        break;
      case 'call.offered': {
        const c = call(d.call_id);
        // A connected call rings a second agent (a consultation, an
        // invitation): the call stays with its agent.
        if (c && c.state !== 'talking' && c.state !== 'on_hold') { c.state = 'ringing'; c.agentId = d.agent_id; }
        break;
      }
      case 'call.consultation_started': {
        const c = call(d.call_id);
        if (c) c.consultWith = d.target_agent;
        break;
      }
      case 'call.consultation_ended': {
        const c = call(d.call_id);
        if (c) c.consultWith = '';
        break;
      }
      case 'call.transferred': {
        const c = call(d.call_id);
        if (!c) break;
        c.consultWith = '';
        if (d.mode === 'consultative' && d.target_kind === 'agent') { c.agentId = d.target; c.state = 'talking'; }
        else { c.agentId = ''; c.state = 'arrived'; }
        break;
      }
      case 'call.offer_ended': {
        const c = call(d.call_id);
        if (c && c.state === 'ringing') c.state = 'queued';
        break;
      }
      case 'call.connected': {
        const c = call(d.call_id);
        if (!c) break;
        c.state = 'talking'; c.agentId = d.agent_id;
        if (d.queue) {
          const q = this.queue(d.queue, tenant);
          q.answered += 1;
          q.waitMsSum += d.wait_ms || 0;
          if ((d.wait_ms || 0) <= q.serviceLevelMs) q.answeredInSl += 1;
          this.leaveQueue(d.queue, d.call_id);
        }
        break;
      }
      case 'call.held': {
        const c = call(d.call_id);
        if (c) c.state = 'on_hold';
        break;
      }
      case 'call.resumed': {
        const c = call(d.call_id);
        if (c) c.state = 'talking';
        break;
      }
      case 'call.ended': {
        const c = call(d.call_id);
        const q = d.queue || (c ? c.queue : '');
        if (q) {
          if (d.outcome === 'abandoned') this.queue(q, tenant).abandoned += 1;
          this.leaveQueue(q, d.call_id);
        }
        this.calls.delete(d.call_id);
        break;
      }
      case 'recording.started':
        this.recordings.set(d.call_id, { state: 'recording', agentId: d.agent_id || '', queue: d.queue || '' });
        if (this.recordings.size > 200) this.recordings.delete(this.recordings.keys().next().value); // the oldest
        break;
      case 'recording.paused':
      case 'recording.resumed':
      case 'recording.stopped': {
        const r = this.recordings.get(d.call_id) || { agentId: '', queue: '' };
        r.state = { 'recording.paused': 'paused', 'recording.resumed': 'recording', 'recording.stopped': 'stopped' }[e.type];
        this.recordings.set(d.call_id, r);
        break;
      }
      default:
        break;
    }
    return true;
  }

  /** A queue's figures as the tiles show them (like GET /api/queues/{id}). */
  /**
   * Every queue's logged-in agents by state, in one pass over the agents:
   * Map queue id -> { state: count }. A wallboard of 100 queues and 1,000
   * agents draws from this rather than scanning the agents once a queue.
   */
  agentsByQueue() {
    const out = new Map();
    for (const a of this.agents.values()) {
      if (a.state === 'logged_out') continue;
      for (const q of a.queues) {
        let byState = out.get(q);
        if (!byState) out.set(q, (byState = {}));
        byState[a.state] = (byState[a.state] || 0) + 1;
      }
    }
    return out;
  }

  /** `byQueue`: agentsByQueue() when the caller draws many queues at once. */
  queueFigures(id, nowNs = this.nowNs(), byQueue = null) {
    const q = this.queues.get(id);
    if (!q) return null;
    let byState = {};
    if (byQueue) byState = { ...(byQueue.get(id) || {}) };
    else {
      for (const a of this.agents.values())
        if (a.state !== 'logged_out' && a.queues.includes(id)) byState[a.state] = (byState[a.state] || 0) + 1;
    }
    let oldest = 0;
    for (const w of q.waiting) oldest = Math.max(oldest, Math.trunc((nowNs - w.sinceNs) / NS_PER_MS));
    return {
      id: q.id, name: q.name, closed: q.closed, waiting: q.waiting.length, oldestWaitMs: oldest,
      offered: q.offered, answered: q.answered, abandoned: q.abandoned,
      serviceLevel: q.answered === 0 ? 1 : q.answeredInSl / q.answered,
      asaMs: q.answered === 0 ? 0 : Math.trunc(q.waitMsSum / q.answered), agents: byState,
    };
  }

  /** Milliseconds an agent has been in its state. */
  inStateMs(a, nowNs = this.nowNs()) {
    return a.sinceNs > 0 ? Math.max(0, Math.trunc((nowNs - a.sinceNs) / NS_PER_MS)) : 0;
  }
}
