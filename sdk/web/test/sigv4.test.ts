import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign } from '../src/sigv4';

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const date = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

// The AWS Signature Version 4 test suite (aws-sig-v4-test-suite).
test('get-vanilla', async () => {
  const h = await sign('GET', new URL('https://example.amazonaws.com/'), {}, '', creds, 'us-east-1', date, 'service');
  assert.equal(h['x-amz-date'], '20150830T123600Z');
  assert.equal(
    h.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
      'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );
  assert.equal(h.host, undefined, 'the browser sets host');
});

test('get-vanilla-query-order-key-case', async () => {
  const h = await sign('GET', new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1'), {}, '', creds, 'us-east-1', date, 'service');
  assert.match(h.authorization, /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
});

test('Pinpoint requests: service mobiletargeting, content-type and session token signed', async () => {
  const h = await sign(
    'POST', new URL('http://127.0.0.1:8080/v1/apps/a1/events'), { 'Content-Type': 'application/json' }, '{}',
    { ...creds, sessionToken: 'tok' }, 'eu-west-1', date,
  );
  assert.equal(h['content-type'], 'application/json');
  assert.equal(h['x-amz-security-token'], 'tok');
  assert.match(
    h.authorization,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/mobiletargeting\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
  );
});
