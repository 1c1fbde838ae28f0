export { driftAfterFill } from './drift';
export {
  balanceGuard,
  cooldownGuard,
  depthGuard,
  emptyBookGuard,
  type GuardName,
  type GuardVerdict,
  type PortfolioState,
  priceBoundsGuard,
  priceMoveGuard,
  spreadGuard,
  tradingStatusGuard,
  turnoverGuard,
} from './guards';
export {
  accountTradingRefusal,
  firstNotApiTradable,
  notApiTradableMessage,
  withdrawalRisk,
} from './key-permissions';
export type {
  AccountInfo,
  Balance,
  BookSide,
  BookTop,
  Depth,
  OrderSide,
  OrderState,
  OrderStatus,
  OrderType,
  PriceLevel,
  SymbolRules,
  Trade,
} from './market';
export {
  type Plan,
  PlanInputError,
  type PlanMetrics,
  type PlanSnapshot,
  plan,
  type SkipReason,
} from './plan';
export {
  dec,
  type HoldingJson,
  type LegJson,
  orderToJson,
  type PlanJson,
  type PlannedOrderJson,
  planToJson,
  profileToJson,
  type ValuationJson,
  valuationToJson,
} from './plan-json';
export {
  DEFAULT_REFERENCE_POLICY,
  nextPriceReference,
  type PendingMove,
  type PriceReference,
  type PriceReferenceJson,
  priceReferenceFromJson,
  priceReferenceToJson,
  type ReferenceDecision,
  type ReferenceOutcome,
  type ReferencePolicy,
} from './price-reference';
export {
  assertDisjointProfiles,
  DEFAULT_KNOBS,
  DEFAULT_PROFILE_ID,
  type OrderPolicy,
  type PriceBounds,
  ProfileError,
  parseProfile,
  parseProfiles,
  profileOverlaps,
  type RebalanceTo,
  type StrategyProfile,
  type TriggerMode,
} from './profile';
export {
  ceilToStep,
  floorToStep,
  isMultipleOf,
  minimumNotional,
  type OrderShape,
  roundPrice,
  ruleViolations,
} from './rounding';
export { checkProfileRules, profileSymbols, type RuleFinding } from './rules-check';
export { type LegDrop, type LegPlan, orderTypeFor, type PlannedOrder, sizeOrders } from './sizing';
export { compactUtc, dayBefore, isoSeconds, utcDay, utcText } from './time';
export { decideTrigger, type TriggerDecision } from './trigger';
export { bandFor, type Holding, midPrice, symbolOf, type Valuation, valuePortfolio } from './valuation';
