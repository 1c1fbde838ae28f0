export { checkHealth, type HealthCheck, type HealthDeps, type HealthInput, type HealthReport } from './check-health';
export { CLIENT_ORDER_ID_PATTERN, clientOrderIdFor } from './client-order-id';
export type {
  RebalanceDeps,
  RebalanceInput,
  RebalanceOnce,
  RebalanceReport,
  ReportOrder,
  ReportStatus,
} from './contract';
export { rebalanceOnce } from './rebalance-once';
export {
  LeaseLostError,
  ProfileMismatchError,
  SendDeadlineError,
  UnexpectedRunError,
  UnknownProfileError,
  UnsettledOrdersError,
} from './run-errors';
export { LEASE_MARGIN_MS, leaseMsFor } from './run-lease';
export { type SnapshotDeps, type SnapshotInput, type SnapshotResult, takeSnapshot } from './take-snapshot';
