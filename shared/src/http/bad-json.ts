import { createRequire } from 'node:module';
import type { Request, Response } from '@google-cloud/functions-framework';

/**
 * functions-framework parses `application/json` bodies with body-parser before a handler runs. A body
 * that is not JSON never reaches parseRunRequest: body-parser hands Express an error and Express's final
 * handler answers its own HTML page (with the stack outside production). functions-framework 5 offers no
 * hook for that (GoogleCloudPlatform/functions-framework-nodejs#686), so this wraps `handle` of the
 * Express application prototype — the Express that functions-framework itself loads, resolved from its
 * own directory — and answers that one error with `answer`. Every other error still reaches Express's
 * final handler unchanged. Install it before `ff.http(...)`; the server is created after the module loads.
 * Returns false (and changes nothing) when Express cannot be found.
 */
export type BadJsonAnswer = (req: Request, res: Response) => void;

interface ExpressApplication {
  handle(this: ExpressApplication, req: unknown, res: unknown, callback?: (err?: unknown) => void): void;
  get(setting: string): unknown;
}

interface ExpressModule {
  application: ExpressApplication;
}

const INSTALLED = Symbol.for('qrl-rebalancer.bad-json-answer');

/** body-parser's error for an unparsable JSON body (type `entity.parse.failed`, status 400). */
export function isJsonParseFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'entity.parse.failed' &&
    (error as { status?: unknown }).status === 400
  );
}

function frameworkRequire(): NodeJS.Require | null {
  try {
    return createRequire(require.resolve('@google-cloud/functions-framework'));
  } catch {
    return null;
  }
}

export function installBadJsonAnswer(answer: BadJsonAnswer, modules: { express?: ExpressModule } = {}): boolean {
  const ffRequire = modules.express ? null : frameworkRequire();
  let express: ExpressModule;
  let finalhandler: (req: unknown, res: unknown, options: Record<string, unknown>) => (err?: unknown) => void;
  try {
    express = modules.express ?? (ffRequire?.('express') as ExpressModule);
    const expressRequire = ffRequire ? createRequire(ffRequire.resolve('express')) : require;
    finalhandler = expressRequire('finalhandler');
  } catch {
    return false;
  }
  const app = express?.application as (ExpressApplication & { [INSTALLED]?: BadJsonAnswer }) | undefined;
  if (!app || typeof app.handle !== 'function') return false;
  if (app[INSTALLED]) {
    app[INSTALLED] = answer;
    return true;
  }
  app[INSTALLED] = answer;
  const handle = app.handle;
  app.handle = function handleWithJsonErrors(req, res, callback) {
    if (callback) return handle.call(this, req, res, callback);
    const env = this.get('env');
    // what Express passes its final handler itself (application.js, logerror)
    const fallback = finalhandler(req, res, {
      env,
      onerror: (err: { stack?: string }) => {
        if (env !== 'test') console.error(err.stack || String(err));
      },
    });
    return handle.call(this, req, res, (err?: unknown) => {
      const current = app[INSTALLED];
      if (current && isJsonParseFailure(err) && !(res as Response).headersSent) {
        current(req as Request, res as Response);
        return;
      }
      fallback(err);
    });
  };
  return true;
}
