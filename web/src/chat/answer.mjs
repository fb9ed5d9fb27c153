// One streamed answer: the package's stream() for the conversation so far, its events folded
// into the assistant message, the message saved as it grows (the data layer's
// saveStreamedAnswer: at most every 100 ms, and at once when it ends or the page is hidden),
// its exact cost at the end. Offline, a cloud model
// fails at once: a request that cannot leave the machine would only wait for a timeout.
import { BudgetExceededError, CancelledError, LlmuxError, NetworkError } from 'llmux';
import { saveStreamedAnswer } from '../data/streamed-answer.mjs';
import { clientFor } from './models.mjs';
import { toolsFor } from './tools.mjs';

/** The text a person reads for a failed call. */
export function describeError(error, entry) {
  if (error?.code === 'vault_locked') return 'Your keys are locked: unlock them with your passphrase on the Models page.';
  if (error instanceof BudgetExceededError)
    return `Budget reached: ${error.message} Raise the monthly budget on the Usage page to go on.`;
  if (error instanceof NetworkError && !navigator.onLine)
    return offlineMessage(entry);
  if (error instanceof NetworkError && entry.provider === 'ollama')
    return `${error.message}. Is Ollama running, and does it allow this page? Start it with OLLAMA_ORIGINS=${location.origin}.`;
  if (error instanceof LlmuxError) return `${error.code}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  return String(error?.message ?? error);
}

function offlineMessage(entry) {
  return `offline: ${entry.label} is a cloud model and this browser is offline. Local models (Ollama, vLLM on this machine) still answer.`;
}

/** The package's messages for the stored conversation (user and assistant texts). */
export function historyOf(messages) {
  return messages.filter((message) => (message.role === 'user' || message.role === 'assistant') && message.content)
    .map((message) => ({ role: message.role, content: message.content }));
}

/**
 * Streams the answer into `message` (already appended, status 'streaming'). `onChange()` is
 * called after each event that changed it (the view redraws on the next frame). Resolves when
 * the message is final and saved.
 */
export async function streamAnswer({ db, entry, context, history, tools, message, signal, onChange }) {
  const saver = saveStreamedAnswer(db.messages, { ...message });
  const finish = async (patch) => {
    Object.assign(message, patch);
    onChange();
    await saver.finish({ content: message.content, toolCalls: message.toolCalls, ...patch });
  };
  if (!navigator.onLine && !entry.local) return finish({ status: 'error', error: offlineMessage(entry) });

  let client;
  try {
    const opened = await clientFor(entry, context); // reads the key: fails while the vault is locked
    client = opened.client;
    const call = opened.call;
    const stream = client.stream({ ...call, messages: history, tools: await toolsFor(tools), maxRounds: 5, signal });
    for await (const event of stream) {
      if (event.type === 'text-delta') {
        message.content += event.text;
      } else if (event.type === 'tool-call') {
        message.toolCalls = [...(message.toolCalls ?? []),
          { id: event.id, name: event.name, arguments: event.arguments, argumentsText: event.argumentsText }];
      } else if (event.type === 'tool-result') {
        message.toolCalls = (message.toolCalls ?? []).map((call) =>
          call.id === event.id ? { ...call, ok: event.ok, result: event.result, error: event.error } : call);
      } else if (event.type === 'round-start' && event.round > 1 && message.content) {
        message.content += '\n\n';
      } else {
        continue;
      }
      onChange();
      saver.push({ content: message.content, toolCalls: message.toolCalls });
    }
    const result = await stream.result;
    await finish({ status: 'done', ...spending(result), model: entry.id });
  } catch (error) {
    const stopped = error instanceof CancelledError || signal.aborted;
    await finish({ status: stopped ? 'stopped' : 'error', error: stopped ? undefined : describeError(error, entry),
      ...spending(error.result), model: entry.id });
  } finally {
    await client?.close();
  }
}

/** A result's usage and exact cost (the package's Usage and Cost, as the data layer sums them). */
function spending(result) {
  if (!result?.usage) return {};
  return result.cost ? { usage: result.usage, cost: result.cost } : { usage: result.usage };
}

/** A short title for a conversation, by a short, cheap call to the same model (as the seed does). */
export async function generateTitle({ entry, context, question, answer }) {
  if (!navigator.onLine && !entry.local) return null;
  let client;
  try {
    const opened = await clientFor(entry, context);
    client = opened.client;
    const call = opened.call;
    const result = await client.chat({
      ...call,
      maxTokens: 20,
      system: 'You write titles. Answer with the title alone: at most six words, no quotes, no final period.',
      prompt: `Title this conversation.\n\nUser: ${question.slice(0, 500)}\n\nAssistant: ${answer.slice(0, 500)}`,
    });
    const title = result.text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
    return title.replace(/^["'“”#*\s]+|["'“”*.\s]+$/g, '').slice(0, 80) || null;
  } catch {
    return null; // the conversation keeps its provisional title
  } finally {
    await client?.close();
  }
}
