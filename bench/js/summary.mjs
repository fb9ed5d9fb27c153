// The summary scripts/bench-js.sh prints after the four benchmarks: one table of llmux against
// the floor and the two SDKs, with the ratios and the issue's targets, from the JSON files the
// benchmarks wrote (--json-out). A missing file or a skipped row prints as "-".
//
//   node bench/js/summary.mjs DIR     (DIR holds size.json, stream.json, stream-process.json,
//                                      request.json, cold-start.json, gateway.json; any may be missing)

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { printTable } from './common.mjs';

const dir = process.argv[2];
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);
const size = read('size.json');
const streams = [['in-process', read('stream.json')], ['child process', read('stream-process.json')]];
const request = read('request.json');
const cold = read('cold-start.json');
const gateway = read('gateway.json');

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const x = (ratio) => `${ratio.toFixed(2)}x`;
const dash = '-';
const verdict = (ok) => (ok === null || ok === undefined ? dash : ok ? 'met' : 'NOT met');
const rows = [];

if (size) {
  const bundle = (name) => size.bundles.find((b) => b.name.startsWith(name));
  const llmuxAll = bundle('llmux JS + .wasm');
  const openai = bundle('openai SDK');
  const aiSdk = bundle('AI SDK');
  rows.push(['size, gzip -9', 'payload (index.mjs + llmux-core.wasm)', kb(size.payload.gzip), '', '< 150 KB', verdict(size.payload_within_target)]);
  if (size.tools) rows.push(['', 'llmux-tools.wasm (builtinTools() only)', kb(size.tools.gzip), '', '', '']);
  if (llmuxAll) {
    rows.push(['', 'llmux bundled JS + .wasm', kb(llmuxAll.gzip), '', '< 150 KB', verdict(size.bundle_within_target)]);
    rows.push(['', 'openai SDK bundle', kb(openai.gzip), `llmux ${x(llmuxAll.gzip / openai.gzip)}`, '(issue: ~36 KB)', '']);
    rows.push(['', 'AI SDK bundle', kb(aiSdk.gzip), `llmux ${x(llmuxAll.gzip / aiSdk.gzip)}`, '(issue: ~220 KB)', '']);
  }
}

for (const [where, stream] of streams) {
  if (!stream) continue;
  const head = `stream, µs/chunk (simulator ${where})`;
  let first = true;
  for (const r of stream.results) {
    const label = first ? head : '';
    first = false;
    if (r.skipped) {
      rows.push([label, r.name, 'skipped', '', '', '']);
      continue;
    }
    const target = r.name === 'llmux' ? '<= 2x floor' : '';
    const client = r.client_cpu_ratio_to_floor === undefined ? '' : `, CPU - transport ${x(r.client_cpu_ratio_to_floor)}`;
    rows.push([label, r.name, r.us_per_chunk.toFixed(2), `${x(r.ratio_to_floor)} floor; CPU ${r.cpu_us_per_chunk.toFixed(2)} µs, ` +
      `${x(r.cpu_ratio_to_floor)}${client}`, target, r.name === 'llmux' ? verdict(stream.llmux_within) : '']);
  }
}

if (request) {
  let first = true;
  for (const r of request.results) {
    const label = first ? `request, µs (${request.requests} each)` : '';
    first = false;
    if (r.skipped) {
      rows.push([label, r.name, 'skipped', '', '', '']);
      continue;
    }
    const issue = { openai: '(issue: ~+100)', 'ai-sdk': '(issue: ~+340)', llmux: '<= +50 µs', 'llmux-fresh': '<= +50 µs' }[r.name] ?? '';
    const signed = (us) => `${us >= 0 ? '+' : ''}${us.toFixed(1)}`;
    const noRedirect = r.name.startsWith('llmux') && r.overhead_no_redirect_us !== undefined
      ? `; ${signed(r.overhead_no_redirect_us)} over fetch-no-redirect` : '';
    rows.push([label, r.name, r.median_us.toFixed(1), r.name === 'fetch' ? 'floor' :
      `${signed(r.overhead_us)} µs; CPU ${signed(r.cpu_overhead_us)} µs${noRedirect}`,
    issue, r.name === 'llmux' ? verdict(request.llmux_within) : r.name === 'llmux-fresh' ? verdict(request.llmux_fresh_within) : '']);
  }
}

if (cold) {
  const openai = cold.node.find((r) => r.client === 'openai');
  let first = true;
  for (const r of cold.node) {
    if (r.client === 'none') continue;
    rows.push([first ? 'cold start, Node: import→fetch ms' : '', r.client, r.fetch_ms.toFixed(1),
      r.client === 'openai' ? '' : `${x(r.fetch_ms / openai.fetch_ms)} openai`, '', '']);
    first = false;
  }
  if (!cold.node.some((r) => r.client === 'llmux')) rows.push(['', 'llmux', 'skipped', '', '', '']);
  if (cold.workerd) {
    const trivial = cold.workerd.find((r) => r.worker === 'trivial');
    first = true;
    for (const r of cold.workerd) {
      rows.push([first ? 'cold start, workerd: spawn→1st answer ms' : '', r.worker, r.spawn_to_first_answer_ms.toFixed(1),
        `ready ${r.ready_ms.toFixed(1)}, 1st request ${r.first_ms.toFixed(1)}` +
        (r.worker === 'trivial' ? '' : ` (+${(r.first_ms - trivial.first_ms).toFixed(1)} over trivial)`) +
        `, in-worker req→fetch ${r.first_request_to_fetch_ms.toFixed(0)}`, '', '']);
      first = false;
    }
  } else if (cold.workerd_note) {
    rows.push(['cold start, workerd', cold.workerd_note, '', '', '', '']);
  }
}

if (gateway) {
  for (const kind of ['whole', 'streamed']) {
    let first = true;
    for (const r of gateway.results) {
      const label = first ? `gateway, ${kind}: added ms at 1 conn; req/s at ${gateway.connections}` : '';
      first = false;
      const figures = r.cases[kind];
      if (r.skipped || figures?.failed) {
        rows.push([label, r.name, r.skipped ? 'skipped' : 'FAILED', '', '', '']);
        continue;
      }
      const v = gateway.verdicts[kind];
      const perSecond = Math.round(figures.requests_per_second);
      rows.push([label, r.name, r.name === 'direct' ? `${figures.p50_ms.toFixed(3)} p50; ${perSecond}/s` :
        `+${figures.added_p50_ms.toFixed(3)} p50, +${figures.added_p99_ms.toFixed(3)} p99; ${perSecond}/s`,
      r.name === 'direct' ? 'floor' : `${x(figures.throughput_of_floor)} floor` +
        (figures.throughput_over_portkey === undefined ? '' : `, ${x(figures.throughput_over_portkey)} Portkey`),
      r.name === 'llmux' ? '<= +0.3 ms; >= 3x Portkey; beats it' : '',
      r.name === 'llmux' ? [v.added_within, v.throughput_within, v.beats_portkey].map(verdict).join(', ') : '']);
    }
  }
}

console.log();
console.log('summary');
printTable(['benchmark', 'contestant', 'figure', 'ratio / overhead', 'target', 'verdict'], rows, 2);
