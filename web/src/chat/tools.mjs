// The chat's built-in tools, calculator and datetime, as the package takes tools: {description,
// parameters (JSON Schema), execute}. The package runs the rounds; these only answer. The CLI's
// built-ins live in the C++ core (core/include/llmux/builtin_tools.hpp), which the npm
// package does not export, so the page has its own: same names, same arguments.

/** Arithmetic by a parser of its own (never eval): + - * / % ^, parentheses, sqrt/abs/round. */
export function calculate(expression) {
  const tokens = String(expression).match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|[a-z]+|\*\*|[-+*/%^()]|\S/gi) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected) => {
    const token = tokens[at++];
    if (expected && token !== expected) throw new Error(`expected "${expected}" at token ${at}, found ${token ?? 'the end'}`);
    return token;
  };
  const functions = { sqrt: Math.sqrt, abs: Math.abs, round: Math.round, floor: Math.floor, ceil: Math.ceil };

  function sum() {
    let value = product();
    while (peek() === '+' || peek() === '-') value = take() === '+' ? value + product() : value - product();
    return value;
  }
  function product() {
    let value = power();
    while (['*', '/', '%'].includes(peek())) {
      const operator = take();
      const right = power();
      if (operator !== '*' && right === 0) throw new Error('division by zero');
      value = operator === '*' ? value * right : operator === '/' ? value / right : value % right;
    }
    return value;
  }
  function power() {
    const base = unary();
    if (peek() === '^' || peek() === '**') {
      take();
      return base ** power();
    }
    return base;
  }
  function unary() {
    if (peek() === '-') { take(); return -unary(); }
    if (peek() === '+') { take(); return unary(); }
    return primary();
  }
  function primary() {
    const token = take();
    if (token === '(') { const value = sum(); take(')'); return value; }
    if (token !== undefined && /^\d/.test(token)) return Number(token);
    if (token !== undefined && Object.hasOwn(functions, token.toLowerCase())) {
      take('(');
      const value = sum();
      take(')');
      return functions[token.toLowerCase()](value);
    }
    throw new Error(token === undefined ? 'the expression ends too soon' : `unexpected "${token}"`);
  }

  if (!tokens.length) throw new Error('an empty expression');
  const value = sum();
  if (at < tokens.length) throw new Error(`unexpected "${tokens[at]}"`);
  if (!Number.isFinite(value)) throw new Error('the result is not a finite number');
  return Number(value.toPrecision(15)); // 0.1 + 0.2 reads 0.3
}

/** Now, or a given instant, in UTC and in a time zone (IANA name), with the weekday. */
export function describeTime({ timezone, at } = {}, now = Date.now()) {
  const instant = at === undefined ? new Date(now) : new Date(at);
  if (Number.isNaN(instant.getTime())) throw new Error(`"${at}" is not an ISO 8601 date and time`);
  const zone = timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, dateStyle: 'full', timeStyle: 'long',
  }).format(instant); // throws a RangeError naming a bad zone
  return { utc: instant.toISOString(), timezone: zone, local, unixMs: instant.getTime() };
}

/** The tools a conversation has switched on ({calculator, datetime} booleans), for a call. */
export function toolsFor(enabled = {}) {
  const tools = {};
  if (enabled.calculator) {
    tools.calculator = {
      description: 'Evaluates an arithmetic expression exactly as written: + - * / % ^, parentheses, sqrt(), abs(), round().',
      parameters: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'e.g. "1299 * 12 * 0.8"' } },
        required: ['expression'],
      },
      execute: ({ expression }) => String(calculate(expression)),
    };
  }
  if (enabled.datetime) {
    tools.datetime = {
      description: 'The current date and time (or a given ISO 8601 instant) in UTC and in a time zone.',
      parameters: {
        type: 'object',
        properties: {
          timezone: { type: 'string', description: 'an IANA time zone such as "Europe/Paris"; default the user\'s' },
          at: { type: 'string', description: 'an ISO 8601 date and time; default now' },
        },
      },
      execute: (args) => describeTime(args ?? {}),
    };
  }
  return Object.keys(tools).length ? tools : undefined;
}
