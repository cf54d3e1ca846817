// The login page: user name and password → the session cookie (HttpOnly,
// set by the node), then the page of the user's role.
import { api, whoAmI, homeOf } from './lib/api.js';
import { chooseLanguage, languageSelect, translatePage, errorText, t } from './lib/i18n.js';

chooseLanguage();
translatePage();
languageSelect(document.getElementById('lang'));

const form = document.getElementById('login');
const error = document.getElementById('login-error');
const submit = document.getElementById('login-submit');
// Sent here because the session ended (lib/session.js).
if (new URLSearchParams(location.search).get('expired') === '1') {
  const ended = document.getElementById('login-expired');
  ended.textContent = t('session.ended');
  ended.hidden = false;
}

function showError(text) {
  error.textContent = text;
  error.hidden = false;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  error.hidden = true;
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username) { form.username.focus(); return; }
  submit.disabled = true;
  submit.textContent = t('login.busy');
  try {
    const me = await api('POST', '/api/login', { username, password });
    // The language chosen here becomes the user's, unless the user has one already.
    try {
      if (!localStorage.getItem(`hotline.lang.${me.username}`))
        localStorage.setItem(`hotline.lang.${me.username}`, localStorage.getItem('hotline.lang') || 'en');
    } catch { /* not remembered */ }
    location.assign(homeOf(me));
  } catch (e) {
    showError(errorText(e));
    form.password.value = '';
    form.password.focus();
  } finally {
    submit.disabled = false;
    submit.textContent = t('login.submit');
  }
});

// Already signed in: straight to the desk.
whoAmI().then((me) => { if (me) location.assign(homeOf(me)); }).catch(() => {});
