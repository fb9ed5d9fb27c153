// The Usage page: spending by day (a uPlot bar chart) and by model (a table of exact amounts)
// from the package's ledger (client.usage), the monthly budget (client.setBudget, which
// refuses a call that could pass it), and export/import of everything as one JSON file.
// uPlot (about 50 KB) is its own chunk, loaded when this page first draws.
import { h, fill, announce } from './dom.mjs';
import { formatCount, formatDollars } from './format.mjs';
import { budgetScope, ledgerClient } from '../chat/models.mjs';

const dayMs = 86400000;

/** @param {import('../app.mjs').App} app */
export function createUsageView(app) {
  const chartBox = h('div', { class: 'chart', role: 'img', aria: { label: 'Spending by day' } });
  const chartTable = h('table', { class: 'sr-only' });
  const byModel = h('tbody');
  const budgetInput = h('input', { id: 'budget', inputmode: 'decimal', pattern: '\\d+(\\.\\d+)?', placeholder: 'no budget',
    'aria-describedby': 'budget-hint' });
  const budgetState = h('p', { id: 'budget-state', role: 'status' });
  const transferState = h('p', { role: 'status', class: 'transfer-state' });
  const importInput = h('input', { type: 'file', id: 'import-file', accept: 'application/json,.json', class: 'visually-hidden-file',
    onchange: () => importFile(importInput.files[0]) });
  let chart = null;

  const element = h('div', { class: 'page usage-page' },
    h('section', { class: 'card wide' }, h('h2', {}, 'Spending by day (last 30 days)'), chartBox, chartTable),
    h('section', { class: 'card' }, h('h2', {}, 'By model'),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', aria: { label: 'Spending by model' } }, h('table', { class: 'usage-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Model'), h('th', { scope: 'col' }, 'Calls'),
          h('th', { scope: 'col' }, 'Tokens in / out'), h('th', { scope: 'col' }, 'Cost'))),
        byModel))),
    h('section', { class: 'card' },
      h('form', { class: 'budget-form', onsubmit: (event) => { event.preventDefault(); saveBudget(); } },
        h('h2', {}, 'Monthly budget'),
        h('label', { for: 'budget' }, 'Budget in dollars per month'), budgetInput,
        h('small', { id: 'budget-hint' }, 'A call that could cost more than what is left is refused before it is sent. Empty: no budget.'),
        h('button', { type: 'submit', class: 'primary' }, 'Save budget'), budgetState)),
    h('section', { class: 'card' }, h('h2', {}, 'Your data'),
      h('p', {}, 'Export conversations, models (without their keys), settings and usage as one JSON file, or import such a file.'),
      h('div', { class: 'form-buttons' },
        h('button', { type: 'button', class: 'primary', id: 'export', onclick: exportFile }, 'Export all data'),
        h('label', { for: 'import-file', class: 'button ghost', tabindex: '0',
          onkeydown: (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); importInput.click(); } } },
        'Import a file…'), importInput),
      transferState));

  async function withLedger(work) {
    const client = ledgerClient();
    try {
      return await work(client);
    } finally {
      await client.close();
    }
  }

  async function drawChart(days) {
    const { default: uPlot } = await import('uplot');
    const since = Math.floor(Date.now() / dayMs) * dayMs - 29 * dayMs;
    const xs = [];
    const ys = [];
    const byKey = new Map(days.map((row) => [row.key, row]));
    for (let day = since; day <= since + 29 * dayMs; day += dayMs) {
      xs.push(day / 1000);
      // The chart's bar heights only: the amounts people read stay exact strings (table below).
      ys.push(Number(byKey.get(new Date(day).toISOString().slice(0, 10))?.cost ?? 0) || null); // no bar on a day without calls
    }
    fill(chartTable, h('caption', {}, 'Spending by day'),
      days.map((row) => h('tr', {}, h('th', { scope: 'row' }, row.key), h('td', {}, formatDollars(row.cost)))));
    const style = getComputedStyle(document.documentElement);
    const accent = style.getPropertyValue('--accent').trim() || '#4f6bed';
    const ink = style.getPropertyValue('--muted').trim() || '#666';
    const width = Math.max(280, chartBox.clientWidth || 600);
    const options = {
      width, height: 220, legend: { show: false }, cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_, min, max) => [0, max > 0 ? max * 1.15 : 0.01] } },
      axes: [{ stroke: ink, grid: { show: false } },
        { stroke: ink, size: 84, values: (_, ticks) => ticks.map((value) => `$${Number(value.toPrecision(2))}`), grid: { stroke: 'rgba(128,128,128,.15)' } }],
      series: [{}, { label: 'cost', fill: accent, stroke: accent, paths: uPlot.paths.bars({ size: [0.7, 40] }), points: { show: false } }],
    };
    chart?.destroy();
    chart = new uPlot(options, [xs, ys], chartBox);
  }

  async function refresh() {
    await withLedger(async (client) => {
      const since = Date.now() - 30 * dayMs;
      const [days, models, budget] = await Promise.all([client.usage({ by: 'day', since }), client.usage({ by: 'model' }),
        client.budget(budgetScope)]);
      await drawChart(days);
      fill(byModel, models.length ? models.map((row) => h('tr', {},
        h('th', { scope: 'row' }, app.labelOf(row.key)), h('td', {}, formatCount(row.requests)),
        h('td', {}, `${formatCount(row.inputTokens)} / ${formatCount(row.outputTokens)}`),
        h('td', {}, formatDollars(row.cost), row.requestsWithoutCost ? ` (+${row.requestsWithoutCost} unpriced)` : '')))
        : h('tr', {}, h('td', { colspan: '4' }, 'No calls yet.')));
      budgetInput.value = budget.limit ?? '';
      budgetState.textContent = budget.limit
        ? `Spent ${formatDollars(budget.spent)} of ${formatDollars(budget.limit)} this month.`
        : `Spent ${formatDollars(budget.spent)} this month; no budget set.`;
    });
  }

  async function saveBudget() {
    const value = budgetInput.value.trim();
    try {
      await withLedger((client) => client.setBudget(budgetScope, value || null));
      announce('Budget saved');
      await refresh();
    } catch (error) {
      budgetState.textContent = `Not saved: ${error.message}`;
    }
  }

  async function exportFile() {
    // The ledger's own records (the package's exportUsage document), so that an import
    // elsewhere restores the spending itself, not a summary of it. A record's cost is in
    // picodollars: exact as a JavaScript number up to $9,007 a call.
    const usage = await withLedger(async (client) => JSON.parse(await client.exportUsage()).records);
    const data = await app.db.exportAll({ usage });
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const link = h('a', { href: url, download: `llmux-chat-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    transferState.textContent = 'Exported (keys are never exported).';
  }

  async function importFile(file) {
    if (!file) return;
    try {
      const result = await app.db.importAll(JSON.parse(await file.text()));
      const added = Object.entries(result.added).map(([name, count]) => `${count} ${name}`);
      // The usage records go back into the package's ledger; those it holds already are not
      // counted twice (importing a file again changes nothing).
      const usage = await withLedger((client) =>
        client.importUsage(JSON.stringify({ format: 'llmux-ledger', version: 1, records: result.usage })));
      added.push(`${usage.added} usage records`);
      transferState.textContent = `Imported: ${added.join(', ')}.`;
      await app.reloadModels();
      await refresh();
    } catch (error) {
      transferState.textContent = `Not imported: ${error.message}`;
    } finally {
      importInput.value = '';
    }
  }

  return { element, show: refresh };
}
