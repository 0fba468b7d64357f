// Calls to the gateway with the session cookie (HttpOnly, set by the login), turning error answers into
// messages a person can act on (problem details: code translated, English detail kept).
import { problemMessage } from './errors.js';
import { lang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, fields, code, detail) {
    super(message);
    this.status = status;
    this.fields = fields ?? null;
    this.code = code ?? null;
    this.detail = detail ?? null;
  }
}

const unauthorizedListeners = new Set();

/** Called when the session has ended (401), so the app can show the login again. */
export function onUnauthorized(listener) { unauthorizedListeners.add(listener); }

export async function api(path, { method = 'GET', body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, (lang() === 'en' ? 'Cannot reach the gateway: ' : '无法连接网关：') + error.message);
  }

  if (response.status === 401 && path !== '/api/auth/login') {
    for (const listener of unauthorizedListeners) listener();
  }

  if (response.status === 204) return null;
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const fields = data?.errors ?? null;
    throw new ApiError(response.status, problemMessage(data, response.status), fields, data?.code, data?.detail);
  }

  return data;
}

/** GET that answers null for 404 (an API that has not landed yet, or something out of sight). */
export async function apiOptional(path, options) {
  try {
    return await api(path, options);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}
