// How amounts and counts read on the page. Money stays exact: picodollar integers (strings)
// are added as BigInt and written as decimal dollars, never through a float.

const picodollarsPerDollar = 10n ** 12n;

/** '123450000' (picodollars) → '0.00012345'. */
export function dollarsFromPicodollars(picodollars) {
  const value = BigInt(picodollars ?? 0);
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  const whole = magnitude / picodollarsPerDollar;
  const fraction = (magnitude % picodollarsPerDollar).toString().padStart(12, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The sum of picodollar strings, as a string. */
export function addPicodollars(...amounts) {
  return amounts.reduce((sum, amount) => sum + BigInt(amount ?? 0), 0n).toString();
}

/** A dollar string for people: '$0.00012345', at least two decimals ('$1.50'). */
export function formatDollars(dollars) {
  if (dollars === null || dollars === undefined) return 'cost unknown';
  const [whole, fraction = ''] = String(dollars).split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

export const formatCost = (picodollars) => formatDollars(dollarsFromPicodollars(picodollars));

export const formatCount = (count) => (count ?? 0).toLocaleString('en-US');

export function formatTime(ms) {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
