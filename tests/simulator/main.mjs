#!/usr/bin/env node
// The simulator as a process, for tests that are not written in JavaScript:
//
//   node tests/simulator/main.mjs [--port N] [--ignore-stdin]
//
// Prints exactly one line, `listening http://127.0.0.1:PORT`, once it accepts connections,
// then serves until it is killed (SIGTERM, SIGINT) or its stdin closes: a test that spawns it
// with a pipe on stdin cannot leak it, since the pipe closes when the test exits however it
// exits. --ignore-stdin serves until killed (for a shell's background job, whose stdin is
// /dev/null). Binds 127.0.0.1 only. Scripted through the /_sim/ control API (README.md).

import { startSimulator } from './simulator.mjs';

function usage(message) {
  process.stderr.write(`simulator: ${message}\nusage: node tests/simulator/main.mjs [--port N] [--ignore-stdin]\n`);
  process.exit(2);
}

let port = 0;
let watchStdin = true;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--ignore-stdin') {
    watchStdin = false;
  } else if (arg === '--port' || arg.startsWith('--port=')) {
    const value = arg === '--port' ? args[++i] : arg.slice('--port='.length);
    if (!/^\d+$/.test(value ?? '') || Number(value) > 65535) usage(`--port takes a port number, not ${JSON.stringify(value)}`);
    port = Number(value);
  } else {
    usage(`unknown argument ${JSON.stringify(arg)}`);
  }
}

let simulator;
try {
  simulator = await startSimulator({ port, host: '127.0.0.1' });
} catch (error) {
  process.stderr.write(`simulator: cannot listen on 127.0.0.1:${port}: ${error.message}\n`);
  process.exit(1);
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await simulator.close();
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (watchStdin) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume(); // read (and drop) whatever comes, to see the end
}
process.stdout.write(`listening ${simulator.url}\n`);
