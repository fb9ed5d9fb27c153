// The servers the gateway benchmark runs (the upstream, Portkey's gateway, workerd) as child
// processes: started, waited for until they say they listen (a line of their output) or until
// their port accepts connections, and stopped. Their output is kept to explain a failure.

import { spawn } from 'node:child_process';
import net from 'node:net';

/** A loopback port nothing listens on now (the kernel's pick; another process could take it, rarely). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `command args` and resolves once it is ready: when its output (stdout and stderr)
 * matches `readyLine`, or when `port` on 127.0.0.1 accepts a connection. Resolves to {pid,
 * match (readyLine's match), output(), stop()}; rejects when it exits first or takes longer
 * than `timeoutMs`. stop() ends it (SIGTERM, then SIGKILL after 5 s) and resolves when it has.
 */
export function startServerProcess(command, args, { cwd, env = process.env, readyLine, port, timeoutMs = 60_000 }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const ready = new Promise((resolve) => {
    const onData = (data) => {
      output += data;
      const match = readyLine?.exec(output);
      if (match) resolve(match);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    if (port !== undefined) {
      (async () => {
        while (child.exitCode === null && child.signalCode === null) {
          if (await accepts(port)) return resolve(null);
          await new Promise((wait) => setTimeout(wait, 50));
        }
      })();
    }
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
  });
  return Promise.race([ready, exited.then((how) => ({ exitedAs: how })), timeout]).then(async (outcome) => {
    clearTimeout(timer);
    if (outcome === 'timeout' || outcome?.exitedAs !== undefined) {
      await stop();
      const why = outcome === 'timeout' ? `not ready after ${timeoutMs} ms` : `exited (${outcome.exitedAs})`;
      throw new Error(`${command} ${args.join(' ')}: ${why}:\n${output.slice(-2000)}`);
    }
    return { pid: child.pid, match: outcome, output: () => output, stop };
  });
}
