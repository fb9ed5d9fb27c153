// One message on the page: a user's text (plain text, editable), or an assistant's answer
// (sanitized Markdown, its tool calls inline, its model, tokens and exact cost), with the
// buttons that act on it.
import { h, fill } from './dom.mjs';
import { renderMarkdown } from './markdown.mjs';
import { formatCost, formatCount } from './format.mjs';

const statusText = { streaming: 'answering…', interrupted: 'interrupted: the page closed while it was answering', stopped: 'stopped', error: 'failed' };

/** A tool call and its result, as a disclosure. */
function toolCallView(call) {
  const state = call.ok === undefined ? 'running…' : call.ok ? 'done' : 'failed';
  return h('details', { class: `tool-call ${call.ok === false ? 'failed' : ''}` },
    h('summary', {}, h('span', { class: 'tool-label' }, 'tool'), ' ', h('span', { class: 'tool-name' }, call.name), ' ',
      h('code', {}, call.argumentsText ?? JSON.stringify(call.arguments ?? {})), ' ', h('span', { class: 'tool-state' }, state)),
    call.ok === undefined ? null : h('pre', { class: 'tool-result' }, call.ok ? call.result : call.error ?? call.result));
}

function metaLine(message, labelOf) {
  const parts = [];
  if (message.role === 'assistant' && message.model) parts.push(labelOf(message.model));
  if (message.usage) parts.push(`${formatCount(message.usage.inputTokens)} in · ${formatCount(message.usage.outputTokens)} out`);
  if (message.cost?.totalPicodollars !== undefined) parts.push(formatCost(message.cost.totalPicodollars));
  else if (message.usage && message.role === 'assistant') parts.push('cost unknown');
  return parts.join(' · ');
}

/**
 * The element of `message`; `actions`: edit(message), regenerate(message), canEdit and
 * canRegenerate (whether each applies now), isLive (streaming in this page), labelOf(model id). The element's update(message)
 * redraws it.
 */
export function messageView(message, actions) {
  const body = h('div', { class: 'body' });
  const tools = h('div', { class: 'tools' });
  const meta = h('div', { class: 'meta' });
  const buttons = h('div', { class: 'actions' });
  const element = h('article', { class: `message ${message.role}`, dataset: { id: message.id },
    aria: { label: message.role === 'user' ? 'You' : 'Assistant' } },
  h('div', { class: 'who', 'aria-hidden': 'true' }, message.role === 'user' ? 'You' : 'Assistant'), tools, body, meta, buttons);

  element.update = (current) => {
    message = current;
    // Saved as streaming but not streaming in this page: the tab that streamed it went away.
    const status = current.status === 'streaming' && !actions.isLive(current) ? 'interrupted' : current.status ?? 'done';
    element.dataset.status = status;
    if (current.role === 'user') {
      body.textContent = current.content;
    } else {
      renderMarkdown(body, current.content || '');
      fill(tools, (current.toolCalls ?? []).map(toolCallView));
    }
    fill(meta, metaLine(current, actions.labelOf), statusText[status] ? h('span', { class: `status ${status}` }, statusText[status]) : null,
      current.error ? h('div', { class: 'error', role: 'alert' }, current.error) : null);
    fill(buttons,
      actions.canEdit(current) ? h('button', { type: 'button', class: 'ghost', onclick: () => actions.edit(current) }, 'Edit') : null,
      actions.canRegenerate(current) ? h('button', { type: 'button', class: 'ghost', onclick: () => actions.regenerate(current) }, 'Regenerate') : null);
  };
  element.update(message);
  return element;
}
