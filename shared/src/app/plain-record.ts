import Big from 'big.js';
import type { LedgerRecord, LedgerValue } from '../ports/ledger';

/**
 * A JSON-shaped value (report, plan JSON) as a ledger record. Interfaces carry no index signature,
 * so they are copied field by field; undefined fields are left out, anything else unexpected is
 * written as its string form rather than dropped.
 */
export function plainRecord(value: object): LedgerRecord {
  const out: Record<string, LedgerValue> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = plainValue(field);
  }
  return out;
}

function plainValue(value: unknown): LedgerValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date || value instanceof Big) return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') return plainRecord(value);
  return String(value);
}
