// The chatbox page: no framework, no inline code (CSP). Protocol: packages/message/README.md.
// Model text is only ever written with textContent (S12).

import { CLOSE_TEXT, ERROR_TEXT } from './texts.js';
import {
  autosize,
  bubble,
  clearNotice,
  markStatus,
  scrollToEnd,
  setStatus,
  showNotice,
  ui,
} from './view.js';

const WS_PATH = '/chat/ws';
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];
const STORE = window.sessionStorage;
const FRAME_REFUSALS = new Set([
  'bad_json',
  'bad_frame',
  'too_long',
  'unsupported_frame',
  'rate_limited',
]);

const state = {
  token: '',
  socket: null,
  attempt: 0,
  timer: 0,
  opened: false,
  sessionId: STORE.getItem('chatbox.session') || '',
  confirmedSeq: 0, // every message up to this seq is final here: what `resume` asks after
  bySeq: new Map(), // seq -> { el, body, role, text, status }
  pending: new Map(), // clientMessageId -> { el, content }
  streamingSeq: 0,
  endingByUser: false,
};

function setGenerating(seq) {
  state.streamingSeq = seq;
  ui.stop.hidden = seq === 0;
}

function confirm() {
  // Contiguous finals only: a gap means something is still missing and must be replayed.
  for (;;) {
    const next = state.bySeq.get(state.confirmedSeq + 1);
    if (!next || next.status === 'streaming' || next.status === 'pending') return;
    state.confirmedSeq += 1;
  }
}

function upsert(seq, role, text, status) {
  let entry = state.bySeq.get(seq);
  if (!entry) {
    entry = bubble(role, text, status);
    state.bySeq.set(seq, entry);
  } else {
    entry.text = text;
    entry.body.textContent = text;
    markStatus(entry, status);
  }
  confirm();
  return entry;
}

function onFrame(frame) {
  switch (frame.type) {
    case 'session':
      if (state.sessionId && frame.sessionId !== state.sessionId)
        resetConversation(frame.sessionId);
      state.sessionId = frame.sessionId;
      STORE.setItem('chatbox.session', frame.sessionId);
      ui.demo.hidden = frame.demo !== true;
      return;
    case 'ack': {
      const pending = state.pending.get(frame.clientMessageId);
      state.pending.delete(frame.clientMessageId);
      if (!pending) return;
      if (state.bySeq.has(frame.seq)) pending.el.remove();
      else {
        const entry = {
          el: pending.el,
          body: pending.el.querySelector('.body'),
          role: 'user',
          text: pending.content,
          status: 'complete',
        };
        markStatus(entry, 'complete');
        state.bySeq.set(frame.seq, entry);
      }
      confirm();
      return;
    }
    case 'delta': {
      const entry = state.bySeq.get(frame.seq) || upsert(frame.seq, 'assistant', '', 'streaming');
      const have = entry.text.length;
      // Offsets make replayed and re-sent text idempotent after a resume.
      if (frame.offset > have) return resume();
      const fresh = frame.text.slice(have - frame.offset);
      if (fresh) upsert(frame.seq, 'assistant', entry.text + fresh, 'streaming');
      setGenerating(frame.seq);
      scrollToEnd();
      return;
    }
    case 'done': {
      const entry = state.bySeq.get(frame.seq) || upsert(frame.seq, 'assistant', '', frame.status);
      upsert(frame.seq, 'assistant', entry.text, frame.status);
      if (state.streamingSeq === frame.seq) setGenerating(0);
      return;
    }
    case 'replay':
      for (const m of frame.messages) {
        upsert(m.seq, m.role, m.content, m.status);
        if (m.status === 'streaming') setGenerating(m.seq);
      }
      resendPending();
      return;
    case 'error':
      return onError(frame);
    default:
  }
}

function onError(frame) {
  const text = ERROR_TEXT[frame.code] || 'Something went wrong.';
  const wait = frame.retryAfterMs ? ` Try again in ${Math.ceil(frame.retryAfterMs / 1000)} s.` : '';
  showNotice(text + wait, `code ${frame.code} · ref ${frame.correlationId}`);
  if (frame.code === 'session_not_found' || frame.code === 'session_ended') {
    // The conversation is gone: what was waiting to be sent goes into a new one.
    resetConversation('');
    resendPending();
    return;
  }
  // Frames refused before routing carry no clientMessageId: the unacknowledged sends failed.
  const failed = frame.clientMessageId
    ? [frame.clientMessageId]
    : FRAME_REFUSALS.has(frame.code)
      ? [...state.pending.keys()]
      : [];
  for (const id of failed) {
    const pending = state.pending.get(id);
    if (!pending) continue;
    markStatus({ el: pending.el }, 'failed');
    state.pending.delete(id);
  }
  if (frame.code.startsWith('upstream_') || frame.code === 'internal') setGenerating(0);
}

function resetConversation(sessionId) {
  state.sessionId = sessionId;
  if (sessionId) STORE.setItem('chatbox.session', sessionId);
  else STORE.removeItem('chatbox.session');
  state.confirmedSeq = 0;
  state.bySeq.clear();
  // Unacknowledged sends survive: they are resent into the next conversation.
  ui.list.replaceChildren(...[...state.pending.values()].map((pending) => pending.el));
  ui.empty.hidden = state.pending.size > 0;
  setGenerating(0);
}

function send(frame) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN)
    state.socket.send(JSON.stringify(frame));
}

function resume() {
  if (state.sessionId)
    send({ type: 'resume', sessionId: state.sessionId, lastSeq: state.confirmedSeq });
}

function resendPending() {
  // R4: the same clientMessageId, so a message that did reach the server is not stored twice.
  for (const [clientMessageId, pending] of state.pending) {
    send({
      type: 'send',
      clientMessageId,
      content: pending.content,
      ...(state.sessionId ? { sessionId: state.sessionId } : {}),
    });
  }
}

function connect() {
  clearTimeout(state.timer);
  if (!state.token) return;
  setStatus('connecting', state.attempt ? 'Reconnecting…' : 'Connecting…');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
  // Browsers cannot set headers on a WebSocket: the token rides as a subprotocol, never in the URL.
  const socket = new WebSocket(url, ['chat.v1', `bearer.${state.token}`]);
  state.socket = socket;
  state.opened = false;
  socket.addEventListener('open', () => {
    state.opened = true;
    state.attempt = 0;
    setStatus('online', 'Connected');
    clearNotice();
    if (state.sessionId) resume();
    else resendPending();
  });
  socket.addEventListener('message', (event) => {
    try {
      onFrame(JSON.parse(event.data));
    } catch {
      // A frame this page cannot read is skipped; the server validated it already.
    }
  });
  socket.addEventListener('close', (event) => onClose(socket, event));
}

function onClose(socket, event) {
  if (state.socket !== socket) return;
  state.socket = null;
  setGenerating(0);
  const final = state.endingByUser && event.code === 4002 ? '' : CLOSE_TEXT[event.code];
  if (event.code === 4002) {
    resetConversation('');
    if (state.endingByUser) {
      state.endingByUser = false;
      state.attempt = 0;
      return connect();
    }
  }
  if (event.code === 4001 || event.code === 4000 || event.code === 1008) {
    setStatus('offline', 'Disconnected');
    showNotice(final, `close ${event.code}`);
    if (event.code === 4001) askForToken();
    return;
  }
  if (final) showNotice(final, `close ${event.code}`);
  else if (!state.opened && state.attempt >= 2) {
    showNotice(
      'Cannot connect. The server may be down, or the token is invalid or expired.',
      'retrying',
    );
  }
  const delay = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
  state.attempt += 1;
  setStatus('offline', `Offline · retrying in ${Math.round(delay / 1000) || 1} s`);
  state.timer = setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
}

function askForToken() {
  ui.tokenPanel.hidden = false;
  ui.tokenInput.focus();
}

function submit(event) {
  event.preventDefault();
  const content = ui.input.value.trim();
  if (!content || ui.send.disabled) return;
  const clientMessageId = crypto.randomUUID();
  const entry = bubble('user', content, 'pending');
  state.pending.set(clientMessageId, { el: entry.el, content });
  send({
    type: 'send',
    clientMessageId,
    content,
    ...(state.sessionId ? { sessionId: state.sessionId } : {}),
  });
  ui.input.value = '';
  autosize();
  clearNotice();
}

function start() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    STORE.setItem('chatbox.token', fromUrl);
    // Out of the address bar and history, so it is not shared by copy and paste.
    history.replaceState(null, '', location.pathname + location.search);
  }
  state.token = STORE.getItem('chatbox.token') || '';
  ui.composer.addEventListener('submit', submit);
  ui.input.addEventListener('input', autosize);
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
  });
  ui.stop.addEventListener('click', () =>
    send({ type: 'cancel', ...(state.sessionId ? { sessionId: state.sessionId } : {}) }),
  );
  ui.newChat.addEventListener('click', () => {
    if (state.sessionId && state.socket) {
      // The server closes the socket 4002 once the session ends; the page reconnects at once.
      state.endingByUser = true;
      send({ type: 'end_session', sessionId: state.sessionId });
    }
    resetConversation('');
    clearNotice();
    ui.input.focus();
  });
  ui.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = ui.tokenInput.value.trim();
    STORE.setItem('chatbox.token', state.token);
    ui.tokenInput.value = '';
    ui.tokenPanel.hidden = true;
    state.attempt = 0;
    connect();
  });
  if (state.token) connect();
  else {
    setStatus('offline', 'Not connected');
    askForToken();
  }
}

start();
