import type { AddressInfo } from 'node:net';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { installBadJsonAnswer, isJsonParseFailure } from './bad-json';

// jest loads functions-framework through its own module registry; hand the installer that same Express
// (in a deployed function it resolves the one functions-framework loads from its own directory).
const express = require('express');

let url: string;
let close: () => Promise<void>;
let seen: unknown[] = [];

beforeAll(async () => {
  expect(
    installBadJsonAnswer(
      (_req, res) => {
        res.status(400).json({ error: 'request.bad_json', message: 'the body is not valid JSON' });
      },
      { express },
    ),
  ).toBe(true);
  ff.http('probe', (req, res) => {
    seen.push(req.body);
    if (req.query.throw === '1') throw new Error('boom');
    res.status(200).json({ ok: true });
  });
  const server = getTestServer('probe');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());
beforeEach(() => {
  seen = [];
});

const post = (body: string, type: string, path = '/') =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });

describe('installBadJsonAnswer', () => {
  it('answers invalid JSON sent as application/json with the JSON refusal, not HTML; the handler never runs', async () => {
    const response = await post('{"dryRun":', 'application/json');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'request.bad_json', message: 'the body is not valid JSON' });
    expect(seen).toEqual([]);
  });

  it('leaves valid JSON and other content types to the handler', async () => {
    expect((await post('{"dryRun":true}', 'application/json')).status).toBe(200);
    expect((await post('not json', 'text/plain')).status).toBe(200);
    expect(seen).toEqual([{ dryRun: true }, 'not json']);
  });

  it('leaves every other framework error to Express (an unsupported charset is still its 415)', async () => {
    const response = await post('{}', 'application/json; charset=klingon');
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('recognises only body-parser parse failures', () => {
    expect(isJsonParseFailure(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }))).toBe(
      true,
    );
    expect(isJsonParseFailure(Object.assign(new Error('x'), { type: 'charset.unsupported', status: 415 }))).toBe(false);
    expect(isJsonParseFailure(undefined)).toBe(false);
  });

  it('changes nothing when it cannot find Express', () => {
    expect(installBadJsonAnswer(() => undefined, { express: {} as never })).toBe(false);
  });
});
