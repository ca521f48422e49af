// Plain words for the protocol's error codes and close codes (packages/message/README.md).

export const ERROR_TEXT = {
  bad_json: 'The server could not read that message.',
  bad_frame: 'The server could not read that message.',
  too_long: 'That message is too long. Shorten it and try again.',
  unsupported_frame: 'The server does not understand this page. Reload it.',
  rate_limited: 'You are sending messages too quickly.',
  too_many_generations: 'A reply is still being written. Wait for it or press Stop.',
  storage_unavailable: 'Messages cannot be saved right now. Try again in a moment.',
  upstream_timeout: 'The model took too long to answer. Try again.',
  upstream_interrupted: 'The reply was cut off before it finished.',
  upstream_unavailable: 'The model is unavailable right now. Try again later.',
  upstream_rejected: 'The model refused this request.',
  server_draining: 'The server is restarting. Reconnecting…',
  session_not_found: 'This conversation no longer exists. A new one will start.',
  session_ended: 'This conversation has ended. Start a new chat.',
  forbidden: 'You are not allowed to do that.',
  cancelled: 'Stopped.',
  internal: 'Something went wrong on the server.',
};

export const CLOSE_TEXT = {
  4000: 'This conversation was opened in another tab.',
  4001: 'Your access token expired. Paste a new one to continue.',
  4002: 'This conversation was ended.',
  1008: 'The server refused this connection.',
};
