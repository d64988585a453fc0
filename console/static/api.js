// The console's only way to the server: inappd's own API (Pinpoint
// operations and /inappd/v1 extensions) on the same origin, signed with
// SigV4 in the browser by the SDK's signer, with the key the user signed
// in with. The key lives in sessionStorage: it goes when the tab goes.

import { signRequest } from './vendor/inappd.mjs';

const REGION = 'us-east-1';
const STORE = 'inappd.console.key';

/** An error answer of the API: message is the server's Message. */
export class ApiError extends Error {
  constructor(message, status, type, requestId) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.requestId = requestId;
  }
}

function credentials() {
  try {
    const c = JSON.parse(sessionStorage.getItem(STORE) || 'null');
    return c && c.accessKeyId && c.secretAccessKey ? c : null;
  } catch {
    return null;
  }
}

/** Whether a key is stored for this tab. */
export function signedIn() {
  return credentials() !== null;
}

/** The signed-in key ID (never the secret), or ''. */
export function keyId() {
  return credentials()?.accessKeyId || '';
}

const listeners = new Set();
/** Calls fn() when the session ends (sign out, or the key stops working). */
export function onSignOut(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Checks the key with a signed GetApps and keeps it for this tab.
 * Throws an ApiError whose message says what is wrong (unknown key,
 * wrong secret, clock skew, not a root key).
 */
export async function signIn(keyIdValue, secret) {
  const creds = { accessKeyId: String(keyIdValue).trim(), secretAccessKey: String(secret).trim() };
  if (!creds.accessKeyId || !creds.secretAccessKey) {
    throw new ApiError('Enter both the access key ID and the secret access key.', 0, 'ClientError', '');
  }
  try {
    await send('GET', '/v1/apps', { query: { 'page-size': '1' } }, creds);
  } catch (err) {
    throw explainSignInError(err);
  }
  sessionStorage.setItem(STORE, JSON.stringify(creds));
}

/** Forgets the key. */
export function signOut() {
  sessionStorage.removeItem(STORE);
  for (const fn of listeners) fn();
}

function explainSignInError(err) {
  if (!(err instanceof ApiError)) return err;
  const m = err.message || '';
  let hint = '';
  if (err.type === 'UnrecognizedClientException' || /security token|access key id/i.test(m)) {
    hint = 'This access key ID is unknown to this server. Check the key ID (the root key is set with INAPPD_ROOT_ACCESS_KEY_ID, or printed on first start).';
  } else if (/expired|not yet current|skew/i.test(m)) {
    hint = "The request's time is too far from the server's: check this computer's clock.";
  } else if (err.type === 'InvalidSignatureException' || /signature/i.test(m)) {
    hint = 'The secret access key does not match this key ID.';
  } else if (err.status === 403) {
    hint = 'This key may not manage apps: sign in with the root key, not a client key.';
  }
  if (!hint) return err;
  return new ApiError(hint + ' (Server: ' + m + ')', err.status, err.type, err.requestId);
}

function buildURL(path, query) {
  const url = new URL(path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      url.searchParams.set(k, String(v));
    }
  }
  return url;
}

async function send(method, path, { query, body, contentType } = {}, creds = credentials()) {
  if (!creds) {
    throw new ApiError('You are signed out. Sign in with an access key.', 401, 'SignedOut', '');
  }
  const url = buildURL(path, query);
  let payload = '';
  const headers = {};
  if (body !== undefined && body !== null) {
    if (typeof body === 'string') {
      payload = body;
      headers['content-type'] = contentType || 'text/plain';
    } else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  const signed = await signRequest(method, url, headers, payload, creds, REGION, new Date());
  let res;
  try {
    res = await fetch(url, { method, headers: signed, body: payload === '' && method === 'GET' ? undefined : payload || undefined });
  } catch (err) {
    throw new ApiError('Could not reach the server: ' + (err && err.message ? err.message : err), 0, 'NetworkError', '');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const type = (res.headers.get('x-amzn-errortype') || '').split(':')[0] || (data && (data.__type || data.code)) || 'Error';
    const message = (data && (data.Message || data.message)) || text || res.statusText || 'Request failed';
    const requestId = (data && data.RequestID) || res.headers.get('x-amzn-requestid') || '';
    throw new ApiError(message, res.status, type, requestId);
  }
  return res.status === 204 ? null : data;
}

/**
 * Calls the API: call('GET', '/v1/apps', { query: { 'page-size': '50' } }).
 * Returns the parsed JSON answer (null for 204); throws ApiError.
 */
export async function call(method, path, { query, body } = {}) {
  try {
    return await send(method, path, { query, body });
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && /signed out|security token/i.test(err.message)) signOut();
    throw err;
  }
}

/**
 * Uploads a file as the request body (the import extension):
 * upload('/inappd/v1/apps/ID/imports', file, { format: 'CSV', 'segment-name': 'x' }).
 */
export async function upload(path, file, query) {
  const text = await file.text();
  const type = /json/i.test(file.type) ? 'application/json' : 'text/csv';
  return send('POST', path, { query, body: text, contentType: type });
}

/**
 * Reads every page of a Pinpoint list and returns all items: pick(answer)
 * gives the {Item, NextToken} part. tokenParam is the query name of the
 * page token ('token' for most lists, 'next-token' for ListTemplates and
 * ListTemplateVersions).
 */
export async function listAll(path, pick, query = {}, tokenParam = 'token') {
  const items = [];
  let token = '';
  for (let i = 0; i < 50; i++) {
    const page = await call('GET', path, { query: { ...query, 'page-size': query['page-size'] || '100', [tokenParam]: token } });
    const part = pick(page) || {};
    items.push(...(part.Item || []));
    token = part.NextToken || '';
    if (!token) break;
  }
  return items;
}
