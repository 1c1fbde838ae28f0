export type {
  Balance,
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
