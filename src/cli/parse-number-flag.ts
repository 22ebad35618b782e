/** A flag's value as a positive whole number; a message naming the flag when it is not one. */
export function positiveInt(value: string | undefined, flag: string): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : `${flag} must be a positive whole number, not "${value}"`;
}

/** A flag's value as a positive number; a message naming the flag when it is not one. */
export function positiveNumber(value: string | undefined, flag: string): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : `${flag} must be a positive number, not "${value}"`;
}
