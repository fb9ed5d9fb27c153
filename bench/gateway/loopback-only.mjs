// Preloaded into Portkey's gateway (node --import): its start-server.js listens on every
// interface (@hono/node-server's serve() is given a port and no hostname) and has no option for
// the address. The benchmark runs on loopback only, so a listen on a port with no host is
// made a listen on 127.0.0.1.

import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter((arg) => arg !== undefined));
  }
  return listen.apply(this, args);
};
