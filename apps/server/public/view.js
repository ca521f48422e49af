// DOM helpers of the chat page. Text goes in with textContent only (S12).

const $ = (id) => document.getElementById(id);
export const ui = {
  status: $('status'),
  demo: $('demo-badge'),
  newChat: $('new-chat'),
  tokenPanel: $('token-panel'),
  tokenForm: $('token-form'),
  tokenInput: $('token-input'),
  empty: $('empty'),
  list: $('messages'),
  notice: $('notice'),
  composer: $('composer'),
  input: $('input'),
  send: $('send'),
  stop: $('stop'),
};

export function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.status.textContent = text;
  ui.send.disabled = kind !== 'online';
}

export function showNotice(text, detail) {
  ui.notice.textContent = text;
  if (detail) {
    const small = document.createElement('small');
    small.textContent = detail;
    ui.notice.append(' ', small);
  }
  ui.notice.hidden = false;
}

export function clearNotice() {
  ui.notice.hidden = true;
  ui.notice.textContent = '';
}

export function scrollToEnd() {
  const chat = $('chat');
  chat.scrollTop = chat.scrollHeight;
}

export function bubble(role, text, status) {
  ui.empty.hidden = true;
  const el = document.createElement('li');
  el.className = `msg ${role}`;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = role === 'user' ? 'You' : ui.demo.hidden ? 'Assistant' : 'Assistant · demo';
  const body = document.createElement('div');
  body.className = 'body';
  body.textContent = text;
  el.append(who, body);
  ui.list.append(el);
  const entry = { el, body, role, text, status };
  markStatus(entry, status);
  scrollToEnd();
  return entry;
}

export function markStatus(entry, status) {
  entry.status = status;
  entry.el.dataset.status = status;
  entry.el.setAttribute('aria-busy', String(status === 'streaming' || status === 'pending'));
}

export function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 200)}px`;
}
