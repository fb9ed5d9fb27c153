// `llmux deploy runpod`, `deploy list` and `deploy stop` as a user types them, against the
// provider simulator's RunPod (its REST API and its pods' proxy) and the fake vllm: what the
// API receives, what lands in the models file and the deployments registry, and that every
// failure leaves nothing behind (no pod alive, nothing registered) and never shows the key.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fakes, freePort, runCli as run, useSimulatorAndHome } from './helpers.mjs';

const key = 'rpa_SIMULATED0SECRET0KEY0000000000000000';
const hfToken = 'hf_SIMULATEDsecretTOKEN000000000000';
const gpu = 'NVIDIA GeForce RTX 4090';

const shared = useSimulatorAndHome('llmux-deploy-');

let accounts = 0;
// A RunPod account of its own (its key, its pods) and a fresh llmux home for one test.
function setup(settings = {}) {
  const account = shared.sim().runpod(`deploy${++accounts}`);
  account.configure({ apiKey: key, readyAfterMs: 200, ...settings });
  const home = shared.newHome(account.name);
  const { dir } = home;
  const env = {
    ...home.env,
    RUNPOD_API_KEY: key,
    RUNPOD_REST_URL: account.restUrl,
    RUNPOD_PROXY_URL: account.proxyUrl,
    HF_TOKEN: hfToken,
  };
  const models = () => (existsSync(env.LLMUX_MODELS_FILE) ? JSON.parse(readFileSync(env.LLMUX_MODELS_FILE, 'utf8')).models : []);
  const registry = join(env.LLMUX_HOME, 'deploy', 'deployments.json');
  const deployments = () => (existsSync(registry) ? JSON.parse(readFileSync(registry, 'utf8')).deployments : []);
  return { account, env, dir, models, deployments };
}

const podUrl = (account, podId) => account.proxyUrl.replace('{pod_id}', podId).replace('{port}', '8000');

// Every file under `dir`, as text.
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'));
}

// The secrets appear in no output and no file llmux wrote.
function assertNoSecrets(dir, ...outputs) {
  for (const text of [...outputs.flatMap((out) => [out.stdout, out.stderr]), ...filesUnder(dir)]) {
    assert.ok(!text.includes(key), 'the RunPod key leaked');
    assert.ok(!text.includes(hfToken), 'the Hugging Face token leaked');
  }
}

// Nothing left: no pod alive at RunPod, nothing in the models file or the registry.
function assertNothingLeft({ account, models, deployments }) {
  assert.deepEqual(account.pods(), []);
  assert.deepEqual(models(), []);
  assert.deepEqual(deployments(), []);
}

const lastLine = (text) => text.trimEnd().split('\n').at(-1);

// Whether process `pid` runs: /proc lists it and it is not a zombie (a server whose parent
// exited waits for init to reap it).
function running(pid) {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  const text = readFileSync(stat, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
}

describe('llmux deploy runpod', () => {
  test('creates a vLLM pod, waits until it serves, registers it; chat, list and stop work through it', async () => {
    const setupResult = setup();
    const { account, env, dir, models, deployments } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, '--name', 'qwen-pod',
      '--timeout', '60', '--', '--dtype', 'half'], env);
    assert.equal(out.status, 0, out.stderr);

    // The request RunPod received: CreatePodRequest as its API documents it.
    const creates = account.requests().filter((request) => request.method === 'POST');
    assert.equal(creates.length, 1);
    assert.equal(creates[0].path, '/pods');
    assert.equal(creates[0].headers.authorization, `Bearer ${key}`);
    const { name, ...body } = creates[0].body;
    assert.match(name, /^llmux-qwen-pod-[a-z0-9]{6}$/);
    assert.deepEqual(body, {
      image: 'vllm/vllm-openai:latest',
      gpu: { id: gpu, count: 1 },
      cloud: 'SECURE',
      disk: 50,
      ports: ['8000/http'],
      env: { HF_TOKEN: hfToken },
      args: 'Qwen/Qwen2.5-7B-Instruct --port 8000 --served-model-name qwen-pod --enable-auto-tool-choice '
        + '--tool-call-parser hermes --dtype half',
    });

    const [pod] = account.pods();
    const baseUrl = podUrl(account, pod.id);
    assert.equal(out.stdout.split('\n')[0],
      `deployed qwen-pod: Qwen/Qwen2.5-7B-Instruct on RunPod pod ${pod.id} (1 x ${gpu}) at ${baseUrl}`);
    assert.match(out.stdout, /stop: llmux deploy stop qwen-pod \(RunPod bills the pod by the hour until then\)/);
    // No prices: RunPod bills GPU hours, so a call's cost is unknown, never zero.
    assert.deepEqual(models(), [{
      id: 'qwen-pod', name: `Qwen/Qwen2.5-7B-Instruct on RunPod (${gpu})`, provider: 'runpod', model: 'qwen-pod',
      base_url: baseUrl, context: 32768, max_output: 2048, features: ['streaming', 'tools'], user: true,
    }]);
    const [deployment] = deployments();
    assert.deepEqual({ ...deployment, started_at: undefined }, {
      name: 'qwen-pod', kind: 'runpod', model: 'Qwen/Qwen2.5-7B-Instruct', served_model: 'qwen-pod',
      base_url: baseUrl, pod_id: pod.id, started_at: undefined,
    });
    assert.match(deployment.started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // llmux chat reaches the pod's vLLM through the proxy URL.
    const lane = account.podLane(pod.id);
    lane.script([{ text: 'served by the pod', usage: { input: 12, output: 4 } }]);
    const chat = await run(['chat', '-m', 'qwen-pod', 'hi'], env);
    assert.equal(chat.status, 0, chat.stderr);
    assert.equal(chat.stdout, 'served by the pod\n');
    assert.equal(lastLine(chat.stderr), '[qwen-pod] 12 input + 4 output tokens, cost unknown, 1 call');
    assert.equal(lane.requests()[0].body.model, 'qwen-pod');
    assert.equal(lane.requests()[0].path, '/v1/chat/completions');

    const list = await run(['deploy', 'list'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^qwen-pod +runpod +RUNNING +Qwen/Qwen2\\.5-7B-Instruct +${baseUrl.replace(/[.?]/g, '\\$&')}$`, 'm'));
    const listed = JSON.parse((await run(['deploy', 'list', '--json'], env)).stdout);
    assert.deepEqual(listed.deployments.map((entry) => [entry.name, entry.kind, entry.pod_id, entry.state]),
      [['qwen-pod', 'runpod', pod.id, 'RUNNING']]);

    const stop = await run(['deploy', 'stop', 'qwen-pod'], env);
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`terminated RunPod pod ${pod.id}`));
    assert.deepEqual(account.terminated(), [pod.id]);
    assert.equal(account.requests().at(-1).method, 'DELETE');
    assertNothingLeft(setupResult);
    assertNoSecrets(dir, out, chat, list, stop);
  });

  test('serves a checkpoint from a network volume, mounted where its path says', async () => {
    const setupResult = setup();
    const { account, env } = setupResult;
    const out = await run(['deploy', 'runpod', '/workspace/runs/step-900', '--gpu', gpu, '--network-volume', 'vol7x2',
      '--context', '4096', '--gpu-count', '2', '--cloud', 'COMMUNITY', '--timeout', '60'], env);
    assert.equal(out.status, 0, out.stderr);
    const body = account.requests()[0].body;
    assert.match(body.name, /^llmux-runpod-step-900-[a-z0-9]{6}$/);
    assert.deepEqual(body.mounts, { network: [{ volumeId: 'vol7x2', path: '/workspace' }] });
    assert.deepEqual(body.gpu, { id: gpu, count: 2 });
    assert.equal(body.cloud, 'COMMUNITY');
    assert.equal(body.args, '/workspace/runs/step-900 --port 8000 --served-model-name runpod-step-900 '
      + '--enable-auto-tool-choice --tool-call-parser hermes --max-model-len 4096');
    assert.deepEqual(setupResult.models().map((model) => [model.id, model.context]), [['runpod-step-900', 4096]]);
    assert.equal((await run(['deploy', 'stop', 'runpod-step-900'], env)).status, 0);
    assertNothingLeft(setupResult);
  });

  test('a refused key is a clear error and creates nothing', async () => {
    const setupResult = setup({ apiKey: 'rpa_the_right_key' });
    const { account, env, dir } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /RunPod refused RUNPOD_API_KEY \(401 Unauthorized: invalid bearer token\): check the key/);
    assert.equal(account.requests().length, 1);
    assertNothingLeft(setupResult);
    assertNoSecrets(dir, out);
  });

  test('no capacity for the GPU type is said as such, and nothing is created', async () => {
    const setupResult = setup({ noCapacity: ['NVIDIA H100 80GB HBM3'] });
    const { env, dir } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', 'NVIDIA H100 80GB HBM3'], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /RunPod has no NVIDIA H100 80GB HBM3 \(x1, SECURE cloud\) to give right now \(400 Bad Request: There are no longer any instances available/);
    assert.match(out.stderr, /try another --gpu, --cloud COMMUNITY, or later\. Nothing was created/);
    assertNothingLeft(setupResult);
    assertNoSecrets(dir, out);
  });

  test('a pod RunPod created while answering 500 is found by its name and terminated', async () => {
    const setupResult = setup({ lostCreations: true });
    const { account, env } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /RunPod did not create the pod: server_error: 500 Internal Server Error: Something went wrong/);
    assert.equal(account.terminated().length, 1);
    assert.match(out.stderr, new RegExp(`RunPod had created pod ${account.terminated()[0]} anyway; terminated it`));
    assertNothingLeft(setupResult);
  });

  test('a pod that never serves is terminated at --timeout, and nothing is registered', async () => {
    const setupResult = setup({ neverReady: true });
    const { account, env, dir } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, '--name', 'slow', '--timeout', '2'], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /vLLM did not serve slow at .* within 2 s \(--timeout\); terminating pod/);
    assert.equal(account.terminated().length, 1);
    assert.match(out.stderr, new RegExp(`terminated pod ${account.terminated()[0]}`));
    assertNothingLeft(setupResult);
    assertNoSecrets(dir, out);
  });

  test('a pod that exits while starting is terminated, and nothing is registered', async () => {
    const setupResult = setup({ readyAfterMs: 60_000, exitAfterMs: 300 });
    const { account, env } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, '--timeout', '60'], env);
    assert.equal(out.status, 1);
    assert.match(out.stderr, /the pod stopped \(EXITED\) before vLLM served the model/);
    assert.equal(account.terminated().length, 1);
    assertNothingLeft(setupResult);
  });

  test('Ctrl-C while waiting terminates the pod and registers nothing', async () => {
    const setupResult = setup({ readyAfterMs: 60_000 });
    const { account, env } = setupResult;
    const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, '--timeout', '60'], env, {
      onSpawn: async (child) => {
        // Interrupt once the pod exists and is recorded.
        while (account.pods().length === 0 || setupResult.deployments().length === 0)
          await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGINT');
      },
    });
    assert.equal(out.status, 130, out.stderr);
    assert.match(out.stderr, /interrupted; terminating pod/);
    assert.equal(account.terminated().length, 1);
    assertNothingLeft(setupResult);
  });

  test('a checkpoint on this machine, or vLLM arguments llmux must own, are refused before anything is asked of RunPod', async () => {
    const setupResult = setup();
    const { account, env, dir } = setupResult;
    const checkpoint = join(dir, 'step-900');
    mkdirSync(checkpoint);
    for (const target of [checkpoint, './step-900']) {
      const out = await run(['deploy', 'runpod', target, '--gpu', gpu], env);
      assert.equal(out.status, 2);
      assert.match(out.stderr, /^llmux deploy runpod: .*step-900 is (on this machine, where the pod cannot read it|a path, and not one inside a network volume): llmux does not upload checkpoints\. Push it to the Hugging Face Hub/m);
    }
    for (const [extra, message] of [[['--', '--port', '9000'], /--port is llmux's to set \(port 8000/],
      [['--', '--served-model-name=x'], /--served-model-name is llmux's to set/],
      [['--', '--chat-template', 'a b'], /vLLM's arguments cannot hold blanks or quotes/]]) {
      const out = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, ...extra], env);
      assert.equal(out.status, 2);
      assert.match(out.stderr, message);
    }
    assert.deepEqual(account.requests(), []);
    assertNothingLeft(setupResult);
  });

  test('needs RUNPOD_API_KEY from the settings, never from an argument', async () => {
    const setupResult = setup();
    const { account, env, dir } = setupResult;
    const { RUNPOD_API_KEY: _, ...withoutKey } = env;
    const missing = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu], withoutKey);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /deploy runpod needs RUNPOD_API_KEY: set it in the environment or the settings file/);
    const flag = await run(['deploy', 'runpod', 'Qwen/Qwen2.5-7B-Instruct', '--gpu', gpu, '--api-key', key], withoutKey);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /unknown argument: --api-key \(keys come only from the environment or the settings file\)/);
    assert.deepEqual(account.requests(), []);
    assertNoSecrets(dir, missing, flag);
  });
});

describe('llmux deploy list and stop', () => {
  test('list and stop a vLLM server llmux started: its process group ends, its model goes', async () => {
    const { env, dir, models, deployments } = setup();
    const port = await freePort();
    const withFake = { ...env, PATH: `${fakes}:${env.PATH}` };
    const out = await run(['deploy', 'vllm', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', String(port), '--name', 'local-qwen', '--timeout', '30'], withFake);
    const pid = Number(/pid (\d+)/.exec(out.stdout)?.[1]);
    try {
      assert.equal(out.status, 0, out.stderr);
      assert.deepEqual(deployments().map((entry) => [entry.name, entry.kind, entry.pid, entry.base_url]),
        [['local-qwen', 'vllm', pid, `http://127.0.0.1:${port}/v1`]]);
      assert.ok(running(pid));
      const list = await run(['deploy', 'list'], env);
      assert.match(list.stdout, /^local-qwen +vllm +running +Qwen\/Qwen2\.5-0\.5B-Instruct +http:\/\/127\.0\.0\.1:\d+\/v1$/m);

      const stop = await run(['deploy', 'stop', 'local-qwen'], env);
      assert.equal(stop.status, 0, stop.stderr);
      assert.match(stop.stdout, new RegExp(`stopped vLLM \\(pid ${pid}\\)`));
      assert.ok(!running(pid), `vLLM (pid ${pid}) still runs`);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/v1/models`));
      assert.deepEqual(models(), []);
      assert.deepEqual(deployments(), []);
      const emptied = await run(['deploy', 'list', '--json'], env);
      assert.deepEqual(JSON.parse(emptied.stdout), { deployments: [] });
    } finally {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone, as it should be */ }
    }
    assert.ok(existsSync(join(dir, 'data', 'deploy', 'deployments.json')));
  });

  test('deploys change the models file under its lock: one holding it makes the next wait, not lose', async () => {
    const { env, models, deployments } = setup();
    writeFileSync(env.LLMUX_MODELS_FILE, JSON.stringify({ models: [{ id: 'mine', provider: 'vllm', model: 'm',
      base_url: 'http://127.0.0.1:9/v1', context: 4096, max_output: 512 }] }));
    // Another llmux in the middle of changing the file: util-linux's flock holds its lock
    // until its stdin closes.
    const holder = spawn('flock', [`${env.LLMUX_MODELS_FILE}.lock`, 'cat'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const port = await freePort();
    const deploying = run(['deploy', 'vllm', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', String(port), '--name', 'waits', '--timeout', '30'],
      { ...env, PATH: `${fakes}:${env.PATH}` });
    let pid;
    try {
      // The deployment is registered just before the model is saved; then the save waits.
      while (!deployments().length) await new Promise((resolveWait) => setTimeout(resolveWait, 50));
      pid = deployments()[0].pid;
      await new Promise((resolveWait) => setTimeout(resolveWait, 500));
      assert.deepEqual(models().map((model) => model.id), ['mine']);
    } finally {
      holder.stdin.end();
    }
    const out = await deploying;
    try {
      assert.equal(out.status, 0, out.stderr);
      assert.deepEqual(models().map((model) => model.id), ['mine', 'waits']); // neither lost
    } finally {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  test('deploy ollama is listed while Ollama lists it, and stop unloads and forgets it', async () => {
    const { env, dir, models, deployments } = setup();
    const lane = shared.sim().lane('default');
    lane.setModels(['llama3.1:8b']);
    const checkpoint = join(dir, 'step-1.gguf');
    writeFileSync(checkpoint, 'GGUF');
    const withFake = { ...env, PATH: `${fakes}:${env.PATH}` };
    const out = await run(['deploy', 'ollama', checkpoint, '--name', 'ckpt1', '--host', shared.sim().url, '--timeout', '20'], withFake);
    assert.equal(out.status, 0, out.stderr);
    const list = await run(['deploy', 'list'], env);
    assert.match(list.stdout, /^ollama-ckpt1 +ollama +listed +/m);
    const stop = await run(['deploy', 'stop', 'ollama-ckpt1'], withFake);
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, /unloaded ckpt1:latest from Ollama/);
    assert.match(stop.stdout, /`ollama rm ckpt1:latest` deletes it/);
    assert.deepEqual(models(), []);
    assert.deepEqual(deployments(), []);
    lane.reset();
  });

  test('stopping a name llmux did not deploy is an error that names the deployments', async () => {
    const { env } = setup();
    const none = await run(['deploy', 'stop', 'nothing-here'], env);
    assert.equal(none.status, 1);
    assert.equal(none.stderr, 'llmux deploy stop: no deployment named nothing-here (there are none)\n');
    const empty = await run(['deploy', 'list'], env);
    assert.equal(empty.stdout, 'no deployments (llmux deploy vllm|ollama|runpod starts one)\n');
  });
});
