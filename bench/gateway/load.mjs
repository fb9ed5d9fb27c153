// The gateway load test (issue 17): --streams concurrent streamed chat requests (500) through
// the llmux gateway in workerd, against the benchmark's loopback upstream, for --seconds
// (180): each of the --streams callers holds its own keep-alive connection and sends its next
// streamed request as soon as its last one has ended. Reports the errors (must be 0), the
// streams completed and their time to the last byte, and the gateway process's resident
// memory (VmRSS from /proc) sampled every --sample-seconds: after the first minute
// (--settle-seconds) it must stay flat, so the least-squares slope over those samples is
// printed beside them.
//
//   node bench/gateway/load.mjs [--seconds 180] [--streams 500] [--sample-seconds 5]
//        [--settle-seconds 60] [--subject llmux] [--upstream-workers 1] [--json] [--json-out FILE]
//
// --subject portkey or direct runs the same load through Portkey's gateway or straight to the
// upstream (where the RSS is the upstream primary's, which serves nothing). Each caller's
// first answer is checked whole, the rest cheaply (status 200, ending in [DONE]); failures are
// counted, not thrown. Loopback only. Exits 1 when a stream failed or the memory grew.

import { emit, flag, median, numberArg, printTable } from '../js/common.mjs';
import { connect, Failures } from './load-generator.mjs';
import { rssBytes } from './process-stats.mjs';
import { subjects } from './subjects.mjs';
import { startUpstream } from './upstream.mjs';

const seconds = numberArg('seconds', 180);
const streams = numberArg('streams', 500);
const sampleSeconds = numberArg('sample-seconds', 5);
const settleSeconds = numberArg('settle-seconds', Math.min(60, seconds / 3));
const upstreamWorkers = numberArg('upstream-workers', 1);
const subjectArg = process.argv.slice(2).find((arg, i, argv) => argv[i - 1] === '--subject' || arg.startsWith('--subject='));
const subjectName = subjectArg ? subjectArg.replace(/^--subject=/, '') : 'llmux';
// Memory is flat when the fitted line grows less than this over the settled part of the run:
// the larger of 2 MB and 2% of the RSS at the start of that part (allocators keep what they freed).
const flatAllowanceBytes = (rss) => Math.max(2 * 1024 * 1024, 0.02 * rss);

const subject = subjects.find((s) => s.name === subjectName);
if (!subject) throw new Error(`--subject: one of ${subjects.map((s) => s.name).join(', ')}`);
const unavailable = subject.unavailable();
if (unavailable) {
  console.error(`load: ${subject.name} cannot run: ${unavailable}`);
  process.exit(1);
}

/** Least-squares slope of y over x (per unit of x), or 0 with fewer than two points. */
function slope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  return covariance / variance;
}

const upstream = await startUpstream({ workers: upstreamWorkers });
let instance;
const failures = new Failures();
const lastByteMs = [];
const samples = [];
let completed = 0;
try {
  instance = await subject.start({ upstream });
  const pid = instance.pid ?? upstream.pid;
  const client = connect(instance, streams);
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const sample = () => samples.push({ seconds: (performance.now() - start) / 1000, rss: rssBytes(pid), completed, errors: failures.count });
  sample();
  const sampler = setInterval(sample, sampleSeconds * 1000);
  const caller = async () => {
    let thorough = true;
    while (performance.now() < deadline) {
      const response = await client.send(true);
      if (!failures.note(response, true, thorough)) lastByteMs.push(response.lastByteMs);
      thorough = false;
      completed++;
    }
  };
  await Promise.all(Array.from({ length: streams }, caller));
  clearInterval(sampler);
  sample();
  await client.close();
} finally {
  await instance?.stop();
  await upstream.stop();
}

const elapsed = samples.at(-1).seconds;
const settled = samples.filter((s) => s.seconds >= settleSeconds);
const bytesPerSecond = slope(settled.map((s) => ({ x: s.seconds, y: s.rss })));
const settledGrowth = settled.length > 1 ? bytesPerSecond * (settled.at(-1).seconds - settled[0].seconds) : 0;
const flat = settled.length > 1 && settledGrowth < flatAllowanceBytes(settled[0].rss);
const sorted = [...lastByteMs].sort((a, b) => a - b);
const summary = {
  subject: subject.name, what: subject.what, streams, seconds: elapsed, completed, errors: failures.count, first_error: failures.first,
  streams_per_second: completed / elapsed,
  last_byte_p50_ms: lastByteMs.length ? median(lastByteMs) : null,
  last_byte_p99_ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] : null,
  rss_samples: samples.map((s) => ({ seconds: s.seconds, rss_bytes: s.rss, completed: s.completed, errors: s.errors })),
  settle_seconds: settleSeconds,
  rss_slope_bytes_per_minute: bytesPerSecond * 60,
  rss_settled_growth_bytes: settledGrowth,
  memory_flat: flat,
};

if (emit(summary)) {
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  console.log(`load: ${streams} concurrent streams through ${subject.name} (${subject.what}) for ${elapsed.toFixed(0)} s; ` +
    `RSS of process ${instance?.pid ?? upstream.pid} every ${sampleSeconds} s`);
  printTable(['s', 'RSS MB', 'streams done', 'errors'],
    samples.map((s) => [s.seconds.toFixed(0), mb(s.rss), String(s.completed), String(s.errors)]), 0);
  console.log(`streams completed: ${completed} (${summary.streams_per_second.toFixed(0)}/s), to the last byte p50 ` +
    `${summary.last_byte_p50_ms?.toFixed(1)} ms, p99 ${summary.last_byte_p99_ms?.toFixed(1)} ms`);
  console.log(`errors: ${failures.count}${failures.first ? ` (the first: ${failures.first})` : ''}`);
  console.log(`RSS after ${settleSeconds.toFixed(0)} s: ${settled.length} samples, ${settled.length ? mb(settled[0].rss) : '-'} MB to ` +
    `${settled.length ? mb(settled.at(-1).rss) : '-'} MB, slope ${(summary.rss_slope_bytes_per_minute / 1024 / 1024).toFixed(2)} MB/min ` +
    `(fitted growth ${mb(settledGrowth)} MB): ${flat ? 'flat' : settled.length > 1 ? 'NOT flat' : 'too few samples to tell'}`);
}
process.exitCode = failures.count === 0 && flat ? 0 : 1;
