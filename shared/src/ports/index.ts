export { type Clock, systemClock } from './clock';
export type { Exchange, NewOrder, OrderRef } from './exchange';
export * from './ledger';
