/**
 * Dates that may be shared between callers. `Object.freeze` does not stop `setTime` and the
 * other setters (they write an internal slot, not a property), so a Date handed to many callers
 * must refuse them: these inherit every getter from `Date.prototype` (`instanceof Date`,
 * `constructor === Date`, `toISOString`, `getTime` and structured clone all behave as for any
 * Date) but their setters throw a TypeError, as an assignment to a frozen property does.
 */
const SETTERS = Object.getOwnPropertyNames(Date.prototype).filter((name) => name.startsWith('set'));

function refuse(name: string): () => never {
  return () => {
    throw new TypeError(`Cannot call ${name}() on a shared, read-only Date; copy it first`);
  };
}

const SHARED_DATE_PROTOTYPE = Object.freeze(
  Object.create(
    Date.prototype,
    Object.fromEntries(
      SETTERS.map((name): [string, PropertyDescriptor] => [name, { value: refuse(name) }]),
    ),
  ) as object,
);

/** A frozen Date whose value can never change, safe to hand to every caller. */
export function sharedDate(ms: number): Date {
  const date = new Date(ms);
  Object.setPrototypeOf(date, SHARED_DATE_PROTOTYPE);
  return Object.freeze(date);
}
