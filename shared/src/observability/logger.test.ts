import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  return { lines, sink: (line: string) => lines.push(line) };
}

describe('createLogger', () => {
  it('writes one Cloud Logging JSON object per line with bound fields', () => {
    const { lines, sink } = capture();
    createLogger('info', sink).child({ executionId: 'run-12345678' }).info('run.claimed', { attempt: 1 });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '');
    expect(entry).toMatchObject({ severity: 'INFO', message: 'run.claimed', executionId: 'run-12345678', attempt: 1 });
  });

  it('drops entries below the level', () => {
    const { lines, sink } = capture();
    const logger = createLogger('warn', sink);
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => JSON.parse(l).severity)).toEqual(['WARNING']);
  });

  it('replaces values of secret-named keys, at any depth', () => {
    const { lines, sink } = capture();
    createLogger('info', sink).info('config', {
      mexcApiSecret: 's3cr3t-value',
      nested: { authorization: 'Bearer abc.def.ghi', apiKey: 'mx0key' },
      plain: 'visible',
    });
    expect(lines[0]).not.toMatch(/s3cr3t|abc\.def|mx0key/);
    expect(lines[0]).toContain('visible');
  });
});
