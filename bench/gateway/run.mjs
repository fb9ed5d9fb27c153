// The gateway benchmark (issue 17): llmux's edge gateway in workerd beside Portkey's gateway,
// doing the same work against the same upstream, and the floor (the client calling the
// upstream itself). For OpenAI chat requests, whole and streamed (50 content chunks + usage):
//   - latency at 1 connection: p50 and p99 to the last byte (streamed: also to the first
//     body byte), and what each gateway adds over the floor's p50 and p99;
//   - requests per second at 32 connections (32 callers, each sending its next request when
//     its last has ended), beside the floor's, with the gateway process's CPU time per request.
//
//   node bench/gateway/run.mjs [--requests 2000] [--warmup 500] [--block 100]
//        [--throughput-requests 4000] [--rounds 3] [--connections 32] [--upstream-workers 1]
//        [--only llmux,portkey] [--quick] [--json] [--json-out FILE]
//
// Every process runs on this machine over loopback: the upstream (bench/gateway/upstream.mjs,
// node:cluster), each gateway, and this process, the load generator (undici pools,
// keep-alive). Latency requests are interleaved across subjects in blocks of --block so that
// the machine's drift touches all alike; each throughput round runs every subject once, and
// the median round is reported. A subject that fails a case (a warm-up request answered
// wrongly) is reported with the first failure and left out of that case; the rest goes on.
// Asserts nothing: timings depend on the machine and on what else runs on it.

import { cpus, loadavg } from 'node:os';

import { emit, flag, median, numberArg, printTable } from '../js/common.mjs';
import { concurrent, connect, Failures, sequential } from './load-generator.mjs';
import { cpuSeconds } from './process-stats.mjs';
import { subjects } from './subjects.mjs';
import { startUpstream } from './upstream.mjs';

const quick = flag('quick');
const requests = numberArg('requests', quick ? 500 : 2000);
const warmup = numberArg('warmup', quick ? 200 : 500);
const block = numberArg('block', 100);
const throughputRequests = numberArg('throughput-requests', quick ? 1500 : 4000);
const rounds = numberArg('rounds', quick ? 1 : 3);
const connections = numberArg('connections', 32);
const upstreamWorkers = numberArg('upstream-workers', 1);
const only = process.argv.slice(2).find((arg, i, argv) => argv[i - 1] === '--only' || arg.startsWith('--only='));
const wanted = only ? new Set(['direct', ...only.replace(/^--only=/, '').split(',')]) : null;

const kinds = [{ name: 'whole', stream: false }, { name: 'streamed', stream: true }];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

const upstream = await startUpstream({ workers: upstreamWorkers });
const running = [];
const results = [];
try {
  for (const subject of subjects) {
    if (wanted && !wanted.has(subject.name)) continue;
    const result = { name: subject.name, what: subject.what, cases: {} };
    results.push(result);
    result.skipped = subject.unavailable();
    if (result.skipped) continue;
    try {
      running.push({ subject, result, instance: await subject.start({ upstream }) });
    } catch (error) {
      result.skipped = `did not start: ${error.message}`;
    }
  }

  // Warm-up, every case of every subject before anything is timed (the first case timed
  // after a short warm-up measured up to 4x slower than the same case timed later: the JIT of
  // this process and of the servers, and the connections' first use): one connection, each
  // answer checked whole (a subject failing here fails the case), then `connections`.
  const cases = [];
  for (const kind of kinds) {
    for (const entry of running) {
      const client = connect(entry.instance, 1);
      const failures = new Failures();
      await sequential(client, kind.stream, warmup, { failures, thorough: true });
      if (failures.count > 0) {
        entry.result.cases[kind.name] = { failed: `${failures.count} of ${warmup} warm-up requests failed; the first: ${failures.first}` };
        await client.close();
        continue;
      }
      const many = connect(entry.instance, connections);
      await concurrent(many, kind.stream, connections * 20, connections, { failures });
      await many.close();
      cases.push({ ...entry, kind, client, samples: { lastByte: [], firstByte: [] }, failures, rounds: [] });
    }
  }

  // Latency at one connection, the subjects interleaved in blocks.
  for (const kind of kinds) {
    const active = cases.filter((c) => c.kind === kind);
    for (let done = 0; done < requests; done += block) {
      for (const c of active) {
        await sequential(c.client, kind.stream, Math.min(block, requests - done), { samples: c.samples, failures: c.failures });
      }
    }
  }
  for (const c of cases) await c.client.close();

  // Requests per second at `connections` connections: every case once per round.
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const client = connect(c.instance, connections);
      await concurrent(client, c.kind.stream, connections * 4, connections, { failures: c.failures }); // opens the connections
      const cpuBefore = c.instance.pid ? cpuSeconds(c.instance.pid) : null;
      const seconds = await concurrent(client, c.kind.stream, throughputRequests, connections, { failures: c.failures });
      const cpu = c.instance.pid ? cpuSeconds(c.instance.pid) - cpuBefore : null;
      c.rounds.push({ perSecond: throughputRequests / seconds, cpuUsPerRequest: cpu === null ? null : cpu * 1e6 / throughputRequests });
      await client.close();
    }
  }

  for (const c of cases) {
    const { lastByte, firstByte } = c.samples;
    const middle = [...c.rounds].sort((a, b) => a.perSecond - b.perSecond)[c.rounds.length >> 1];
    c.result.cases[c.kind.name] = {
      p50_ms: median(lastByte),
      p99_ms: percentile(lastByte, 0.99),
      first_byte_p50_ms: c.kind.stream ? median(firstByte) : null,
      requests_per_second: middle.perSecond,
      requests_per_second_rounds: c.rounds.map((r) => r.perSecond),
      gateway_cpu_us_per_request: middle.cpuUsPerRequest,
      errors: c.failures.count,
      first_error: c.failures.first,
    };
  }
} finally {
  for (const { instance } of running) await instance.stop();
  await upstream.stop();
}

// Added latency and throughput ratios against the floor (direct) and Portkey.
const floor = results.find((r) => r.name === 'direct');
const portkey = results.find((r) => r.name === 'portkey');
for (const result of results) {
  for (const kind of kinds) {
    const figures = result.cases[kind.name];
    const floorFigures = floor?.cases[kind.name];
    if (!figures || figures.failed || !floorFigures || floorFigures.failed) continue;
    figures.added_p50_ms = figures.p50_ms - floorFigures.p50_ms;
    figures.added_p99_ms = figures.p99_ms - floorFigures.p99_ms;
    figures.throughput_of_floor = figures.requests_per_second / floorFigures.requests_per_second;
    const portkeyFigures = portkey?.cases[kind.name];
    if (result !== portkey && portkeyFigures && !portkeyFigures.failed) {
      figures.throughput_over_portkey = figures.requests_per_second / portkeyFigures.requests_per_second;
    }
  }
}

// The issue's targets for llmux, per case: null where a figure is missing (a failed case).
const llmuxResult = results.find((r) => r.name === 'llmux');
const verdicts = {};
for (const kind of kinds) {
  const mine = llmuxResult?.cases[kind.name];
  const theirs = portkey?.cases[kind.name];
  const measured = (figures) => Boolean(figures && !figures.failed && figures.added_p50_ms !== undefined);
  verdicts[kind.name] = {
    beats_portkey: measured(mine) && measured(theirs)
      ? mine.added_p50_ms < theirs.added_p50_ms && mine.added_p99_ms < theirs.added_p99_ms && mine.requests_per_second > theirs.requests_per_second
      : null,
    added_within: measured(mine) ? mine.added_p50_ms <= 0.3 : null,
    throughput_within: measured(mine) && measured(theirs) ? mine.throughput_over_portkey >= 3 : null,
  };
}

const summary = {
  requests, warmup, block, throughput_requests: throughputRequests, rounds, connections, upstream_workers: upstreamWorkers,
  node: process.version, cpus: cpus().length, load_average: loadavg(), results, verdicts,
  targets: `llmux beats Portkey on every figure; adds <= 0.3 ms (p50) at one connection; >= 3x Portkey's requests/s at ${connections}`,
};

if (emit(summary)) {
  const ms = (value) => (value === null || value === undefined ? '' : value.toFixed(3));
  const signedMs = (value) => (value === undefined ? '' : `${value >= 0 ? '+' : ''}${value.toFixed(3)}`);
  const ratio = (value) => (value === undefined ? '' : `${value.toFixed(2)}x`);
  console.log(`gateway benchmark: ${requests} timed requests per subject and case at 1 connection (after ${warmup} checked warm-up ` +
    `requests), interleaved in blocks of ${block}; ${throughputRequests} requests at ${connections} connections, median of ${rounds} ` +
    `round(s); upstream: node:cluster, ${upstreamWorkers} worker(s); node ${process.version}, ${cpus().length} cores, ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
  console.log();
  const rows = [];
  for (const kind of kinds) {
    for (const result of results) {
      const figures = result.cases[kind.name];
      if (result.skipped || figures?.failed) {
        rows.push([kind.name, result.name, result.skipped ? 'skipped' : 'FAILED', '', '', '', '', '', '', '', '', '', '']);
        continue;
      }
      const floorFigures = floor.cases[kind.name];
      rows.push([
        kind.name, result.name, ms(figures.p50_ms), ms(figures.p99_ms),
        result === floor ? 'floor' : signedMs(figures.added_p50_ms), result === floor ? 'floor' : signedMs(figures.added_p99_ms),
        kind.stream ? ms(figures.first_byte_p50_ms) : '',
        Math.round(figures.requests_per_second).toLocaleString('en-US'),
        result === floor ? 'floor' : `${ratio(figures.throughput_of_floor)} of ${Math.round(floorFigures.requests_per_second).toLocaleString('en-US')}`,
        ratio(figures.throughput_over_portkey),
        figures.gateway_cpu_us_per_request === null ? '' : figures.gateway_cpu_us_per_request.toFixed(0),
        String(figures.errors),
        figures.requests_per_second_rounds.map((r) => Math.round(r)).join(' '),
      ]);
    }
  }
  printTable(['case', 'subject', 'p50 ms', 'p99 ms', 'added p50', 'added p99', '1st byte p50', `req/s @${connections}`, 'of the floor',
    'x Portkey', 'gateway CPU µs/req', 'errors', 'req/s per round'], rows, 2);
  console.log();
  for (const result of results) {
    console.log(`  ${result.name.padEnd(8)} ${result.what}${result.skipped ? ` — skipped: ${result.skipped}` : ''}`);
    for (const kind of kinds) {
      const figures = result.cases[kind.name];
      if (figures?.failed) {
        console.log(`           ${kind.name}: FAILED: ${figures.failed}`);
        const why = subjects.find((s) => s.name === result.name).knownFailures?.[kind.name];
        if (why) console.log(`           why: ${why}`);
      }
      else if (figures?.first_error) console.log(`           ${kind.name}: ${figures.errors} timed requests failed; the first: ${figures.first_error}`);
    }
  }
  console.log(`targets (issue 17): ${summary.targets}`);
  const verdict = (ok) => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
  for (const kind of kinds) {
    const v = verdicts[kind.name];
    console.log(`  llmux, ${kind.name}: beats Portkey ${verdict(v.beats_portkey)}; <= 0.3 ms added ${verdict(v.added_within)}; ` +
      `>= 3x Portkey's requests/s ${verdict(v.throughput_within)}`);
  }
}
