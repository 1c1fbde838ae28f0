import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DEFAULT_KNOBS, parseProfile, parseProfiles, type StrategyProfile } from '@qrl-rebalancer/shared/domain';
import { BacktestUsageError } from './options';

const KNOBS = new Set(Object.keys(DEFAULT_KNOBS));

/**
 * `--profile`: a file (`.json`, or any existing path) holding one profile's knobs or a
 * STRATEGY_PROFILES-style map (pick one with `file.json#id`); otherwise a profile id of the
 * STRATEGY_PROFILES environment variable, or of the built-in profiles when it is unset.
 */
export function loadProfile(spec: string, env: Readonly<Record<string, string | undefined>>): StrategyProfile {
  const [path = spec, wanted] = spec.includes('#') ? spec.split('#', 2) : [spec];
  if (path.endsWith('.json') || existsSync(path)) {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new BacktestUsageError(`--profile ${path} is not a readable JSON file (${(error as Error).message})`);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new BacktestUsageError(`--profile ${path} must hold a JSON object of strategy knobs`);
    const keys = Object.keys(input);
    if (keys.length === 0 || keys.some((k) => KNOBS.has(k))) {
      const id =
        basename(path, extname(path))
          .replace(/[^A-Za-z0-9_-]/g, '-')
          .slice(0, 64) || 'file';
      return parseProfile(id, input);
    }
    const profiles = parseProfiles(JSON.stringify(input));
    const ids = Object.keys(profiles);
    const id = wanted ?? (ids.length === 1 ? ids[0] : undefined);
    const profile = id === undefined ? undefined : profiles[id];
    if (!profile)
      throw new BacktestUsageError(
        `--profile ${spec}: ${wanted ? `no profile "${wanted}"` : 'the file defines several profiles'}; pick one with ${path}#<id> (${ids.join(', ')})`,
      );
    return profile;
  }
  const profiles = parseProfiles(env.STRATEGY_PROFILES);
  const profile = profiles[spec];
  if (!profile)
    throw new BacktestUsageError(
      `--profile ${spec} is neither a file nor a profile id of ${env.STRATEGY_PROFILES === undefined ? 'the built-in profiles' : 'STRATEGY_PROFILES'} (${Object.keys(profiles).join(', ')})`,
    );
  return profile;
}
