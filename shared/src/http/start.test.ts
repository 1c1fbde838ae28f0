import { loadConfig } from '../config/config';
import { parseProfiles } from '../domain/profile';
import { type StartIo, startOrExit } from './start';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function io(): StartIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (line) => {
      lines.push(line);
    },
    exit: (code) => {
      throw new Exit(code);
    },
  };
}

describe('startOrExit', () => {
  it('returns what the build made', () => {
    expect(startOrExit('rebalance', () => 42, io())).toBe(42);
  });

  it('a config error is one JSON line at ERROR naming the variables, then exit 1', () => {
    const out = io();
    expect(() => startOrExit('rebalance', () => loadConfig({ LIVE_TRADING: 'maybe' }), out)).toThrow(new Exit(1));
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
    expect(out.lines[0]?.trim()).not.toContain('\n');
    const line = JSON.parse(out.lines[0] ?? '');
    expect(line).toMatchObject({ severity: 'ERROR', function: 'rebalance', code: 'config.invalid' });
    expect(line.message).toMatch(
      /^config\.invalid: rebalance did not start: invalid configuration: LIVE_TRADING must be/,
    );
    expect(line.message).toMatch(/fix the named environment variables/);
    expect(line.message).not.toMatch(/syntax error|at .*\.ts:\d+/);
    expect(line.variables).toEqual(['LIVE_TRADING']);

    const missing = io();
    expect(() => startOrExit('rebalance', () => loadConfig({}), missing)).toThrow(new Exit(1));
    expect(JSON.parse(missing.lines[0] ?? '').variables).toEqual(
      expect.arrayContaining(['OIDC_AUDIENCE', 'OIDC_ALLOWED_EMAILS']),
    );
  });

  it('a bad STRATEGY_PROFILES is named the same way', () => {
    const out = io();
    expect(() => startOrExit('snapshot', () => parseProfiles('{"default":{"bandAbs":"x"}}'), out)).toThrow(new Exit(1));
    const line = JSON.parse(out.lines[0] ?? '');
    expect(line.code).toBe('config.profiles_invalid');
    expect(line.variables).toContain('STRATEGY_PROFILES');
  });

  it('rethrows what is not a planned error (a bug keeps its stack)', () => {
    const out = io();
    expect(() =>
      startOrExit(
        'rebalance',
        () => {
          throw new TypeError('x is undefined');
        },
        out,
      ),
    ).toThrow(TypeError);
    expect(out.lines).toEqual([]);
  });
});
