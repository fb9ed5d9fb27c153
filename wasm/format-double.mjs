// C's printf "%.*g" and "%.*e" for a double, in JavaScript: the core's json::format_double
// imports it (core.mjs), so that the module links no printf. toExponential gives the same
// correctly rounded significant digits as printf; what differs is how they are written
// ("1e-7" against "1e-07"), and an exact tie, which toExponential rounds up and printf to
// even (0.125 to two digits: 1.3e-1 against 1.2e-01).

/**
 * `value` (finite) as printf writes it with "%.*g" (`general`) or "%.*e" and `precision`
 * (0 to 17) in the C locale: formatDouble(1e-7, 15, true) is "1e-07".
 */
export function formatDouble(value, precision, general) {
  // The sign apart: toExponential writes none for -0, printf writes "-0".
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  // The significant digits printf rounds to (%g's precision 0 means 1).
  const count = general ? Math.max(precision, 1) : precision + 1;
  let [digits, exponent] = split(magnitude.toExponential(count - 1));
  // Where printf keeps the digits below a tie, those end in an even digit, and JavaScript's,
  // one more, in an odd one: look closer then. (Rounding 9.5 up to 1e+01 is printf's too.)
  if (digits.charCodeAt(count - 1) & 1) {
    const [longer, longerExponent] = split(magnitude.toExponential(count));
    if (longer[count] === '5' && !(longer.charCodeAt(count - 1) & 1) && isExactly(magnitude, longer, longerExponent)) {
      digits = longer.slice(0, count);
      exponent = longerExponent;
    }
  }

  // At least two digits and a sign: "e-07", "e+21", "e+308".
  const exponentText = `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const sign = negative ? '-' : '';
  if (!general) return `${sign}${digits[0]}${count > 1 ? `.${digits.slice(1)}` : ''}${exponentText}`;
  // %g is %f when the exponent X is in -4 <= X < P, %e otherwise; either way without the
  // fraction's trailing zeros, and without the point when no fraction is left.
  const fixed = exponent >= -4 && exponent < count;
  const body = !fixed ? `${digits[0]}.${digits.slice(1)}`
    : exponent >= 0 ? `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
      : `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return `${sign}${body.replace(/\.?0*$/, '')}${fixed ? '' : exponentText}`;
}

// "1.2345e-7" as ["12345", -7].
function split(text) {
  const at = text.indexOf('e');
  return [text.slice(0, at).replace('.', ''), Number(text.slice(at + 1))];
}

// Whether the double `x` is exactly `digits` x 10^(exponent - digits.length + 1): in
// integers, as x is a mantissa times a power of two. Rare (a digit 5 at the end), so BigInt.
function isExactly(x, digits, exponent) {
  const bits = new BigUint64Array(new Float64Array([x]).buffer)[0];
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let twos = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    twos = biased - 1075;
  }
  const tens = exponent - (digits.length - 1);
  let left = mantissa;
  let right = BigInt(digits);
  if (twos > 0) left <<= BigInt(twos);
  else right <<= BigInt(-twos);
  if (tens > 0) right *= 10n ** BigInt(tens);
  else left *= 10n ** BigInt(-tens);
  return left === right;
}
