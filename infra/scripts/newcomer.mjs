#!/usr/bin/env node
// What a newcomer does, on a clean clone, with only the README (npm test's `newcomer` phase):
//   git clone (this repository's committed HEAD) → npm ci → npm start in the background,
//   wait for the printed gateway URL → a second npm start must refuse (the data directory's
//   lock) → npm run demo → a transfer signed by a holder's wallet → Ctrl-C (SIGINT to the
//   process group) → exit code 0, no process of the group left, no orphan anvil.
// The clone gets a newcomer's environment: no KEEL_*, NX_*, npm_* or DATABASE_URL variables
// from the caller, so nothing the test suite set (NX_SKIP_NX_CACHE, …) changes what runs.
// KEEL_NEWCOMER_KEEP=1 keeps the clone (its path is printed).
// Nx keeps its task cache per user and workspace (~/.nx), shared by every checkout of this
// repository, so on a machine that already built the contracts (CI included: the typecheck
// phase builds them) the clone's `npm start` restores the ABIs from that cache instead of
// compiling. KEEL_NEWCOMER_COLD=1 gives the clone an empty cache of its own, as on a
// machine that never built Keel (about 40 s more: forge through solcjs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

const root = resolve(import.meta.dirname, '../..');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const say = (message) => process.stdout.write(`[newcomer ${elapsed()}] ${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const KYC = 1;
const GERMANY = 276;
const START_TIMEOUT_MS = 300_000; // a fresh clone builds the contracts first (solcjs)

/** The caller's environment minus what a newcomer would not have set. */
function newcomerEnv() {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(KEEL_|NX_|npm_)/i.test(k) && !keep.has(k)) continue;
    if (k === 'DATABASE_URL' || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  return env;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** Runs a command to its end; its output is shown only when it fails. */
function run(cwd, env, cmd, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('close', (code) => resolvePromise({ code, output }));
  });
}

class Failure extends Error {}
const check = (ok, message) => {
  if (!ok) throw new Failure(message);
};

/** `npm start` in the background, in its own process group (as in a terminal). */
function npmStart(cwd, env) {
  const child = spawn('npm', ['start'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const onData = (d) => {
    output += d;
    for (const line of d.toString().split('\n')) if (line.trim()) say(`  start | ${line}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, exited, output: () => output };
}

/** The public API as a newcomer calls it: X-Api-Key, JSON, operations polled to their end. */
function api(gatewayUrl, apiKey) {
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${gatewayUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async operation(type, params, signer) {
      const r = await call(
        'POST',
        '/operations',
        { type, params, ...(signer ? { signer } : {}) },
        { 'idempotency-key': randomUUID() },
      );
      check(r.status === 202, `${type}: ${r.status} ${JSON.stringify(r.body)}`);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const view = await call('GET', `/operations/${r.body.operationId}`);
        const status = view.body.status;
        if (['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'].includes(status)) {
          check(
            status === 'COMPLETED',
            `${type} ended ${status}/${view.body.subStatus}: ${JSON.stringify(view.body.error)}`,
          );
          return view.body;
        }
        check(Date.now() < deadline, `${type} still ${status} after 120 s`);
        await sleep(250);
      }
    },
  };
}

/**
 * Gas for a holder's wallet through the API alone: `wallet.fund` sends native currency from
 * the organization's gas wallet (in embedded mode the operator wallet) through the signing
 * pipeline, custody policy included.
 */
async function fundHolderForGas(client, wallet) {
  const funded = await client.operation('wallet.fund', {
    wallet,
    amount: (10n ** 17n).toString(),
  });
  check(funded.status === 'COMPLETED', `wallet.fund: ${JSON.stringify(funded)}`);
}

/**
 * A transfer signed by a holder's wallet (not the operator's), through the API: two holder
 * wallets with identities and KYC claims, an equity token that requires KYC, a mint to the
 * first, and the first's transfer to the second, checked on the read side. Relies on the
 * demo having trusted the operator's wallet as KYC claim issuer.
 */
async function holderSignedTransfer(client, { operatorWallet }) {
  const stamp = Date.now().toString(36);
  const wallet = async (label) => {
    const r = await client.post('/wallets', { label: `newcomer ${label} ${stamp}` });
    check(
      r.status === 201 && r.body.address,
      `POST /wallets: ${r.status} ${JSON.stringify(r.body)}`,
    );
    return r.body.address;
  };
  const holder = await wallet('holder');
  const recipient = await wallet('recipient');
  say(`holder ${holder}, recipient ${recipient}`);
  await fundHolderForGas(client, holder);
  for (const w of [holder, recipient]) {
    await client.operation('identity.create', { wallet: w, country: GERMANY });
    await client.operation('claim.issue', {
      wallet: w,
      topic: KYC,
      data: '0x6e6577636f6d6572',
      issuer: operatorWallet,
    });
  }
  const created = await client.operation('asset.create', {
    kind: 'equity',
    name: `Newcomer Equity ${stamp}`,
    symbol: 'KNEW',
    decimals: 0,
    requiredClaimTopics: [KYC],
    roles: [
      { role: 'supply-management', account: operatorWallet },
      { role: 'custodian', account: operatorWallet },
    ],
  });
  const asset = created.result?.asset;
  check(/^0x[0-9a-fA-F]{40}$/.test(asset ?? ''), `asset.create: ${JSON.stringify(created.result)}`);
  await client.operation('token.mint', { asset, to: holder, amount: '10' });
  const transfer = await client.operation(
    'token.transfer',
    { asset, to: recipient, amount: '4' },
    holder,
  );
  say(`holder-signed transfer COMPLETED (operation ${transfer.id ?? ''})`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await client.get(`/assets/${asset}/holders`);
    const balances = Object.fromEntries(
      (r.body.items ?? []).map((h) => [h.wallet.toLowerCase(), h.balance]),
    );
    if (balances[holder.toLowerCase()] === '6' && balances[recipient.toLowerCase()] === '4') break;
    check(Date.now() < deadline, `holders not indexed as 6/4: ${JSON.stringify(r.body)}`);
    await sleep(500);
  }
  say('holders read back: 6 and 4');
}

async function main() {
  const env = newcomerEnv();
  const clone = mkdtempSync(join(tmpdir(), 'keel-newcomer-'));
  if (process.env.KEEL_NEWCOMER_COLD === '1') env.NX_CACHE_DIRECTORY = join(clone, '.nx', 'cache');
  let start;
  try {
    const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).stdout.trim();
    say(`git clone (committed HEAD ${head}) into ${clone}`);
    const cloned = await run(root, env, 'git', ['clone', '-q', root, clone]);
    check(cloned.code === 0, `git clone failed:\n${cloned.output}`);

    say('npm ci');
    const ci = await run(clone, env, 'npm', ['ci', '--no-audit', '--no-fund']);
    check(ci.code === 0, `npm ci failed:\n${ci.output}`);

    say('npm start (in the background)');
    start = npmStart(clone, env);
    const field = (label) => new RegExp(`${label}:\\s+(\\S+)`).exec(start.output())?.[1];
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exitedEarly = null;
    void start.exited.then((e) => (exitedEarly = e));
    while (!field('Operator key')) {
      check(!exitedEarly, `npm start exited before it was ready: ${JSON.stringify(exitedEarly)}`);
      check(
        Date.now() < deadline,
        `npm start printed no gateway URL in ${START_TIMEOUT_MS / 1000} s`,
      );
      await sleep(250);
    }
    const gatewayUrl = field('Gateway').replace(/\/api\/v1$/, '');
    const apiKey = field('Operator key');
    const endpoints = JSON.parse(readFileSync(join(clone, '.keel', 'platform.json'), 'utf8'));
    check(endpoints.gatewayUrl === gatewayUrl, `platform.json names ${endpoints.gatewayUrl}`);
    say(`the platform is up at ${gatewayUrl}/api/v1`);

    say('a second npm start on the same data directory must refuse');
    const second = await run(clone, env, 'npm', ['start']);
    check(second.code !== 0, `the second npm start did not refuse:\n${second.output}`);
    check(
      second.output.includes(`pid ${endpoints.pid}, gateway ${gatewayUrl}/api/v1`),
      `the second npm start did not name the running instance:\n${second.output}`,
    );

    say('npm run demo');
    const demo = await run(clone, env, 'npm', ['run', 'demo']);
    check(
      demo.code === 0 && demo.output.includes('DEMO OK'),
      `npm run demo failed:\n${demo.output}`,
    );
    say('demo OK');

    say('a transfer signed by a holder wallet');
    await holderSignedTransfer(api(gatewayUrl, apiKey), endpoints);

    say('Ctrl-C (SIGINT to the process group)');
    process.kill(-start.child.pid, 'SIGINT');
    let timer;
    const exit = await Promise.race([
      start.exited,
      new Promise((r) => (timer = setTimeout(() => r(null), 60_000))),
    ]);
    clearTimeout(timer);
    check(exit !== null, 'npm start did not exit within 60 s of SIGINT');
    check(exit.code === 0, `npm start exited with ${JSON.stringify(exit)}`);
    check(/stopped\n/.test(start.output()), 'the runner did not report "stopped"');
    check(!/stop failed|did not stop cleanly/.test(start.output()), 'an unclean stop was reported');
    await sleep(500);
    check(!alive(-start.child.pid), 'a process of the npm start group is still running');
    check(!alive(endpoints.anvilPid), `anvil (pid ${endpoints.anvilPid}) is still running`);
    say(`clean exit (code 0, no anvil left) — newcomer path OK in ${elapsed().trim()}`);
  } finally {
    if (start?.child.pid && alive(-start.child.pid)) process.kill(-start.child.pid, 'SIGKILL');
    if (process.env.KEEL_NEWCOMER_KEEP === '1') say(`clone kept: ${clone}`);
    else rmSync(clone, { recursive: true, force: true });
  }
}

main().catch((err) => {
  say(`FAILED: ${err instanceof Failure ? err.message : (err?.stack ?? String(err))}`);
  process.exit(1);
});
