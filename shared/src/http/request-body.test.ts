import { parseRunRequest } from './request-body';
import { RequestError } from './request-error';
import { httpStatus } from './status';

describe('parseRunRequest', () => {
  const accepted: [string, unknown, object][] = [
    ['no body (undefined)', undefined, {}],
    ['no body (framework {})', {}, {}],
    ['empty octet-stream (Scheduler default)', Buffer.alloc(0), {}],
    ['whitespace text', '  \n', {}],
    [
      'JSON object',
      { profile: 'default', dryRun: true, executionId: 'manual-0001' },
      { profile: 'default', dryRun: true, executionId: 'manual-0001' },
    ],
    ['JSON as a buffer', Buffer.from('{"dryRun":false}'), { dryRun: false }],
    ['JSON as text', '{"profile":"alt_1"}', { profile: 'alt_1' }],
  ];
  it.each(accepted)('accepts %s', (_name, body, expected) => {
    expect(parseRunRequest(body)).toEqual(expected);
  });

  const refused: [string, unknown, string, string | null, RegExp][] = [
    ['not JSON', 'not json', 'request.bad_json', null, /not valid JSON/],
    ['not JSON, as a buffer', Buffer.from('{"a":'), 'request.bad_json', null, /not valid JSON/],
    ['an array', [1], 'request.bad_body', null, /JSON object/],
    ['a number', '42', 'request.bad_body', null, /JSON object/],
    ['an unknown key', { profile: 'default', force: true }, 'request.unknown_field', 'force', /unknown field "force"/],
    [
      'a short execution id',
      { executionId: 'short' },
      'request.bad_execution_id',
      'executionId',
      /executionId must match/,
    ],
    [
      'an execution id with a slash',
      { executionId: 'runs/../x1234' },
      'request.bad_execution_id',
      'executionId',
      /executionId/,
    ],
    ['dryRun as a string', { dryRun: 'yes' }, 'request.bad_field', 'dryRun', /dryRun must be true or false/],
    ['profile with spaces', { profile: 'a b' }, 'request.bad_field', 'profile', /profile must be/],
  ];
  it.each(refused)('refuses %s with 400 naming the problem', (_name, body, code, field, what) => {
    const result = parseRunRequest(body);
    expect(result).toBeInstanceOf(RequestError);
    const error = result as RequestError;
    expect(httpStatus({ error })).toBe(400);
    expect(error.code).toBe(code);
    expect(error.metadata.field).toBe(field);
    expect(error.what).toMatch(what);
  });

  it('does not repeat a bad body back', () => {
    const error = parseRunRequest('{"token":"eyJsecret') as RequestError;
    expect(JSON.stringify(error.toJSON())).not.toContain('eyJsecret');
  });
});
