import { TRACE_FIELD, traceFields } from './request-context';

describe('traceFields', () => {
  const id = '105445aa7843bc8bf206b12000100000';
  it.each([
    [
      'trace and span with a project',
      `${id}/1;o=1`,
      'p1',
      { [TRACE_FIELD]: `projects/p1/traces/${id}`, 'logging.googleapis.com/spanId': '1' },
    ],
    ['trace only', id, 'p1', { [TRACE_FIELD]: `projects/p1/traces/${id}` }],
    ['no project known', `${id}/7`, undefined, { [TRACE_FIELD]: id, 'logging.googleapis.com/spanId': '7' }],
    ['no header', undefined, 'p1', {}],
    ['garbage is ignored', 'nope"}\n{"severity":"ERROR"', 'p1', {}],
  ])('%s', (_name, header, project, expected) => {
    expect(traceFields(header, project)).toEqual(expected);
  });
});
