// tests/browser/dashboard.mjs - the dashboard in headless Chromium, driven
// by playwright-core; run by dashboard.sh against a node with traffic on
// it.  Prints TAP lines numbered from DASH_TAP_FROM + 1 and writes "N
// FAILED" (the last number, the failures) to DASH_RESULT.
//
// Environment: PW (the playwright-core directory), CHROMIUM, DASH_URL (the
// dashboard), DASH_TOKEN (the admin token), DASH_SHOTS (where screenshots
// go), DASH_CLIENT_IP (the test clients' source address, which must
// appear nowhere), DASH_ROOM (the start of the test room's fingerprint),
// DASH_TAP_FROM, DASH_RESULT.
//
// Every figure on the page carries data-src (the endpoint), data-field
// (a path in its JSON) and data-raw (the value it shows); they are
// compared with the API's answers as the browser received them, and the
// counters also with answers fetched here just before and just after.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const env = (k) => {
	if (!process.env[k])
		throw new Error(`${k} is not set`);
	return process.env[k];
};
const URL_ = env('DASH_URL');
const BASE = new URL(URL_).origin;
const TOKEN = env('DASH_TOKEN').trim();
const SHOTS = env('DASH_SHOTS');
const CLIENT_IP = env('DASH_CLIENT_IP');
const RESULT = env('DASH_RESULT');
const ROOM = env('DASH_ROOM');
const { chromium } = await import(pathToFileURL(path.join(env('PW'),
    'index.mjs')).href);

// --- TAP --------------------------------------------------------------

let n = Number(process.env.DASH_TAP_FROM || 0);
let failed = 0;

function ok(cond, desc, diag) {
	n++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${desc}`);
	if (!cond) {
		failed++;
		for (const line of String(diag ?? '').split('\n'))
			if (line !== '')
				console.log(`#   ${line}`);
	}
	return !!cond;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- the API, as the page and as this test see it ----------------------

// "a.b", "list[key=value].c": the same paths as dashboard.js.
function pick(obj, p) {
	for (const part of p.split('.')) {
		if (obj === null || obj === undefined)
			return undefined;
		const m = /^([^[]*)\[([^=\]]+)=([^\]]*)\]$/.exec(part);
		if (m === null) {
			obj = obj[part];
			continue;
		}
		const arr = m[1] === '' ? obj : obj[m[1]];
		obj = Array.isArray(arr) ? arr.find((e) => e !== null &&
		    typeof e === 'object' && String(e[m[2]]) === m[3]) :
		    undefined;
	}
	return obj;
}

// Does a data-raw string stand for the JSON value v?
function same(raw, v) {
	if (typeof v === 'number')
		return raw !== '' && Number(raw) === v;
	if (typeof v === 'boolean' || v === null)
		return raw === String(v);
	if (typeof v === 'string')
		return raw === v;
	return false;
}

// The endpoint a URL is, in data-src's terms; null if not the API.
function endpoint(u) {
	const url = new URL(u);
	const p = url.pathname;

	if (!p.startsWith('/api/v1/'))
		return null;
	if (p === '/api/v1/network/nodes')
		return 'nodes';
	if (p.startsWith('/api/v1/network/nodes/'))
		return 'self';
	if (p === '/api/v1/history')
		return 'history-' + (url.searchParams.get('range') || 'hour');
	return p.slice('/api/v1/'.length);
}

async function api(p, init) {
	const r = await fetch(BASE + p, init);
	return { status: r.status, json: r.headers.get('content-type')
	    ?.startsWith('application/json') ? await r.json() : null };
}

// --- the browser -------------------------------------------------------

const seen = {		// what the pages did
	console: [], pageerrors: [], failed: [], bad: [], requests: [],
	bodies: {}, texts: [], pending: new Set(),
};

// Watch a page; keep the API's answers to it if bodies.
function watch(page, bodies) {
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			seen.console.push({ type: m.type(), text: m.text(),
			    url: m.location()?.url || '' });
	});
	page.on('pageerror', (e) => seen.pageerrors.push(String(e)));
	page.on('requestfailed', (r) => seen.failed.push(
	    `${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
	page.on('request', (r) => seen.requests.push(r.url()));
	page.on('response', (r) => {
		const key = endpoint(r.url());

		if (r.status() >= 400)
			seen.bad.push({ status: r.status(), url: r.url(),
			    method: r.request().method() });
		if (key === null || !bodies)
			return;
		const p = r.text().then((text) => {
			seen.texts.push(text);
			let json = null;
			try {
				json = JSON.parse(text);
			} catch { /* not JSON: the checks say so */ }
			(seen.bodies[key] ??= []).push(json);
		}).catch(() => {}).finally(() => seen.pending.delete(p));
		seen.pending.add(p);
	});
}

// The answers still being read, or 3 s.
const settle = () => Promise.race([Promise.all([...seen.pending]),
    sleep(3000)]);

// Every figure on the page: [{src, field, raw, kind}].
// Every figure element; raw is null where the page shows no value.
function figures(page) {
	return page.evaluate(() => Array.from(document.querySelectorAll(
	    '[data-src][data-field]'), (el) => ({
		src: el.getAttribute('data-src'),
		field: el.getAttribute('data-field'),
		raw: el.getAttribute('data-raw'),
		kind: el.getAttribute('data-kind') || 'gauge',
	})));
}

const attr = (page, sel, a) => page.$eval(sel, (el, a) =>
    el.getAttribute(a), a).catch(() => null);

async function main() {
	const browser = await chromium.launch({
		executablePath: env('CHROMIUM'),
		// The test's network namespace is the sandbox.
		args: ['--no-sandbox', '--disable-gpu',
		    '--disable-dev-shm-usage'],
	});
	try {
		await run(browser);
	} finally {
		await browser.close();
	}
}

async function run(browser) {
	const desk = await browser.newContext({
	    viewport: { width: 1280, height: 900 } });
	const page = await desk.newPage();
	watch(page, true);

	// 1. It loads and fills in the live figures and the network.
	const resp = await page.goto(URL_);
	ok(resp?.status() === 200, 'the dashboard loads (HTTP 200)',
	    `status ${resp?.status()}`);
	const st = (await api('/api/v1/status')).json;
	let filled = true;
	try {
		await page.waitForSelector(
		    '[data-field="node.fingerprint"][data-raw]', { timeout: 8000 });
		await page.waitForSelector('#board tbody tr td span[data-raw]',
		    { timeout: 15000 });
		await page.waitForSelector('#netmap svg g.node',
		    { timeout: 5000 });
		await page.waitForSelector('#hist-hour svg path.line',
		    { timeout: 10000 });
		await page.waitForSelector('#rep-components tbody tr',
		    { timeout: 10000 });
		await page.waitForFunction(() => document.querySelector(
		    '#spark svg path.line') !== null, null, { timeout: 8000 });
	} catch (e) {
		filled = false;
		ok(false, 'the page fills in its sections', e.message);
	}
	if (filled)
		ok(true, 'the page fills in its sections (figures, ' +
		    'leaderboard, network, history, reputation, live graph)');
	ok(await attr(page, '[data-field="node.fingerprint"]', 'data-raw') ===
	    st.node.fingerprint, `the header shows the node's fingerprint ` +
	    `(${st.node.fingerprint})`);

	// 2. Every figure equals the API's: as the browser received it, and
	// the counters between answers fetched just before and after.
	const before = {};
	for (const k of ['status', 'turn', 'rooms'])
		before[k] = (await api('/api/v1/' + k)).json;
	const req = await page.waitForRequest((r) =>
	    endpoint(r.url()) === 'status', { timeout: 5000 });
	await (await req.response())?.finished();
	await sleep(300);
	const all = await figures(page);
	const figs = all.filter((f) => f.raw !== null);
	const after = {};
	for (const k of ['status', 'turn', 'rooms'])
		after[k] = (await api('/api/v1/' + k)).json;
	await settle();

	const wrong = [], counted = {};
	for (const f of figs) {
		const got = (seen.bodies[f.src] || []).slice(-4);
		counted[f.src] = (counted[f.src] || 0) + 1;
		if (!got.some((j) => j !== null && same(f.raw, pick(j, f.field))))
			wrong.push(`${f.src} ${f.field}: page ${f.raw}, API ` +
			    got.map((j) => JSON.stringify(pick(j, f.field)))
			    .join(' / '));
	}
	// A figure left blank while the API it reads has the field.
	for (const f of all.filter((f) => f.raw === null)) {
		const got = (seen.bodies[f.src] || []).slice(-1)[0];
		const v = got ? pick(got, f.field) : undefined;
		if (v !== undefined && v !== null && typeof v !== 'object')
			wrong.push(`${f.src} ${f.field}: page blank, API ` +
			    JSON.stringify(v));
	}
	ok(figs.length >= 60 && wrong.length === 0,
	    `every figure shown equals the API's answer (${figs.length} ` +
	    `figures: ${Object.entries(counted).map(([k, v]) => k + ' ' + v)
	    .join(', ')})`, wrong.join('\n'));

	const off = [];
	let brackets = 0;
	for (const f of figs) {
		if (!(f.src in before))
			continue;
		let b = pick(before[f.src], f.field);
		let a = pick(after[f.src], f.field);
		if (f.kind === 'counter') {
			brackets++;
			const v = Number(f.raw);
			// A room can open (from 0) or close around the snapshot.
			if (f.field.includes('[')) {
				b ??= 0;
				a ??= v;
			}
			if (!(typeof b === 'number' && typeof a === 'number' &&
			    b <= v && v <= a))
				off.push(`${f.src} ${f.field}: ${b} <= ${v} <= ${a}?`);
		} else if (f.kind === 'text' && !same(f.raw, a)) {
			off.push(`${f.src} ${f.field}: ${f.raw} != ${a}`);
		}
	}
	ok(brackets >= 12 && off.length === 0, `counters lie between the ` +
	    `API's answers just before and after (${brackets} counters)`,
	    off.join('\n'));

	// 3. The figures an operator is proud of, and the traffic.
	const raw = async (sel) => attr(page, sel, 'data-raw');
	const need = ['lifetime.sessions', 'lifetime.relayed_bytes',
	    'lifetime.forwarded_bytes', 'process.rss_bytes',
	    'process.cpu_seconds', 'uptime_seconds', 'version', 'draining'];
	const missing = [];
	for (const f of need)
		if (await raw(`[data-src="status"][data-field="${f}"]`) === null)
			missing.push(f);
	ok(missing.length === 0, 'identity, version, uptime, drain state, ' +
	    'lifetime totals, CPU and memory are shown',
	    'missing: ' + missing.join(', '));
	const rel = Number(await raw('[data-field="lifetime.relayed_bytes"]'));
	const fwd = Number(await raw('[data-field="lifetime.forwarded_bytes"]'));
	ok(rel > 0 && fwd > 0, `lifetime totals grow with the traffic ` +
	    `(${rel} bytes relayed, ${fwd} forwarded)`);
	const members = await page.$$eval('#room-list tbody tr', (trs, r) =>
	    trs.filter((tr) => tr.cells[0].textContent.startsWith(r))
	    .map((tr) => tr.cells[1].textContent), ROOM);
	const allocs = await raw('[data-src="turn"][data-field="allocations.udp"]');
	ok(members.length === 1 && members[0] === '4' && allocs === '1',
	    `the room (${ROOM}...) with its 4 participants and the TURN ` +
	    'allocation are shown', `members ${members}, allocations ${allocs}`);
	const rate = Number(await raw('#rate-relayed'));
	ok(rate > 0, `the live relay rate is measured (${rate} bytes/s)`);

	// 4. Reputation, leaderboard and network view.
	const rows = await page.$$eval('#rep-components tbody tr', (trs) =>
	    trs.map((tr) => [tr.cells[0].textContent,
	    tr.cells[4].textContent.trim().length]));
	ok(rows.length === 6 && rows.every((r) => r[1] > 40),
	    'the six reputation components are shown, each explained',
	    JSON.stringify(rows));
	const board = (await api('/api/v1/leaderboard')).json.leaderboard;
	const shown = await page.$$eval('#board tbody tr', (trs) =>
	    trs.map((tr) => ({ self: tr.classList.contains('self'),
	    fpr: tr.querySelector('[data-field$=".fingerprint"]')
	    ?.getAttribute('data-raw') })));
	ok(shown.length === board.length && board.length === 3 &&
	    shown.filter((r) => r.self).length === 1 &&
	    shown.find((r) => r.self).fpr === st.node.fingerprint,
	    'the leaderboard lists the 3 nodes, this one marked',
	    JSON.stringify(shown));
	const topo = (seen.bodies.topology || []).at(-1);
	const map = await page.$$eval('#netmap svg', ([svg]) => ({
		nodes: Array.from(svg.querySelectorAll('g.node'), (g) => ({
			fpr: g.getAttribute('data-fingerprint'),
			self: g.classList.contains('self') })),
		hops: Array.from(svg.querySelectorAll('line.hop'), (l) => ({
			pair: l.getAttribute('data-pair'),
			rtt: l.getAttribute('data-raw') })),
		labels: Array.from(svg.querySelectorAll('text.hop-label'),
		    (t) => t.textContent),
	}));
	const fprs = new Set(topo.nodes.map((x) => x.fingerprint));
	ok(map.nodes.length === 3 && map.nodes.every((x) => fprs.has(x.fpr)) &&
	    map.nodes.filter((x) => x.self).length === 1 &&
	    map.nodes.find((x) => x.self).fpr === st.node.fingerprint,
	    'the network view places the 3 nodes, this one highlighted',
	    JSON.stringify(map.nodes));
	// Each hop's RTT is the median of what the API's reports measured,
	// as the page's last answer from /api/v1/topology has them.
	const rtts = {};
	for (const e of topo.measured) {
		if (!fprs.has(e.from) || !fprs.has(e.to) || e.from === e.to)
			continue;
		const k = [e.from, e.to].sort().join(' ');
		(rtts[k] ??= []).push(e.rtt_ms);
	}
	const badHop = map.hops.filter((x) => !(x.pair in rtts) ||
	    !rtts[x.pair].includes(Number(x.rtt)));
	ok(map.hops.length >= 1 && badHop.length === 0 &&
	    map.labels.length === map.hops.length &&
	    map.labels.every((t) => /\d\sms$/.test(t)),
	    `measured hops are drawn with their RTT (${map.labels.join(', ')})`,
	    JSON.stringify({ hops: map.hops, api: rtts }));

	// 5. The graphs move while traffic flows.
	const g1 = await page.$eval('#hist-hour svg', (e) => e.outerHTML);
	const s1 = await page.$eval('#spark svg', (e) => e.outerHTML);
	await sleep(5000);
	const g2 = await page.$eval('#hist-hour svg', (e) => e.outerHTML);
	const s2 = await page.$eval('#spark svg', (e) => e.outerHTML);
	ok(g1 !== g2, 'the last hour\'s graph updates (5 s apart)');
	ok((seen.bodies['history-day'] || []).length >= 2,
	    'the last day\'s graph is fetched again');
	ok(s1 !== s2, 'the live throughput graph updates');
	const h = (seen.bodies['history-hour'] || []).at(-1);
	const drawn = await attr(page, '#hist-hour svg', 'data-points');
	ok(h && Number(drawn) === h.points.length && h.points.length > 1,
	    `the hour graph draws the API's ${h?.points.length} points`,
	    `drawn ${drawn}`);

	// 6. A phone and a desktop, and a screenshot of each.
	fs.mkdirSync(SHOTS, { recursive: true });
	const cols = await page.$$eval('#live, #turn', (e) =>
	    e.map((x) => x.getBoundingClientRect().top));
	ok(cols[0] === cols[1], 'on a desktop, cards sit side by side');
	const dpath = path.join(SHOTS, 'desktop.png');
	await page.screenshot({ path: dpath, fullPage: true });
	const phone = await browser.newContext({
	    viewport: { width: 375, height: 812 }, isMobile: true,
	    hasTouch: true });
	const pp = await phone.newPage();
	watch(pp, false);
	await pp.goto(URL_);
	await pp.waitForSelector('#board tbody tr td span[data-raw]',
	    { timeout: 15000 }).catch(() => {});
	await pp.waitForSelector('#spark svg', { timeout: 8000 })
	    .catch(() => {});
	const lay = await pp.evaluate(() => ({
		width: document.documentElement.scrollWidth,
		live: document.querySelector('#live').getBoundingClientRect(),
		turn: document.querySelector('#turn').getBoundingClientRect(),
	}));
	ok(lay.width <= 375 && lay.turn.top >= lay.live.bottom,
	    'on a 375 px phone: one column, nothing wider than the screen',
	    JSON.stringify(lay));
	const ppath = path.join(SHOTS, 'phone.png');
	await pp.screenshot({ path: ppath, fullPage: true });
	await phone.close();
	const png = (p) => fs.existsSync(p) && fs.readFileSync(p)
	    .subarray(1, 4).toString() === 'PNG';
	ok(png(ppath) && png(dpath), `screenshots: ${ppath}, ${dpath}`);

	// 7. Drain: refused without the token and with a wrong one, then
	// done with the right one.
	const tryDrain = async (token) => {
		await page.fill('#token', token);
		await page.click('#drain');
		await page.click('#drain-confirm');
		await page.waitForFunction(() => !document.querySelector(
		    '#drain-confirm').disabled && document.querySelector(
		    '#admin-msg').textContent.indexOf('Asking') < 0, null,
		    { timeout: 5000 });
		return page.textContent('#admin-msg');
	};
	let m = await tryDrain('');
	let s = (await api('/api/v1/status')).json;
	ok(/401/.test(m) && s.draining === false &&
	    await page.textContent('#drain-state') === 'Serving',
	    'drain without the token: refused (401 shown), not draining', m);
	m = await tryDrain('0'.repeat(64));
	s = (await api('/api/v1/status')).json;
	ok(/401/.test(m) && s.draining === false,
	    'drain with a wrong token: refused (401 shown), not draining', m);
	ok(await page.evaluate((k) => sessionStorage.getItem(k),
	    'chorus.admin-token') === '0'.repeat(64) &&
	    await page.evaluate(() => localStorage.length) === 0 &&
	    !page.url().includes('0000'),
	    'the token is kept in sessionStorage only, never in the URL');
	m = await tryDrain(TOKEN);
	s = (await api('/api/v1/status')).json;
	let badge = null;
	try {
		await page.waitForFunction(() => document.querySelector(
		    '#drain-state').getAttribute('data-raw') === 'true', null,
		    { timeout: 5000 });
		badge = await page.textContent('#drain-state');
	} catch { /* badge stays null */ }
	ok(/Draining/.test(m) && s.draining === true && badge === 'Draining',
	    'drain with the admin token: the node drains, and the page says so',
	    `message "${m}", API draining ${s.draining}, badge ${badge}`);

	// 8. No client address anywhere; no error, no failed request.
	await settle();
	const dom = await page.content();
	const leaks = seen.texts.filter((t) => t.includes(CLIENT_IP)).length +
	    (dom.includes(CLIENT_IP) ? 1 : 0) +
	    seen.requests.filter((u) => u.includes(CLIENT_IP)).length;
	ok(seen.texts.length > 20 && leaks === 0, `the client address ` +
	    `${CLIENT_IP} is in no API answer (${seen.texts.length}), request ` +
	    `or page`, `${leaks} leaks`);
	const drain401 = (u) => new URL(u).pathname === '/api/v1/drain';
	const errs = seen.console.filter((c) => !(drain401(c.url) &&
	    / 401 /.test(c.text)));
	ok(errs.length === 0 && seen.pageerrors.length === 0,
	    'no console error or warning, no script error (but the 2 ' +
	    'refused drains)', JSON.stringify(errs.concat(seen.pageerrors)));
	const bad = seen.bad.filter((b) => !(b.status === 401 &&
	    drain401(b.url)));
	ok(seen.failed.length === 0 && bad.length === 0 &&
	    seen.bad.length === 2, 'no failed request, and no error answer ' +
	    'but the 2 refused drains',
	    JSON.stringify({ failed: seen.failed, bad: seen.bad }));
	await desk.close();
}

try {
	await main();
} catch (e) {
	ok(false, 'the browser test ran to its end', e.stack || e);
}
fs.writeFileSync(RESULT, `${n} ${failed}\n`);
