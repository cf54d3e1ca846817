// The pages' text in two languages. Every string a page shows comes from
// these dictionaries (tests/web check both have the same keys). The choice
// is remembered per user in localStorage (`hotline.lang.<user>`), and the
// last choice made on this browser is the login page's.

export const dictionaries = {
  en: {
    'app.title': 'hotline',
    'lang.label': 'Language',
    'login.title': 'Sign in',
    'login.username': 'User name',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.busy': 'Signing in…',
    'error.invalid_credentials': 'Wrong user name or password.',
    'error.login_locked': 'Too many failed sign-ins: this account is locked for a while.',
    'error.rate_limited': 'Too many requests; wait a moment.',
    'error.network': 'The node does not answer.',
    'error.generic': 'Refused: {code}. {detail}',
    'nav.logout': 'Sign out',
    'nav.agent': 'Desktop',
    'nav.supervisor': 'Supervisor',
    'feed.connecting': 'Connecting…',
    'feed.live': 'Live',
    'feed.offline': 'Offline, reconnecting…',
    'state.logged_out': 'Signed out',
    'state.ready': 'Ready',
    'state.not_ready': 'Not ready',
    'state.ringing': 'Ringing',
    'state.talking': 'Talking',
    'state.on_hold': 'On hold',
    'state.wrap_up': 'Wrap-up',
    'agent.title': 'Agent desktop',
    'agent.state': 'My state',
    'agent.in_state': 'for {time}',
    'agent.login': 'Sign in to my queues',
    'agent.logout': 'Sign out of queues',
    'agent.ready': 'Ready',
    'agent.not_ready': 'Not ready',
    'agent.reason': 'Reason',
    'reason.break': 'Break',
    'reason.lunch': 'Lunch',
    'reason.meeting': 'Meeting',
    'reason.training': 'Training',
    'reason.logged_in': 'Just signed in',
    'agent.wrap_up_left': 'Wrap-up ends in {time}',
    'agent.offer': 'Incoming call',
    'agent.accept': 'Accept',
    'agent.reject': 'Reject',
    'pop.caller': 'Caller',
    'pop.queue': 'Queue',
    'pop.customer': 'Customer',
    'pop.unknown_customer': 'Not identified',
    'pop.vip': 'VIP',
    'pop.returning': 'Returning customer ({n} contacts)',
    'pop.new': 'First contact',
    'pop.last_agent': 'Last agent',
    'pop.history': 'History',
    'pop.no_history': 'No earlier contacts',
    'pop.attached': 'Collected data',
    'pop.open_items': 'Open items',
    'pop.none': 'None',
    'call.title': 'Current call',
    'call.none': 'No call',
    'call.state': 'State',
    'call.hold': 'Hold',
    'call.resume': 'Resume',
    'call.hangup': 'Hang up',
    'call.wrap_up_done': 'Wrap-up done',
    'call.transfer': 'Transfer',
    'call.mode': 'Mode',
    'call.mode.blind': 'Blind',
    'call.mode.consultative': 'Consultative',
    'call.target_kind': 'To',
    'kind.agent': 'Agent',
    'kind.queue': 'Queue',
    'kind.external': 'Number',
    'call.target': 'Target',
    'call.conference': 'Conference',
    'call.party': 'Party',
    'dial.title': 'Dial out',
    'dial.number': 'Number',
    'dial.queue': 'On behalf of queue (optional)',
    'dial.submit': 'Dial',
    'stats.title': 'My day',
    'stats.answered': 'Answered',
    'stats.talk': 'Talk time',
    'stats.aht': 'Average talk',
    'keys.title': 'Shortcuts',
    'done': 'Done',
    'sup.title': 'Supervisor',
    'sup.queues': 'Queues',
    'sup.agents': 'Agents',
    'sup.wallboard': 'Wallboard',
    'sup.exit_wallboard': 'Leave wallboard',
    'tile.waiting': 'Waiting',
    'tile.oldest': 'Oldest wait',
    'tile.sl': 'Service level',
    'tile.asa': 'ASA',
    'tile.abandoned': 'Abandoned',
    'tile.answered': 'Answered',
    'tile.agents': 'Agents',
    'tile.closed': 'Closed',
    'level.ok': 'OK',
    'level.warn': 'Warning',
    'level.alarm': 'Alarm',
    'col.agent': 'Agent',
    'col.state': 'State',
    'col.time': 'Time in state',
    'col.call': 'Current call',
    'col.queues': 'Queues',
    'col.actions': 'Actions',
    'sup.listen': 'Listen',
    'sup.whisper': 'Whisper',
    'sup.barge': 'Barge',
    'sup.force_ready': 'Force ready',
    'sup.force_not_ready': 'Force not ready',
    'sup.force_logout': 'Force sign-out',
    'sup.no_agents': 'No agents to show',
    'sup.no_queues': 'No queues to show',
    'sup.done_supervise': 'Joined the call of {agent} ({mode})',
    'sup.done_force': '{agent}: {state}',
  },
  zh: {
    'app.title': 'hotline 呼叫中心',
    'lang.label': '语言',
    'login.title': '登录',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.busy': '正在登录…',
    'error.invalid_credentials': '用户名或密码错误。',
    'error.login_locked': '登录失败次数过多，账号已暂时锁定。',
    'error.rate_limited': '请求过于频繁，请稍候。',
    'error.network': '节点无响应。',
    'error.generic': '被拒绝：{code}。{detail}',
    'nav.logout': '退出',
    'nav.agent': '坐席工作台',
    'nav.supervisor': '班长席',
    'feed.connecting': '正在连接…',
    'feed.live': '实时',
    'feed.offline': '已断开，正在重连…',
    'state.logged_out': '未签入',
    'state.ready': '就绪',
    'state.not_ready': '未就绪',
    'state.ringing': '振铃',
    'state.talking': '通话中',
    'state.on_hold': '保持',
    'state.wrap_up': '话后处理',
    'agent.title': '坐席工作台',
    'agent.state': '我的状态',
    'agent.in_state': '已持续 {time}',
    'agent.login': '签入我的队列',
    'agent.logout': '签出队列',
    'agent.ready': '就绪',
    'agent.not_ready': '未就绪',
    'agent.reason': '原因',
    'reason.break': '休息',
    'reason.lunch': '午餐',
    'reason.meeting': '会议',
    'reason.training': '培训',
    'reason.logged_in': '刚签入',
    'agent.wrap_up_left': '话后处理剩余 {time}',
    'agent.offer': '来电',
    'agent.accept': '接听',
    'agent.reject': '拒接',
    'pop.caller': '主叫',
    'pop.queue': '队列',
    'pop.customer': '客户',
    'pop.unknown_customer': '未识别',
    'pop.vip': 'VIP',
    'pop.returning': '老客户（{n} 次联系）',
    'pop.new': '首次联系',
    'pop.last_agent': '上次坐席',
    'pop.history': '历史记录',
    'pop.no_history': '无历史联系',
    'pop.attached': '随路数据',
    'pop.open_items': '未结事项',
    'pop.none': '无',
    'call.title': '当前通话',
    'call.none': '无通话',
    'call.state': '状态',
    'call.hold': '保持',
    'call.resume': '恢复',
    'call.hangup': '挂断',
    'call.wrap_up_done': '结束话后处理',
    'call.transfer': '转接',
    'call.mode': '方式',
    'call.mode.blind': '盲转',
    'call.mode.consultative': '咨询转',
    'call.target_kind': '转至',
    'kind.agent': '坐席',
    'kind.queue': '队列',
    'kind.external': '号码',
    'call.target': '目标',
    'call.conference': '三方会议',
    'call.party': '参与方',
    'dial.title': '外呼',
    'dial.number': '号码',
    'dial.queue': '代表队列（可选）',
    'dial.submit': '拨号',
    'stats.title': '今日统计',
    'stats.answered': '接听数',
    'stats.talk': '通话时长',
    'stats.aht': '平均通话',
    'keys.title': '快捷键',
    'done': '完成',
    'sup.title': '班长席',
    'sup.queues': '队列',
    'sup.agents': '坐席',
    'sup.wallboard': '大屏',
    'sup.exit_wallboard': '退出大屏',
    'tile.waiting': '排队数',
    'tile.oldest': '最长等待',
    'tile.sl': '服务水平',
    'tile.asa': '平均应答',
    'tile.abandoned': '放弃数',
    'tile.answered': '接通数',
    'tile.agents': '坐席',
    'tile.closed': '已关闭',
    'level.ok': '正常',
    'level.warn': '警告',
    'level.alarm': '告警',
    'col.agent': '坐席',
    'col.state': '状态',
    'col.time': '状态时长',
    'col.call': '当前通话',
    'col.queues': '队列',
    'col.actions': '操作',
    'sup.listen': '监听',
    'sup.whisper': '密语',
    'sup.barge': '强插',
    'sup.force_ready': '强制就绪',
    'sup.force_not_ready': '强制未就绪',
    'sup.force_logout': '强制签出',
    'sup.no_agents': '没有可显示的坐席',
    'sup.no_queues': '没有可显示的队列',
    'sup.done_supervise': '已加入 {agent} 的通话（{mode}）',
    'sup.done_force': '{agent}：{state}',
  },
};

export const languages = [['en', 'English'], ['zh', '中文']];

let current = 'en';
let user = '';

function stored(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
function store(key, value) {
  try { localStorage.setItem(key, value); } catch { /* private mode: not remembered */ }
}

/** The language for `username` (or the browser's last choice, or its own language). */
export function chooseLanguage(username = '') {
  user = username;
  const pick = (username && stored(`hotline.lang.${username}`)) || stored('hotline.lang') ||
    ((navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  current = dictionaries[pick] ? pick : 'en';
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  return current;
}

export function language() { return current; }

/** Switches, remembers (for the user and as this browser's last choice) and relabels the page. */
export function setLanguage(lang) {
  if (!dictionaries[lang]) return;
  current = lang;
  store('hotline.lang', lang);
  if (user) store(`hotline.lang.${user}`, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  translatePage();
}

/** The text of `key` with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Fills every [data-i18n] element's text and [data-i18n-label]/[data-i18n-placeholder]. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.title = `${t(document.body.dataset.titleKey || 'app.title')} · hotline`;
  for (const cb of listeners) cb();
}

const listeners = [];
/** `cb` runs after every language switch (pages redraw what they built). */
export function onLanguageChange(cb) { listeners.push(cb); }

/** Wires a <select> to the language. */
export function languageSelect(select) {
  select.replaceChildren(...languages.map(([code, name]) => {
    const o = document.createElement('option');
    o.value = code;
    o.textContent = name;
    o.lang = code === 'zh' ? 'zh-CN' : 'en';
    return o;
  }));
  select.value = current;
  select.addEventListener('change', () => setLanguage(select.value));
}

/** An API error as text for people. */
export function errorText(e) {
  const known = { invalid_credentials: 1, login_locked: 1, rate_limited: 1, network: 1 };
  if (e && known[e.code]) return t(`error.${e.code}`);
  return t('error.generic', { code: e && e.code ? e.code : 'error', detail: e && e.detail ? e.detail : String(e) });
}

/** 65000 ms → "1:05", 3723000 → "1:02:03". */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
