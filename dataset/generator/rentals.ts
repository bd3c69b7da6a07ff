// Inventory, rentals and payments: the tables that grow linearly with the scale factor.
import { filmTraits } from './films';
import { line, money, NULL, timestamp } from './format';
import { FIRST_RENTAL, LAST_RENTAL, LAST_UPDATE, SNAPSHOT, type GenContext } from './plan';
import { attributeKey, hashBelow, streamRng } from './rng';

const DAY = 86400;

/** Inventory ids are grouped by film like the archive; each copy's store is hashed. */
function inventoryLayout(ctx: GenContext): { film(id: number): number; store(id: number): number } {
  const { film, inventory, store } = ctx.counts;
  const storeKey = attributeKey(ctx.seed, 'inventory.store_id');
  return {
    film: (id) => 1 + Math.floor(((id - 1) * film) / inventory),
    store: (id) => 1 + hashBelow(storeKey, id, store),
  };
}

export function* inventoryRows(ctx: GenContext): Generator<string> {
  const layout = inventoryLayout(ctx);
  for (let id = 1; id <= ctx.counts.inventory; id++) {
    yield line([id, layout.film(id), layout.store(id), LAST_UPDATE.inventory]);
  }
}

export interface Rental {
  id: number;
  date: number;
  inventoryId: number;
  filmId: number;
  customerId: number;
  staffId: number;
  returnDate: number | null;
}

/**
 * Rentals in id order with non-decreasing whole-second dates. Only rentals within the same
 * second can collide on the unique (rental_date, inventory_id, customer_id) index, so a
 * per-second set of used pairs keeps memory bounded.
 */
export function* rentals(ctx: GenContext): Generator<Rental> {
  const rng = streamRng(ctx.seed, 'rental');
  const layout = inventoryLayout(ctx);
  const { rental: total, inventory, customer } = ctx.counts;
  const step = (LAST_RENTAL - FIRST_RENTAL) / total;
  const usedThisSecond = new Set<number>();
  let second = -1;
  for (let id = 1; id <= total; id++) {
    const date = FIRST_RENTAL + Math.floor((id - 1 + rng.next()) * step);
    if (date !== second) usedThisSecond.clear();
    second = date;
    let inventoryId: number, customerId: number, pair: number;
    do {
      inventoryId = 1 + rng.below(inventory);
      customerId = 1 + rng.below(customer);
      pair = inventoryId * (customer + 1) + customerId;
    } while (usedThisSecond.has(pair));
    usedThisSecond.add(pair);
    const dueBack = date + Math.floor(0.75 * DAY + rng.next() * 8.5 * DAY);
    const storeId = layout.store(inventoryId);
    yield {
      id,
      date,
      inventoryId,
      customerId,
      filmId: layout.film(inventoryId),
      staffId: storeId, // the staff member working at the item's store
      returnDate: dueBack > SNAPSHOT ? null : dueBack,
    };
  }
}

export function* rentalRows(ctx: GenContext): Generator<string> {
  for (const r of rentals(ctx)) {
    const returned = r.returnDate === null ? NULL : timestamp(r.returnDate);
    yield line([r.id, timestamp(r.date), r.inventoryId, r.customerId, returned, r.staffId, LAST_UPDATE.rental]);
  }
}

/** Rental rate plus one dollar per day late; a few payments are waived. */
function amountCents(r: Rental, rentalDuration: number, rateCents: number, waived: boolean): number {
  if (waived) return 0;
  const daysOut = r.returnDate === null ? 0 : Math.ceil((r.returnDate - r.date) / DAY);
  return Math.min(1199, rateCents + 100 * Math.max(0, daysOut - rentalDuration));
}

/** Pays an exact-size random subset of the rentals (selection sampling), replaying them in order. */
export function* paymentRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'payment');
  const traits = filmTraits(ctx.seed);
  let needed = ctx.counts.payment;
  let left = ctx.counts.rental;
  let id = 0;
  for (const r of rentals(ctx)) {
    const take = rng.next() * left < needed;
    left--;
    if (!take) continue;
    needed--;
    const { rentalDuration, rentalRateCents } = traits(r.filmId);
    const cents = amountCents(r, rentalDuration, rentalRateCents, rng.chance(0.0017));
    const paidAt = (r.returnDate ?? r.date) + rng.between(1, 3600);
    yield line([++id, r.customerId, r.staffId, r.id, money(cents), timestamp(paidAt)]);
  }
}
