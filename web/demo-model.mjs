// What the demo model says. web/serve.mjs offers the page a "Demo model" whose requests it
// hands to the provider simulator (tests/simulator), which speaks OpenAI's wire format exactly
// but answers only what it was scripted to. So for each request this picks the simulator's
// next Step from what was asked: a calculator or datetime call when the question wants one and
// the tool is offered, a sentence on the tool's result after it, a short title when asked for
// one, else a Markdown answer that says plainly that no real model is behind it.

const expressionPattern = /\(?-?\d[\d.,]*(?:\s*[-+*/x×^%]\s*\(?-?\d[\d.,]*\)?)+/;
const timePattern = /\b(time|date|today|day is it|what day|now)\b/i;

function textOf(message) {
  if (typeof message?.content === 'string') return message.content;
  return (message?.content ?? []).map((part) => part.text ?? '').join('');
}

/** Rough token counts: the simulator reports what the Step says, so say something plausible. */
function usageFor(body, answer) {
  const words = (text) => Math.ceil(text.split(/\s+/).filter(Boolean).length * 1.3);
  return { input: 12 + words((body.messages ?? []).map(textOf).join(' ')), output: Math.max(1, words(answer)) };
}

function titleFrom(prompt) {
  const question = /User: ([\s\S]*?)\n\nAssistant:/.exec(prompt)?.[1] ?? prompt;
  const words = question.replace(/[^\p{L}\p{N}\s'-]/gu, ' ').split(/\s+/).filter(Boolean).slice(0, 6);
  const title = words.join(' ');
  return title ? title[0].toUpperCase() + title.slice(1) : 'Demo conversation';
}

function toolAnswer(messages) {
  const results = [];
  for (let index = messages.length - 1; index >= 0 && messages[index].role === 'tool'; index -= 1) results.unshift(textOf(messages[index]));
  const calls = messages.findLast((message) => message.role === 'assistant')?.tool_calls ?? [];
  const lines = calls.map((call, index) => {
    const result = results[index] ?? '';
    if (call.function?.name === 'calculator') {
      const { expression } = JSON.parse(call.function.arguments || '{}');
      return `The calculator says \`${expression}\` = **${result}**.`;
    }
    try {
      const time = JSON.parse(result);
      return `The datetime tool says it is **${time.time}**, a ${time.weekday}.`;
    } catch {
      return `The ${call.function?.name} tool answered: ${result}`;
    }
  });
  return `${lines.join('\n\n')}\n\n(The demo model read that off the tool's result: the tool really ran, in your browser.)`;
}

function markdownAnswer(question) {
  const quoted = question.split('\n').slice(0, 6).map((line) => `> ${line}`).join('\n');
  return `This is the **demo model**: llmux's provider simulator, playing an OpenAI model on this machine. ` +
    `No real model is answering, but everything else is real: the request, the stream, the tokens, the cost and your history.\n\n` +
    `You wrote:\n\n${quoted}\n\n` +
    `Things to try:\n\n- switch on **Calculator** and ask *what is 1299 × 12 × 0.8?*\n` +
    `- switch on **Date & time** and ask *what time is it in Tokyo?*\n- press **Stop** while this streams, or **Regenerate**\n` +
    `- add a real model (with its key) on the **Models** page\n\n` +
    '```js\nimport { createClient } from \'llmux\';\nconst client = createClient({ storage: \'indexeddb\' });\n```\n';
}

// A time zone's UTC offset at this moment, as +HH:MM (Z for none).
function offsetNow(timeZone) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date()).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? 'Z' : name.slice(3);
}

/** The simulator Step answering an OpenAI chat-completions request body. */
export function demoStep(body) {
  const messages = body.messages ?? [];
  const last = messages.at(-1);
  const tools = new Set((body.tools ?? []).map((tool) => tool.function?.name));
  const system = messages.find((message) => message.role === 'system');
  let step;
  if (system && /titles/.test(textOf(system))) {
    step = { text: titleFrom(textOf(last)) };
  } else if (last?.role === 'tool') {
    step = { text: toolAnswer(messages), chunk_size: 4, chunk_delay_ms: 12 };
  } else {
    const question = textOf(last);
    const expression = expressionPattern.exec(question)?.[0];
    if (tools.has('calculator') && expression) {
      step = { tool_calls: [{ name: 'calculator', arguments: { expression: expression.replace(/[x×]/g, '*').replace(/,/g, '') } }] };
    } else if (tools.has('datetime') && timePattern.test(question)) {
      // The tool takes fixed UTC offsets, as a model would give them: the one in effect now.
      const city = /\bin ([A-Z][\w/ -]+?)\??$/.exec(question.trim())?.[1];
      const zones = { Tokyo: 'Asia/Tokyo', Paris: 'Europe/Paris', London: 'Europe/London', 'New York': 'America/New_York' };
      const offset = zones[city] ? offsetNow(zones[city]) : 'Z';
      step = { tool_calls: [{ name: 'datetime', arguments: { operation: 'now', offset } }] };
    } else {
      step = { text: markdownAnswer(question), chunk_size: 3, chunk_delay_ms: 12 };
    }
  }
  step.usage = usageFor(body, step.text ?? JSON.stringify(step.tool_calls));
  return step;
}
