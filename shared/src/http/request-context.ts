import type { Logger } from '../observability/logger';

/** The trace field Cloud Logging joins request logs on. */
export const TRACE_FIELD = 'logging.googleapis.com/trace';
const SPAN_FIELD = 'logging.googleapis.com/spanId';

/**
 * `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` → the fields that put our lines under the request
 * in Cloud Logging. Anything that does not look like a trace id is ignored (it is caller input).
 */
export function traceFields(
  header: string | string[] | undefined,
  projectId: string | undefined,
): Record<string, string> {
  const raw = Array.isArray(header) ? header[0] : header;
  const match = raw ? /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?/.exec(raw) : null;
  if (!match?.[1]) return {};
  const trace = projectId ? `projects/${projectId}/traces/${match[1]}` : match[1];
  return { [TRACE_FIELD]: trace, ...(match[2] ? { [SPAN_FIELD]: match[2] } : {}) };
}

export interface RequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A child logger bound to the function name and the request's trace; executionId is bound once known. */
export function requestLogger(logger: Logger, fn: string, req: RequestLike, projectId: string | undefined): Logger {
  return logger.child({ function: fn, ...traceFields(req.headers['x-cloud-trace-context'], projectId) });
}
