// The simulated RunPod: its REST API v2 (key, CreatePodRequest validation, the Pod object,
// problem bodies, scripted failures) and its pods' proxy (502 until vLLM serves, then
// /v1/models and chat from the pod's lane), in process and through the control API.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { get, post, useSimulator } from './helpers.mjs';
import { noCapacityDetail } from './runpod.mjs';

const sim = useSimulator();

let accounts = 0;
function account(settings = {}) {
  const handle = sim().runpod(`rp${++accounts}-${process.pid}`);
  handle.configure({ apiKey: 'rpa_key', readyAfterMs: 100, ...settings });
  return handle;
}

const auth = { authorization: 'Bearer rpa_key' };
const createBody = {
  name: 'pod-1', image: 'vllm/vllm-openai:latest', gpu: { id: 'NVIDIA A40', count: 1 }, ports: ['8000/http'],
  args: 'Qwen/Qwen2.5-7B-Instruct --port 8000 --served-model-name qwen --max-model-len 4096',
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function del(url, headers) {
  const response = await fetch(url, { method: 'DELETE', headers });
  return { status: response.status, text: await response.text() };
}

test('creates a pod (201, a Pod object), shows it, lists it and terminates it (204)', async () => {
  const runpod = account();
  const created = await post(`${runpod.restUrl}/pods`, createBody, auth);
  assert.equal(created.status, 201);
  const pod = JSON.parse(created.text);
  assert.match(pod.id, /^[a-z0-9]{14}$/);
  assert.deepEqual([pod.name, pod.image, pod.status, pod.gpu, pod.ports, pod.cloud, pod.disk],
    ['pod-1', 'vllm/vllm-openai:latest', 'PROVISIONING', { id: 'NVIDIA A40', count: 1 }, ['8000/http'], 'SECURE', 50]);
  const one = await get(`${runpod.restUrl}/pods/${pod.id}`, auth);
  assert.equal(one.status, 200);
  assert.equal(JSON.parse(one.text).id, pod.id);
  const list = JSON.parse((await get(`${runpod.restUrl}/pods`, auth)).text);
  assert.deepEqual(list.pods.map((listed) => listed.id), [pod.id]);

  const deleted = await del(`${runpod.restUrl}/pods/${pod.id}`, auth);
  assert.deepEqual(deleted, { status: 204, text: '' });
  assert.deepEqual(runpod.pods(), []);
  assert.deepEqual(runpod.terminated(), [pod.id]);
  const gone = await get(`${runpod.restUrl}/pods/${pod.id}`, auth);
  assert.equal(gone.status, 404);
  assert.deepEqual(JSON.parse(gone.text), { title: 'Not Found', status: 404, detail: 'pod not found' });
  assert.equal(gone.headers.get('content-type'), 'application/problem+json');
  assert.equal((await del(`${runpod.restUrl}/pods/${pod.id}`, auth)).status, 404);
});

test('checks the Bearer key: missing or wrong is a 401 problem, recorded', async () => {
  const runpod = account();
  const missing = await post(`${runpod.restUrl}/pods`, createBody);
  assert.equal(missing.status, 401);
  assert.deepEqual(JSON.parse(missing.text), { title: 'Unauthorized', status: 401, detail: 'missing bearer token' });
  const wrong = await get(`${runpod.restUrl}/pods`, { authorization: 'Bearer rpa_other' });
  assert.deepEqual(JSON.parse(wrong.text), { title: 'Unauthorized', status: 401, detail: 'invalid bearer token' });
  assert.deepEqual(runpod.requests().map((request) => [request.method, request.path]), [['POST', '/pods'], ['GET', '/pods']]);
  assert.deepEqual(runpod.pods(), []);
  // An account whose key was never configured refuses every key.
  const unset = sim().runpod(`unset-${process.pid}`);
  assert.equal((await get(`${unset.restUrl}/pods`, auth)).status, 401);
});

test('validates CreatePodRequest: 422 with each schema violation, 400 for the handler\'s rules', async () => {
  const runpod = account();
  const invalid = await post(`${runpod.restUrl}/pods`,
    { image: 'x', gpu: { id: 'NVIDIA A40', count: 0 }, disk: 0, bogus: 1, cloud: 'CHEAP' }, auth);
  assert.equal(invalid.status, 422);
  assert.deepEqual(JSON.parse(invalid.text), {
    title: 'Unprocessable Entity', status: 422, detail: 'Request validation failed.',
    errors: [
      "$: additional properties 'bogus' not allowed",
      '$.name: missing or empty (a string of 1 or more characters is required)',
      '$.disk: expected an integer >= 1',
      "$.cloud: value must be one of 'SECURE', 'COMMUNITY'",
      '$.gpu.count: expected an integer >= 1',
    ],
  });
  for (const [body, detail] of [
    [{ name: 'n', image: 'x' }, 'exactly one of gpu or cpu must be set'],
    [{ ...createBody, ports: ['8000'] }, 'ports: "8000" is not formatted as port/protocol (http or tcp)'],
    [{ ...createBody, mounts: { persistent: { size: 20, path: '/w' }, network: [{ volumeId: 'v', path: '/n' }] } },
      'mounts: at most one of persistent or network may be set'],
  ]) {
    const refused = await post(`${runpod.restUrl}/pods`, body, auth);
    assert.equal(refused.status, 400);
    assert.equal(JSON.parse(refused.text).detail, detail);
  }
  assert.equal((await post(`${runpod.restUrl}/pods`, 'not json', auth)).status, 400);
  assert.deepEqual(runpod.pods(), []);
});

test('no capacity for a GPU type is RunPod\'s 400 and its words; other types are created', async () => {
  const runpod = account({ noCapacity: ['NVIDIA H100 80GB HBM3'] });
  const refused = await post(`${runpod.restUrl}/pods`, { ...createBody, gpu: { id: 'NVIDIA H100 80GB HBM3' } }, auth);
  assert.equal(refused.status, 400);
  assert.deepEqual(JSON.parse(refused.text), { title: 'Bad Request', status: 400, detail: noCapacityDetail });
  assert.match(noCapacityDetail, /^There are no longer any instances available with the requested specifications/);
  assert.equal((await post(`${runpod.restUrl}/pods`, createBody, auth)).status, 201);
});

test('the proxy: 502 while the pod starts, then vLLM\'s /v1/models and chat from the pod\'s lane', async () => {
  const runpod = account({ readyAfterMs: 150 });
  const pod = JSON.parse((await post(`${runpod.restUrl}/pods`, createBody, auth)).text);
  const base = runpod.proxyUrl.replace('{pod_id}', pod.id).replace('{port}', '8000');
  assert.equal((await get(`${base}/models`)).status, 502);
  assert.equal((await get(runpod.proxyUrl.replace('{pod_id}', pod.id).replace('{port}', '8888') + '/models')).status, 404);
  await sleep(200);
  assert.equal(runpod.pods()[0].status, 'RUNNING');
  const models = await get(`${base}/models`);
  assert.equal(models.status, 200);
  assert.deepEqual(JSON.parse(models.text).data.map((model) => [model.id, model.max_model_len]), [['qwen', 4096]]);

  runpod.podLane(pod.id).script([{ text: 'from the pod' }]);
  const chat = await post(`${base}/chat/completions`, { model: 'qwen', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(JSON.parse(chat.text).choices[0].message.content, 'from the pod');
  assert.equal(runpod.podLane(pod.id).requests()[0].path, '/v1/chat/completions');

  await del(`${runpod.restUrl}/pods/${pod.id}`, auth);
  assert.equal((await get(`${base}/models`)).status, 404);
});

test('a pod without --served-model-name serves its first word, the model `vllm serve` was given', async () => {
  const runpod = account({ readyAfterMs: 0 });
  const pod = JSON.parse((await post(`${runpod.restUrl}/pods`, { ...createBody, args: 'Qwen/Qwen2.5-0.5B --port 8000' }, auth)).text);
  const models = await get(`${runpod.proxyUrl.replace('{pod_id}', pod.id).replace('{port}', '8000')}/models`);
  assert.deepEqual(JSON.parse(models.text).data.map((model) => [model.id, model.max_model_len]), [['Qwen/Qwen2.5-0.5B', 32768]]);
});

test('scripted failures: a pod that never serves, a creation answered 500, a pod that exits', async () => {
  const stuck = account({ neverReady: true });
  const pod = JSON.parse((await post(`${stuck.restUrl}/pods`, createBody, auth)).text);
  await sleep(150);
  assert.equal(stuck.pods()[0].status, 'RUNNING');
  assert.equal((await get(`${stuck.proxyUrl.replace('{pod_id}', pod.id).replace('{port}', '8000')}/models`)).status, 502);

  const lost = account({ lostCreations: true });
  const refused = await post(`${lost.restUrl}/pods`, createBody, auth);
  assert.equal(refused.status, 500);
  assert.equal(JSON.parse(refused.text).title, 'Internal Server Error');
  assert.deepEqual(lost.pods().map((created) => created.name), ['pod-1']);

  const exits = account({ exitAfterMs: 50, readyAfterMs: 10_000 });
  await post(`${exits.restUrl}/pods`, createBody, auth);
  await sleep(100);
  assert.equal(exits.pods()[0].status, 'EXITED');
  assert.throws(() => exits.configure({ readyAfter: 5 }), /unknown setting "readyAfter"/);
});

test('the control API configures an account and shows its pods and requests', async () => {
  const name = `ctl-${process.pid}`;
  const configured = await post(`${sim().url}/_sim/runpod/${name}/config`, { apiKey: 'rpa_ctl', readyAfterMs: 0 });
  assert.equal(configured.status, 200);
  const runpod = sim().runpod(name);
  const created = await post(`${runpod.restUrl}/pods`, createBody, { authorization: 'Bearer rpa_ctl' });
  assert.equal(created.status, 201);
  const pods = JSON.parse((await get(`${sim().url}/_sim/runpod/${name}/pods`)).text);
  assert.deepEqual(pods.map((pod) => pod.status), ['RUNNING']);
  const requests = JSON.parse((await get(`${sim().url}/_sim/runpod/${name}/requests`)).text);
  assert.deepEqual(requests.map((request) => request.body.name), ['pod-1']);
  const bad = await post(`${sim().url}/_sim/runpod/${name}/config`, { apiKey: 7 });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.text).error.message, /apiKey is a non-empty string/);
});
