import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientIp, secretsEqual } from './http-util.js';

const request = (forwarded?: string) =>
  ({
    headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
    socket: { remoteAddress: '10.0.0.1' },
  }) as unknown as IncomingMessage;

test('client address: the socket’s unless a trusted proxy is configured, then the entry that proxy added', () => {
  assert.equal(clientIp(request('1.2.3.4')), '10.0.0.1');
  assert.equal(clientIp(request('6.6.6.6, 1.2.3.4'), true), '1.2.3.4');
  assert.equal(clientIp(request(), true), '10.0.0.1');
});

test('secrets compare equal only when identical', () => {
  assert.equal(secretsEqual('abc', 'abc'), true);
  assert.equal(secretsEqual('abc', 'abd'), false);
  assert.equal(secretsEqual('abc', 'abcd'), false);
  assert.equal(secretsEqual('', 'abc'), false);
});
