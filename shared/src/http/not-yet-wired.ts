import type { HttpFunction } from '@google-cloud/functions-framework';

/** Placeholder until the use case lands: answers 501 so a scheduler never mistakes it for a run. */
export function notYetWiredHttp(name: string): HttpFunction {
  return (_req, res) => {
    res.status(501).json({ error: 'not_implemented', message: `${name} is not wired yet; no order was sent` });
  };
}
