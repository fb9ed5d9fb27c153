// RunPod, simulated: the REST API v2 that creates, reads, lists and terminates GPU pods
// (https://api.runpod.io/v2, docs.runpod.io/api-reference-v2), and the HTTPS proxy that
// reaches a pod's port (https://POD_ID-PORT.proxy.runpod.net). See README.md, "RunPod".
//
// The API lives under /runpod/<account>/v2 and the proxy under
// /runpod-proxy/<pod_id>-<port>: RUNPOD_REST_URL and RUNPOD_PROXY_URL point there. Each
// account (a test's own) has its key, its scripted failures and its request log; pods live
// in memory. A pod is PROVISIONING, then RUNNING; its vLLM serves (the proxy's /v1/models
// lists the served model) once its start-up delay has passed. Chat requests through the
// proxy are answered like any OpenAI-compatible lane's, from the lane `runpod-<pod_id>`.
//
// What RunPod answers is taken from its OpenAPI document (api-reference-v2/openapi.json):
// CreatePodRequest's fields and limits, the Pod object, RFC 9457 problem bodies
// ({title, status, detail, errors?}, application/problem+json). A GPU type without capacity
// is a 400 whose detail is the text RunPod sends (recorded from live calls by its users:
// the API gives it no code of its own).

const createFields = new Set([
  'name', 'image', 'args', 'disk', 'env', 'ports', 'registry', 'cloud', 'cpu', 'dataCenterIds',
  'globalNetworking', 'gpu', 'mounts', 'startJupyter', 'startSsh', 'templateId',
]);
const gpuFields = new Set(['id', 'count', 'allowedCudaVersions', 'minCudaVersion']);

export const noCapacityDetail =
  'There are no longer any instances available with the requested specifications. Please refresh and try again.';

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value, min) => Number.isInteger(value) && value >= min;

const titles = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

/** An RFC 9457 problem answer, as RunPod's v2 API sends its errors. */
function problem(status, detail, errors) {
  const body = { title: titles[status] ?? 'Error', status, detail };
  if (errors) body.errors = errors;
  return { status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body) };
}

const json = (status, value) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

/** CreatePodRequest's schema violations (422), as "$.field: what" strings. */
function schemaErrors(body) {
  const errors = [];
  for (const key of Object.keys(body))
    if (!createFields.has(key)) errors.push(`$: additional properties '${key}' not allowed`);
  if (typeof body.name !== 'string' || body.name === '') errors.push("$.name: missing or empty (a string of 1 or more characters is required)");
  if (body.templateId === undefined && typeof body.image !== 'string') errors.push("$: missing property 'image' (required without templateId)");
  if ('args' in body && typeof body.args !== 'string') errors.push('$.args: expected a string');
  if ('disk' in body && !isCount(body.disk, 1)) errors.push('$.disk: expected an integer >= 1');
  if ('env' in body && !(isObject(body.env) && Object.values(body.env).every((value) => typeof value === 'string')))
    errors.push('$.env: expected an object of strings');
  if ('ports' in body && !(Array.isArray(body.ports) && body.ports.every((port) => typeof port === 'string')))
    errors.push('$.ports: expected an array of strings');
  if ('cloud' in body && !['SECURE', 'COMMUNITY'].includes(body.cloud)) errors.push("$.cloud: value must be one of 'SECURE', 'COMMUNITY'");
  if ('gpu' in body) {
    if (!isObject(body.gpu)) errors.push('$.gpu: expected an object');
    else {
      for (const key of Object.keys(body.gpu)) if (!gpuFields.has(key)) errors.push(`$.gpu: additional properties '${key}' not allowed`);
      if (typeof body.gpu.id !== 'string') errors.push("$.gpu: missing property 'id'");
      if ('count' in body.gpu && !isCount(body.gpu.count, 1)) errors.push('$.gpu.count: expected an integer >= 1');
    }
  }
  if ('mounts' in body) {
    const mounts = body.mounts;
    if (!isObject(mounts)) errors.push('$.mounts: expected an object');
    else {
      for (const key of Object.keys(mounts))
        if (!['persistent', 'network'].includes(key)) errors.push(`$.mounts: additional properties '${key}' not allowed`);
      const persistent = mounts.persistent;
      if (persistent !== undefined && !(isObject(persistent) && isCount(persistent.size, 10) && typeof persistent.path === 'string'))
        errors.push('$.mounts.persistent: expected {size: an integer >= 10, path: a string}');
      const network = mounts.network;
      if (network !== undefined && !(Array.isArray(network) && network.length <= 1 &&
          network.every((mount) => isObject(mount) && typeof mount.volumeId === 'string' && typeof mount.path === 'string')))
        errors.push('$.mounts.network: expected at most one {volumeId, path}');
    }
  }
  return errors;
}

/** The handler's rules (400): what the schema cannot say. */
function ruleViolation(body) {
  if ((body.gpu === undefined) === (body.cpu === undefined)) return 'exactly one of gpu or cpu must be set';
  if (body.mounts?.persistent && body.mounts?.network) return 'mounts: at most one of persistent or network may be set';
  for (const port of body.ports ?? [])
    if (!/^\d{1,5}\/(http|tcp)$/.test(port) || Number(port.split('/')[0]) > 65535)
      return `ports: "${port}" is not formatted as port/protocol (http or tcp)`;
  return null;
}

/** The value of `--flag` in vLLM's argument string, if given. */
function argument(args, flag) {
  const words = (args ?? '').split(/\s+/).filter(Boolean);
  const at = words.indexOf(flag);
  return at >= 0 ? words[at + 1] : undefined;
}

/** The first word of vLLM's argument string when it is not a flag: `vllm serve`'s model. */
function firstWord(args) {
  const [word] = (args ?? '').split(/\s+/).filter(Boolean);
  return word && !word.startsWith('-') ? word : undefined;
}

let podNumber = 0;
/** A pod id like RunPod's: 14 lowercase letters and digits. */
function podId() {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += letters[Math.floor(Math.random() * letters.length)];
  return id + String(++podNumber).padStart(4, '0');
}

/** One account: its key, its scripted behaviour, its request log. */
class Account {
  constructor(name) {
    this.name = name;
    this.apiKey = null; // none configured: every request is refused
    this.noCapacity = new Set();
    this.readyAfterMs = 300;
    this.neverReady = false;
    this.exitAfterMs = null;
    this.lostCreations = false;
    this.log = [];
    this.terminated = [];
  }

  configure(settings) {
    const known = ['apiKey', 'noCapacity', 'readyAfterMs', 'neverReady', 'exitAfterMs', 'lostCreations'];
    for (const key of Object.keys(settings ?? {}))
      if (!known.includes(key)) throw new TypeError(`simulator: runpod: unknown setting "${key}" (${known.join(', ')})`);
    const { apiKey, noCapacity, readyAfterMs, neverReady, exitAfterMs, lostCreations } = settings;
    if (apiKey !== undefined) {
      if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('simulator: runpod: apiKey is a non-empty string');
      this.apiKey = apiKey;
    }
    if (noCapacity !== undefined) {
      if (!Array.isArray(noCapacity) || !noCapacity.every((gpu) => typeof gpu === 'string'))
        throw new TypeError('simulator: runpod: noCapacity is an array of GPU type ids');
      this.noCapacity = new Set(noCapacity);
    }
    for (const [key, value] of [['readyAfterMs', readyAfterMs], ['exitAfterMs', exitAfterMs]])
      if (value !== undefined && value !== null && !isCount(value, 0))
        throw new TypeError(`simulator: runpod: ${key} is a count of milliseconds`);
    if (readyAfterMs !== undefined) this.readyAfterMs = readyAfterMs;
    if (exitAfterMs !== undefined) this.exitAfterMs = exitAfterMs;
    for (const [key, value] of [['neverReady', neverReady], ['lostCreations', lostCreations]]) {
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw new TypeError(`simulator: runpod: ${key} is a boolean`);
      this[key] = value;
    }
  }
}

/** Every account and pod of one simulator. */
export class RunPod {
  constructor() {
    this.accounts = new Map();
    this.pods = new Map(); // id → pod, until terminated
  }

  account(name) {
    if (!this.accounts.has(name)) this.accounts.set(name, new Account(name));
    return this.accounts.get(name);
  }

  /** The pod's lifecycle status now. */
  status(pod, now = Date.now()) {
    const age = now - pod.createdMs;
    const account = this.account(pod.account);
    if (pod.exitAfterMs !== null && age >= pod.exitAfterMs) return 'EXITED';
    return age < account.readyAfterMs / 2 ? 'PROVISIONING' : 'RUNNING';
  }

  /** Whether the pod's vLLM answers through the proxy now. */
  serving(pod, now = Date.now()) {
    return this.status(pod, now) === 'RUNNING' && !pod.neverReady && now - pod.createdMs >= pod.readyAfterMs;
  }

  /** The Pod object GET /pods/{id} answers. */
  describe(pod) {
    const status = this.status(pod);
    const running = status === 'RUNNING';
    return {
      id: pod.id,
      name: pod.name,
      image: pod.image,
      args: pod.args,
      disk: pod.disk,
      ports: pod.ports,
      env: pod.env,
      registry: null,
      status,
      actions: running ? ['stop', 'restart', 'terminate'] : ['start', 'terminate'],
      mounts: pod.mounts,
      gpu: pod.gpu,
      cloud: pod.cloud,
      dataCenterId: 'US-TX-3',
      cudaVersion: '12.8',
      ssh: { proxy: { host: 'ssh.runpod.io', port: 22, username: `${pod.id}-64411eb2`, command: `ssh ${pod.id}-64411eb2@ssh.runpod.io` }, direct: null },
      template: null,
      cost: 0.69 * pod.gpu.count,
      locked: false,
      globalNetworking: { enabled: false },
      runtime: running ? { uptime: Math.floor((Date.now() - pod.createdMs) / 1000), ports: [] } : {},
      createdAt: pod.createdAt,
      startedAt: running ? pod.createdAt : null,
    };
  }

  /**
   * Answers a request to /runpod/<account>/v2/...: {status, headers, body}, after recording it
   * in the account's log. `path` is what follows /runpod.
   */
  api(method, path, headers, raw) {
    const match = /^\/([A-Za-z0-9._-]{1,100})\/v2(\/.*)?$/.exec(path);
    if (!match) return problem(404, `no RunPod API at ${path} (the simulator serves /runpod/<account>/v2/...)`);
    const account = this.account(match[1]);
    const rest = match[2] ?? '/';
    let body = null;
    let malformed = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        malformed = true;
        body = raw;
      }
    }
    account.log.push({ method, path: rest, headers: { ...headers }, body });

    const authorization = headers.authorization;
    if (!authorization || !authorization.startsWith('Bearer ')) return problem(401, 'missing bearer token');
    if (account.apiKey === null || authorization !== `Bearer ${account.apiKey}`) return problem(401, 'invalid bearer token');

    if (rest === '/pods') {
      if (method === 'GET') return json(200, { pods: [...this.pods.values()].filter((pod) => pod.account === account.name).map((pod) => this.describe(pod)) });
      if (method !== 'POST') return problem(405, 'The requested method is not allowed for this path.');
      if (malformed || !isObject(body)) return problem(400, 'the request body is not a JSON object');
      const errors = schemaErrors(body);
      if (errors.length) return problem(422, 'Request validation failed.', errors);
      const violation = ruleViolation(body);
      if (violation) return problem(400, violation);
      if (body.gpu && account.noCapacity.has(body.gpu.id)) return problem(400, noCapacityDetail);
      const now = Date.now();
      const args = body.args ?? '';
      const pod = {
        id: podId(),
        account: account.name,
        name: body.name,
        image: body.image,
        args,
        disk: body.disk ?? 50,
        ports: body.ports ?? [],
        env: body.env ?? {},
        mounts: body.mounts ?? {},
        gpu: body.gpu ? { id: body.gpu.id, count: body.gpu.count ?? 1 } : undefined,
        cloud: body.cloud ?? 'SECURE',
        createdMs: now,
        createdAt: new Date(now).toISOString(),
        // What the pod's vLLM serves, from its arguments; the account's script as of now.
        // vllm/vllm-openai's entrypoint is `vllm serve`: the model is the first word.
        servedModel: argument(args, '--served-model-name') ?? firstWord(args) ?? 'sim-model',
        maxModelLen: Number(argument(args, '--max-model-len') ?? 32768),
        readyAfterMs: account.readyAfterMs,
        neverReady: account.neverReady,
        exitAfterMs: account.exitAfterMs,
      };
      this.pods.set(pod.id, pod);
      // RunPod has been seen to create the pod, then fail reading it back and answer 500.
      if (account.lostCreations) return problem(500, 'Something went wrong. Please try again later or contact support.');
      return json(201, this.describe(pod));
    }
    const one = /^\/pods\/([^/]+)$/.exec(rest);
    if (one) {
      const pod = this.pods.get(one[1]);
      if (!pod || pod.account !== account.name) return problem(404, 'pod not found');
      if (method === 'GET') return json(200, this.describe(pod));
      if (method === 'DELETE') {
        this.pods.delete(pod.id);
        account.terminated.push(pod.id);
        return { status: 204, headers: {}, body: '' };
      }
      return problem(405, 'The requested method is not allowed for this path.');
    }
    return problem(404, `no route for ${method} ${rest}`);
  }

  /**
   * The proxy for /runpod-proxy/<pod_id>-<port>/...: {pod, rest} when the request should reach
   * the pod's server (rest is the path on it), or {answer} when the proxy answers itself: 404
   * for an unknown pod or a port the pod does not expose over HTTP, 502 while nothing listens.
   */
  proxy(path) {
    const match = /^\/([a-z0-9]+)-(\d{1,5})(\/.*)?$/.exec(path);
    const pod = match && this.pods.get(match[1]);
    if (!pod || !pod.ports.includes(`${match[2]}/http`))
      return { answer: { status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' } };
    if (!this.serving(pod))
      return { answer: { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' } };
    return { pod, rest: match[3] ?? '/' };
  }

  /** vLLM's /v1/models on a serving pod: the served model and its context. */
  models(pod) {
    return json(200, {
      object: 'list',
      data: [{ id: pod.servedModel, object: 'model', created: Math.floor(pod.createdMs / 1000), owned_by: 'vllm', max_model_len: pod.maxModelLen }],
    });
  }
}
