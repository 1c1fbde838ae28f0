import type Big from 'big.js';

export type Side = 'BUY' | 'SELL';

/** A resting quantity at a price: either synthetic market liquidity or a user's order. */
export interface BookEntry {
  price: Big;
  remaining: Big;
  seq: number;
  /** Set for the account's own orders; synthetic liquidity has none. */
  orderId?: string;
}

/**
 * Price-time priority: bids best (highest) first, asks best (lowest) first, equal prices by arrival.
 * Arrays are enough here: a simulated book holds tens of levels, not millions.
 */
export class OrderBook {
  readonly bids: BookEntry[] = [];
  readonly asks: BookEntry[] = [];

  side(side: Side): BookEntry[] {
    return side === 'BUY' ? this.bids : this.asks;
  }

  /** The side an order of `side` trades against. */
  opposite(side: Side): BookEntry[] {
    return side === 'BUY' ? this.asks : this.bids;
  }

  insert(side: Side, entry: BookEntry): void {
    const list = this.side(side);
    const better = (a: BookEntry, b: BookEntry) => (side === 'BUY' ? a.price.gt(b.price) : a.price.lt(b.price));
    let index = list.findIndex(
      (existing) => better(entry, existing) || (existing.price.eq(entry.price) && existing.seq > entry.seq),
    );
    if (index < 0) index = list.length;
    list.splice(index, 0, entry);
  }

  remove(entry: BookEntry): void {
    for (const list of [this.bids, this.asks]) {
      const index = list.indexOf(entry);
      if (index >= 0) list.splice(index, 1);
    }
  }

  removeSynthetic(): void {
    for (const list of [this.bids, this.asks]) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]?.orderId === undefined) list.splice(i, 1);
    }
  }

  /** Depth aggregated by price, best first. */
  levels(side: Side, limit: number): Array<[Big, Big]> {
    const out: Array<[Big, Big]> = [];
    for (const entry of this.side(side)) {
      const last = out[out.length - 1];
      if (last?.[0].eq(entry.price)) last[1] = last[1].plus(entry.remaining);
      else if (out.length < limit) out.push([entry.price, entry.remaining]);
      else break;
    }
    return out;
  }
}
