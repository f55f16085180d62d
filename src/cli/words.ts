import type { Catalog, Params } from '../templates/catalog.js';

/**
 * The CLI speaks English to the operator, as its usage and its errors do. Its sentences that
 * count something (`1 new invoice; 2 messages sent`) are the catalogs' `cli.*` messages, so that
 * their plurals follow the language's rules and an operator can reword them with the rest.
 */
export const OPERATOR_LOCALE = 'en';

/** One of the operator's sentences, by its key in the catalogs. */
export type Say = (key: string, params?: Params) => string;

export function operatorWords(catalog: Catalog): Say {
  return (key, params) => catalog.t(OPERATOR_LOCALE, key, params);
}
