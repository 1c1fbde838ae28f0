import { SimulatorAdmin } from '@qrl-rebalancer/simulator';
import { type FunctionName, type LocalStack, startLocalStack } from '../../../scripts/lib/local-stack';
import { ensureBundles } from '../../harness/bundles';

/**
 * One local stack per test file, on the harness's Firestore emulator and this worker's project.
 * Every token a test mints goes through `remember`, so the file can assert at the end that no
 * function log line contains one (nor the API key or secret).
 */
export async function startE2eStack(
  functions: readonly FunctionName[],
  env: Record<string, string> = {},
): Promise<LocalStack> {
  await ensureBundles();
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  if (!emulatorHost) throw new Error('e2e tests run under the jest harness, which starts the Firestore emulator');
  return startLocalStack({
    functions,
    emulatorHost,
    ...(process.env.GOOGLE_CLOUD_PROJECT ? { projectId: process.env.GOOGLE_CLOUD_PROJECT } : {}),
    env,
    say: () => undefined,
  });
}

export async function orderCount(stack: LocalStack): Promise<number> {
  return (await new SimulatorAdmin(stack.simulator.url).orders()).length;
}

/** Secrets that must never reach a log line: the exchange credentials and every token sent. */
export function secretsOf(stack: LocalStack, tokens: Iterable<string>): string[] {
  const secrets = [stack.simulator.apiSecret, stack.simulator.apiKey];
  for (const token of tokens) {
    secrets.push(token);
    // a token's signature alone is as good as the token for a replay
    const signature = token.split('.')[2];
    if (signature && signature.length >= 16) secrets.push(signature);
  }
  return secrets;
}

export function leakedSecrets(output: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length > 0 && output.includes(secret));
}

/** The JSON lines a function wrote (non-JSON lines, e.g. the framework's own, are skipped). */
export function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
