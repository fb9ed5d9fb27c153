// The Models page: the user's own models (the seed's llm_models fields) with add, edit,
// enable/disable, delete and "test connection", and the gateway URL setting. A key typed here
// goes to the data layer's models.put, which stores it only encrypted; the page never shows it
// again (a stored key reads "key stored").
import { h, fill, announce } from './dom.mjs';
import { describeError } from '../chat/answer.mjs';
import { clientFor, isLocal } from '../chat/models.mjs';
import { createPassphraseCard } from './passphrase-card.mjs';

const providers = ['openai', 'anthropic', 'gemini', 'mistral', 'xai', 'cohere', 'openrouter', 'huggingface', 'azure',
  'ollama', 'vllm', 'local', 'runpod'];

const fields = [
  { name: 'name', label: 'Name', required: true, placeholder: 'My GPT-4o mini', wide: true },
  { name: 'provider', label: 'Provider', options: providers },
  { name: 'model', label: 'Model id', required: true, placeholder: 'gpt-4o-mini' },
  { name: 'baseUrl', label: 'Base URL', type: 'url', placeholder: 'default for the provider', hint: 'Leave empty for the provider\'s own API.', wide: true },
  { name: 'apiKey', label: 'API key', type: 'password', autocomplete: 'off', hint: 'Stored encrypted in this browser; never shown again.', wide: true },
  { name: 'temperature', label: 'Temperature', type: 'number', step: '0.1', min: '0', max: '2', placeholder: 'default' },
  { name: 'maxTokens', label: 'Max tokens', type: 'number', step: '1', min: '1', placeholder: 'default' },
  { name: 'inputPrice', label: 'Input $ / million tokens', inputmode: 'decimal', pattern: '\\d+(\\.\\d+)?', placeholder: '0.15' },
  { name: 'outputPrice', label: 'Output $ / million tokens', inputmode: 'decimal', pattern: '\\d+(\\.\\d+)?', placeholder: '0.60' },
];

/** A listed model as models.put takes it back: without the list's hasKey (the key stays stored). */
function storedFields({ hasKey, ...record }) {
  return record;
}

/** @param {import('../app.mjs').App} app */
export function createModelsView(app) {
  let editing = null; // the record being edited, or null for a new one
  const list = h('ul', { class: 'model-list', aria: { label: 'Your models' } });
  const formTitle = h('h2', { id: 'model-form-title' }, 'Add a model');
  const inputs = {};
  const rows = fields.map((field) => {
    const id = `model-${field.name}`;
    const { name, label, options, hint, wide, ...attributes } = field;
    const control = options
      ? h('select', { id, name }, options.map((option) => h('option', { value: option }, option)))
      : h('input', { id, name, type: 'text', ...attributes, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) });
    inputs[name] = control;
    return h('div', { class: wide ? 'field wide' : 'field' }, h('label', { for: id }, label), control,
      hint ? h('small', { id: `${id}-hint` }, hint) : null);
  });
  const enabled = h('input', { type: 'checkbox', id: 'model-enabled', name: 'enabled', checked: true });
  const keyState = h('small', { class: 'key-state' });
  const removeKey = h('button', { type: 'button', class: 'ghost small', hidden: true, onclick: async () => {
    await app.db.models.put({ ...storedFields(editing), apiKey: null });
    await app.reloadModels();
    startEditing(app.userModels.find((model) => model.id === editing.id));
  } }, 'Remove stored key');
  const ollamaHelp = h('p', { class: 'help', hidden: true },
    'Ollama answers a page only from origins it allows: start it with ',
    h('code', {}, `OLLAMA_ORIGINS=${location.origin} ollama serve`), '. vLLM needs ',
    h('code', {}, `--allowed-origins '["${location.origin}"]'`), '.');
  inputs.provider.addEventListener('change', () => { ollamaHelp.hidden = !['ollama', 'vllm', 'local'].includes(inputs.provider.value); });
  const result = h('p', { class: 'test-result', role: 'status' });
  const form = h('form', { class: 'model-form', aria: { labelledby: 'model-form-title' }, onsubmit: (event) => { event.preventDefault(); save(); } },
    formTitle, h('div', { class: 'field-grid' }, rows), ollamaHelp,
    h('div', { class: 'field inline' }, enabled, h('label', { for: 'model-enabled' }, 'Enabled (offered in the model picker)')),
    h('div', { class: 'field inline' }, keyState, removeKey),
    h('div', { class: 'form-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Save model'),
      h('button', { type: 'button', class: 'ghost', onclick: () => startEditing(null) }, 'Clear form')),
    result);

  const gateway = h('input', { id: 'gateway-url', type: 'url', placeholder: 'https://gateway.example.com/v1', 'aria-describedby': 'gateway-hint' });
  const gatewayForm = h('form', { class: 'gateway-form', onsubmit: async (event) => {
    event.preventDefault();
    await app.db.settings.set('gatewayUrl', gateway.value.trim());
    app.settings.gatewayUrl = gateway.value.trim();
    announce('Gateway saved');
  } },
  h('h2', {}, 'Gateway'),
  h('label', { for: 'gateway-url' }, 'llmux gateway URL (optional)'), gateway,
  h('small', { id: 'gateway-hint' }, 'When set, cloud models without their own base URL are called through it instead of directly.'),
  h('button', { type: 'submit', class: 'ghost' }, 'Save gateway'));

  const passphrase = createPassphraseCard(app);
  const element = h('div', { class: 'page models-page' },
    h('div', { class: 'column' },
      h('section', { class: 'card', aria: { label: 'Your models' } }, h('h2', {}, 'Your models'), list),
      passphrase.element,
      h('section', { class: 'card' }, gatewayForm)),
    h('div', { class: 'column' }, h('section', { class: 'card' }, form)));

  function startEditing(record) {
    editing = record;
    formTitle.textContent = record ? `Edit ${record.name}` : 'Add a model';
    for (const field of fields) inputs[field.name].value = record?.[field.name] ?? (field.options ? field.options[0] : '');
    inputs.apiKey.value = '';
    enabled.checked = record ? record.enabled !== false : true;
    keyState.textContent = record?.hasKey ? 'A key is stored (encrypted). Type a new one to replace it.' : 'No key stored.';
    removeKey.hidden = !record?.hasKey;
    ollamaHelp.hidden = !['ollama', 'vllm', 'local'].includes(inputs.provider.value);
    result.textContent = '';
  }

  async function save() {
    if (!form.reportValidity()) return;
    const record = storedFields(editing ?? {});
    for (const field of fields) record[field.name] = inputs[field.name].value.trim() || null;
    for (const name of ['temperature', 'maxTokens']) if (record[name] !== null) record[name] = Number(record[name]);
    record.enabled = enabled.checked;
    if (!record.apiKey) delete record.apiKey; // keep the stored one
    if (!record.id) record.id = crypto.randomUUID();
    await app.db.models.put(record);
    inputs.apiKey.value = '';
    await app.reloadModels();
    startEditing(null);
    announce(`Saved ${record.name}`);
    result.textContent = `Saved ${record.name}.`;
  }

  async function testConnection(record, output) {
    output.textContent = 'Testing…';
    const entry = { id: `user-${record.id}`, label: record.name, provider: record.provider, baseUrl: record.baseUrl, record,
      template: app.entries().find((item) => item.id === `user-${record.id}`)?.template };
    entry.local = isLocal(entry);
    if (!entry.template) return void (output.textContent = 'Enable the model to test it.');
    let client;
    try {
      const opened = await clientFor(entry, app.callContext());
      client = opened.client;
      const answer = await client.chat({ ...opened.call, prompt: 'Say OK.', maxTokens: 5 });
      output.textContent = `✓ Connected: ${answer.model} answered.`;
    } catch (error) {
      output.textContent = `✗ ${describeError(error, entry)}`;
    } finally {
      await client?.close();
    }
  }

  function drawList() {
    fill(list, app.userModels.map((record) => {
      const output = h('span', { class: 'test-output', role: 'status' });
      return h('li', { class: `model-row ${record.enabled === false ? 'disabled' : ''}` },
        h('div', { class: 'model-summary' },
          h('strong', {}, record.name), ' ', h('span', { class: 'badge' }, record.provider),
          record.enabled === false ? h('span', { class: 'badge muted' }, 'disabled') : null,
          h('div', { class: 'sub' }, record.model, record.baseUrl ? ` · ${record.baseUrl}` : '',
            record.hasKey ? ' · key stored' : '')),
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'ghost small', aria: { label: `Edit ${record.name}` }, onclick: () => { startEditing(record); inputs.name.focus(); } }, 'Edit'),
          h('button', { type: 'button', class: 'ghost small', aria: { label: `${record.enabled === false ? 'Enable' : 'Disable'} ${record.name}` },
            onclick: async () => { await app.db.models.put({ ...storedFields(record), enabled: record.enabled === false }); await app.reloadModels(); } },
          record.enabled === false ? 'Enable' : 'Disable'),
          h('button', { type: 'button', class: 'ghost small', aria: { label: `Test connection of ${record.name}` }, onclick: () => testConnection(record, output) }, 'Test connection'),
          h('button', { type: 'button', class: 'ghost small danger', aria: { label: `Delete ${record.name}` },
            onclick: async () => { if (confirm(`Delete ${record.name} and its stored key?`)) { await app.db.models.remove(record.id); await app.reloadModels(); } } }, 'Delete')),
        output);
    }));
    if (!app.userModels.length) list.append(h('li', { class: 'none' }, 'None yet. Add one below: a cloud model with its key, or a local one (Ollama, vLLM).'));
  }

  startEditing(null);
  return {
    element,
    refresh: drawList,
    async show() {
      gateway.value = app.settings.gatewayUrl ?? '';
      drawList();
      passphrase.refresh();
    },
  };
}
