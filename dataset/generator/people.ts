// Staff, stores and customers. Staff member n works at and manages store n.
import { line, NULL, text } from './format';
import { CUSTOMER_CREATE_DATE, LAST_UPDATE, type GenContext } from './plan';
import { streamRng, type Rng } from './rng';
import { FIRST_NAMES, LAST_NAMES, STAFF_FIRST_NAMES, STAFF_LAST_NAMES } from './words';

const hex = (rng: Rng, length: number): string => {
  let out = '';
  while (out.length < length) out += rng.below(16).toString(16);
  return out;
};

export function* staffRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'staff');
  const { store } = ctx.counts;
  for (let id = 1; id <= ctx.counts.staff; id++) {
    const first = rng.pick(STAFF_FIRST_NAMES);
    const last = rng.pick(STAFF_LAST_NAMES);
    yield line([
      id,
      text(first),
      text(last),
      store + id, // staff addresses follow the store addresses
      text(`${first}.${last}@sakilastaff.com`),
      id,
      't',
      text(`${first}${id}`.slice(0, 16)),
      hex(rng, 40),
      LAST_UPDATE.staff,
      NULL,
    ]);
  }
}

export function* storeRows(ctx: GenContext): Generator<string> {
  for (let id = 1; id <= ctx.counts.store; id++) yield line([id, id, id, LAST_UPDATE.store]);
}

export function* customerRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'customer');
  const firstAddress = ctx.counts.store + ctx.counts.staff + 1;
  for (let id = 1; id <= ctx.counts.customer; id++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    yield line([
      id,
      1 + rng.below(ctx.counts.store),
      text(first),
      text(last),
      text(`${first}.${last}@sakilacustomer.org`.toLowerCase()),
      firstAddress + id - 1,
      't',
      CUSTOMER_CREATE_DATE,
      LAST_UPDATE.customer,
      rng.chance(0.025) ? 0 : 1, // the archive has 15 of 599 inactive
    ]);
  }
}
