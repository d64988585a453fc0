// AWS Signature Version 4 with Web Crypto (header signing, as the AWS SDKs
// do for Pinpoint). Web Crypto needs a secure context: https or localhost.

import type { Credentials } from './types';

const te = new TextEncoder();
const subtle = () => crypto.subtle;
const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => (x < 16 ? '0' : '') + x.toString(16)).join('');
const sha256 = async (s: string) => hex(await subtle().digest('SHA-256', te.encode(s)));
const hmac = async (key: BufferSource, s: string) =>
  subtle().sign('HMAC', await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), te.encode(s));

/** RFC 3986 encoding, as SigV4 wants it. */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * Returns the headers to send (without host, which the browser sets):
 * the given ones plus x-amz-date, the session token if any, and
 * authorization. url.pathname must already be escaped once; the canonical
 * URI escapes it again, as for every service but S3.
 */
export async function sign(
  method: string, url: URL, headers: Record<string, string>, body: string,
  creds: Credentials, region: string, date: Date, service = 'mobiletargeting',
): Promise<Record<string, string>> {
  const amzDate = date.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const h: Record<string, string> = { host: url.host, 'x-amz-date': amzDate };
  for (const k in headers) h[k.toLowerCase()] = headers[k].trim();
  if (creds.sessionToken) h['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(h).sort();
  const signed = names.join(';');
  const query = [...url.searchParams]
    .map(([k, v]) => uriEncode(k) + '=' + uriEncode(v))
    .sort()
    .join('&');
  const canonical = [
    method,
    url.pathname.split('/').map(uriEncode).join('/'),
    query,
    names.map((n) => n + ':' + h[n] + '\n').join(''),
    signed,
    await sha256(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  let k = await hmac(te.encode('AWS4' + creds.secretAccessKey), day);
  for (const part of [region, service, 'aws4_request']) k = await hmac(k, part);
  const sig = hex(await hmac(k, ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n')));
  delete h.host;
  h.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${sig}`;
  return h;
}
