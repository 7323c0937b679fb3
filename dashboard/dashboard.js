/*
 * dashboard.js - the chorusd operator dashboard.
 *
 * Polls the node's own HTTP API and fills the page in.  Every 2 s:
 * /api/v1/status, /api/v1/turn and /api/v1/rooms (the live figures, and
 * throughput measured here from the counters' growth).  The aggregate
 * history (/api/v1/history) is fetched again when a new step may be
 * there, at most every 30 s.  The node network (nodes, leaderboard,
 * topology and this node's score explained) every 10 s, and only when
 * the status says the node is in one: a node without `dht = yes`
 * answers those routes with 404, and the page asks nothing it knows is
 * off.  Drain, the one admin action, POSTs with the token the operator
 * typed, kept in sessionStorage only.
 *
 * A figure is an element with data-src (the endpoint), data-field (a
 * path in its JSON: "a.b", "list[key=value].c"), data-fmt and data-kind
 * (counter, gauge, text); what the API said is kept verbatim in
 * data-raw, so that a test can compare the page with the API.
 *
 * No framework and nothing from outside: the charts are SVG drawn here.
 * The page is served with "Content-Security-Policy: default-src 'self'",
 * so nothing in it is inline and no element gets a style attribute.
 */
(function () {
	'use strict';

	var POLL_MS = 2000;		/* status, turn, rooms */
	var NET_MS = 10000;		/* the node network */
	var HIST_MIN_MS = 2000;		/* history: at most this often, */
	var HIST_MAX_MS = 30000;	/* at least this often */
	var HIST_RETRY_MS = 60000;	/* a node without history */
	var SPARK_POINTS = 90;		/* 3 minutes of 2 s polls */
	var ROOMS_SHOWN = 8;		/* rows of the room list */
	var NET_MIN_PX = 80;		/* nodes on the map at least this apart */
	var TOKEN_KEY = 'chorus.admin-token';
	var SVGNS = 'http://www.w3.org/2000/svg';
	var COMPONENTS = ['reliability', 'bandwidth', 'latency', 'stability',
	    'uptime', 'age'];

	var st = {
		status: null,
		network: undefined,	/* true, false, or not known yet */
		netTimer: null,
		netmap: null,		/* the last nodes and topology */
		hist: { hour: null, day: null },
		histTimer: { hour: null, day: null },
		prev: null,		/* counters at the last poll */
		rates: [],		/* { t, relayed, forwarded, rx, tx } */
		pollTimer: null,
		lastOk: 0,
		lost: 0
	};

	/* --- small helpers --------------------------------------------- */

	function $(sel, root) { return (root || document).querySelector(sel); }
	function $$(sel, root) {
		return Array.prototype.slice.call(
		    (root || document).querySelectorAll(sel));
	}

	/* An HTML element: h('td', {class: 'n'}, child, 'text', ...). */
	function h(tag, attrs) {
		var el = document.createElement(tag), i, k, c;

		for (k in attrs || {})
			if (attrs[k] !== undefined && attrs[k] !== null)
				el.setAttribute(k, attrs[k]);
		for (i = 2; i < arguments.length; i++) {
			c = arguments[i];
			if (c === null || c === undefined)
				continue;
			el.appendChild(typeof c === 'object' ? c :
			    document.createTextNode(String(c)));
		}
		return el;
	}

	/* An SVG element with its attributes (never "style"). */
	function s(tag, attrs, text) {
		var el = document.createElementNS(SVGNS, tag), k;

		for (k in attrs || {})
			if (attrs[k] !== undefined && attrs[k] !== null)
				el.setAttribute(k, attrs[k]);
		if (text !== undefined)
			el.textContent = text;
		return el;
	}

	function num(v) { return typeof v === 'number' && isFinite(v); }
	function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
	function pad2(n) { return (n < 10 ? '0' : '') + n; }

	/* The value at path in obj: "a.b.c", "list[room=xyz].members". */
	function pick(obj, path) {
		var parts = path.split('.'), i, m, arr, key, want;

		for (i = 0; i < parts.length; i++) {
			if (obj === null || obj === undefined)
				return undefined;
			m = /^([^[]*)\[([^=\]]+)=([^\]]*)\]$/.exec(parts[i]);
			if (m === null) {
				obj = obj[parts[i]];
				continue;
			}
			arr = m[1] === '' ? obj : obj[m[1]];
			key = m[2];
			want = m[3];
			obj = Array.isArray(arr) ? arr.find(function (e) {
				return e !== null && typeof e === 'object' &&
				    String(e[key]) === want;
			}) : undefined;
		}
		return obj;
	}

	/* GET a JSON answer; a refusal is an Error with .status. */
	function getJSON(path) {
		return fetch(path, {
			cache: 'no-store',
			credentials: 'omit',
			headers: { Accept: 'application/json' }
		}).then(function (r) {
			var e;

			if (!r.ok) {
				e = new Error('HTTP ' + r.status);
				e.status = r.status;
				throw e;
			}
			return r.json();
		});
	}

	/* --- formats --------------------------------------------------- */

	var NBSP = '\u00a0';	/* between a number and its unit */
	var nfInt = new Intl.NumberFormat(undefined,
	    { maximumFractionDigits: 0 });

	function fmtCount(v) { return nfInt.format(v); }

	/* Three significant digits: 1.23, 12.3, 123. */
	function sig3(v) {
		if (v >= 99.95)
			return v.toFixed(0);
		if (v >= 9.995)
			return v.toFixed(1);
		return v.toFixed(2);
	}

	function fmtUnits(v, units, base) {
		var i = 0;

		if (!num(v))
			return '—';
		if (Math.abs(v) < base)
			return Math.round(v) + NBSP + units[0];
		while (Math.abs(v) >= base * 0.9995 && i < units.length - 1) {
			v /= base;
			i++;
		}
		return sig3(v) + NBSP + units[i];
	}

	function fmtBytes(v) {
		return fmtUnits(v, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], 1000);
	}

	/* Bytes per second, shown as a bit rate. */
	function fmtBps(v) {
		return fmtUnits(num(v) ? v * 8 : v,
		    ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'], 1000);
	}

	function fmtDuration(v) {
		var d, hr, m;

		if (!num(v))
			return '—';
		v = Math.floor(v);
		if (v < 60)
			return v + NBSP + 's';
		d = Math.floor(v / 86400);
		hr = Math.floor(v % 86400 / 3600);
		m = Math.floor(v % 3600 / 60);
		if (d > 0)
			return [d, 'd', hr, 'h', m, 'm'].join(NBSP);
		if (hr > 0)
			return [hr, 'h', m, 'm'].join(NBSP);
		return [m, 'm', v % 60, 's'].join(NBSP);
	}

	function fmtSeconds(v) {
		if (!num(v))
			return '—';
		return v < 60 ? v.toFixed(1) + NBSP + 's' : fmtDuration(v);
	}

	function fmtPercent(v) {
		if (!num(v))
			return 'not known yet';
		return (v < 10 ? v.toFixed(1) : v.toFixed(0)) + NBSP + '%';
	}

	function fmtScore(v) { return num(v) ? v.toFixed(2) : '—'; }

	function fmtMs(v) {
		if (!num(v))
			return '—';
		return (v < 1 ? v.toFixed(2) : v < 10 ? v.toFixed(1) :
		    v.toFixed(0)) + NBSP + 'ms';
	}

	function fmtDays(v) {
		if (!num(v))
			return '—';
		if (v < 1 / 24)
			return Math.round(v * 1440) + NBSP + 'min';
		if (v < 1)
			return (v * 24).toFixed(1) + NBSP + 'h';
		return v.toFixed(1) + NBSP + 'd';
	}

	function fmtDate(v) {
		if (!num(v) || v <= 0)
			return '';
		return 'since ' + new Date(v * 1000).toLocaleDateString(
		    undefined, { year: 'numeric', month: 'short',
		    day: 'numeric' });
	}

	function fmtClock(ms, seconds) {
		var d = new Date(ms);

		return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) +
		    (seconds ? ':' + pad2(d.getSeconds()) : '');
	}

	var FORMATS = {
		count: fmtCount,
		bytes: fmtBytes,
		bps: fmtBps,
		duration: fmtDuration,
		seconds: fmtSeconds,
		percent: fmtPercent,
		score: fmtScore,
		ms: fmtMs,
		days: fmtDays,
		date: fmtDate,
		yesno: function (v) { return v ? 'yes' : 'no'; },
		drain: function (v) { return v ? 'Draining' : 'Serving'; }
	};

	/* Show v in el with its format; keep the raw value for tests. */
	function show(el, v) {
		var f = FORMATS[el.getAttribute('data-fmt')];

		if (v === undefined || (typeof v === 'object' && v !== null)) {
			el.removeAttribute('data-raw');
			el.textContent = '—';
			return;
		}
		if (v === null) {
			/* Known to be unknown (cpu_percent before a sample). */
			el.setAttribute('data-raw', 'null');
			el.textContent = f ? f(v) : '—';
			return;
		}
		el.setAttribute('data-raw', String(v));
		el.textContent = f ? f(v) : String(v);
	}

	/* Fill every static figure of endpoint src from its answer j. */
	function fill(src, j) {
		$$('[data-src="' + src + '"]').forEach(function (el) {
			if (!el.hasAttribute('data-dyn'))
				show(el, pick(j, el.getAttribute('data-field')));
		});
	}

	/* A figure made for a table row. */
	function fig(src, field, fmt, kind, v) {
		var el = h('span', { 'data-src': src, 'data-field': field,
		    'data-fmt': fmt, 'data-kind': kind, 'data-dyn': '' });

		show(el, v);
		return el;
	}

	/* A 0..1 value as a bar and its figure; label for narrow screens. */
	function barCell(figure, v, label) {
		var bar = h('span', { class: 'bar', 'aria-hidden': 'true' },
		    h('i'));

		bar.firstChild.style.width =
		    (num(v) ? clamp(v, 0, 1) * 100 : 0) + '%';
		return h('td', { class: 'cell-bar', 'data-label': label },
		    bar, figure);
	}

	/* --- live figures ---------------------------------------------- */

	function setConn(ok, why) {
		var el = $('#conn');

		if (ok) {
			st.lastOk = Date.now();
			st.lost = 0;
			el.className = 'conn';
			el.textContent = 'live · ' + fmtClock(st.lastOk, true);
			return;
		}
		if (st.lost === 0)
			st.lost = Date.now();
		el.className = 'conn lost';
		el.textContent = 'node not answering since ' +
		    fmtClock(st.lost, true) + (why ? ' (' + why + ')' : '');
	}

	function renderStatus(j) {
		var drain = $('#drain-state'), ul = $('#listeners');

		st.status = j;
		fill('status', j);
		drain.className = 'badge ' + (j.draining ? 'draining' :
		    'serving');
		drain.title = j.draining ? 'New sessions are refused; the ' +
		    'node stops when the last one ends.' :
		    'Taking new sessions.';
		document.title = (j.draining ? 'Draining · ' : '') +
		    'Chorus node ' + (j.node && j.node.fingerprint || '');
		$('#lifetime').hidden = j.lifetime === undefined ||
		    j.lifetime === null;
		ul.replaceChildren.apply(ul, (j.listeners || []).map(
		    function (l) {
			return h('li', null, h('span', { class: 'proto' },
			    l.proto), ' ', l.address);
		}));
	}

	function sumValues(o) {
		var k, t = 0;

		for (k in o || {})
			if (num(o[k]))
				t += o[k];
		return t;
	}

	function renderTurn(j) {
		var a = j.allocations || {}, now = $('#turn-now'),
		    auth = $('#turn-authfail');

		fill('turn', j);
		show(now, (a.udp || 0) + (a.tcp || 0) + (a.tls || 0));
		show(auth, sumValues(j.auth_failures));
	}

	/* The rooms, the largest first, ROOMS_SHOWN of them at most. */
	function renderRooms(j) {
		var tb = $('#room-list tbody'), list = (j.list || []).slice();

		fill('rooms', j);
		list.sort(function (a, b) {
			return b.members - a.members || (a.room < b.room ? -1 :
			    a.room > b.room);
		});
		tb.replaceChildren.apply(tb, list.slice(0, ROOMS_SHOWN).map(
		    function (r) {
			var f = 'list[room=' + r.room + '].';

			return h('tr', null,
			    h('td', { class: 'mono full' }, r.room),
			    h('td', { class: 'n', 'data-label': 'people' },
				fig('rooms', f + 'members', 'count', 'gauge',
				r.members)),
			    h('td', { class: 'n', 'data-label': 'speaking' },
				fig('rooms', f + 'speakers', 'count', 'gauge',
				r.speakers)),
			    h('td', { 'data-label': 'forwards' },
				r.forwarding === 'speakers' ?
				'loudest speakers' : 'everyone'),
			    h('td', { class: 'n', 'data-label': 'frames' },
				fig('rooms', f + 'media_forwarded', 'count',
				'counter', r.media_forwarded)));
		}));
		if (list.length > ROOMS_SHOWN)
			tb.appendChild(h('tr', null, h('td', { colspan: 5,
			    class: 'more' }, 'and ' + fmtCount(list.length -
			    ROOMS_SHOWN) + ' smaller rooms')));
		$('#room-list').hidden = list.length === 0;
		$('#rooms-empty').hidden = list.length !== 0;
	}

	/* Throughput from the growth of the counters since the last poll. */
	function updateRates(status, turn, rooms, t) {
		var c = status.counters || {}, rel = turn.relayed || {},
		    cur, p = st.prev, dt, r;

		cur = {
			t: t,
			relayed: ((rel.to_peer || {}).bytes || 0) +
			    ((rel.to_client || {}).bytes || 0),
			forwarded: (rooms.media || {}).bytes_forwarded || 0,
			rx: (c.udp_rx_bytes || 0) + (c.tcp_rx_bytes || 0),
			tx: (c.udp_tx_bytes || 0) + (c.tcp_tx_bytes || 0)
		};
		st.prev = cur;
		if (p === null || (dt = (t - p.t) / 1000) <= 0.2)
			return;
		r = { t: Date.now() };
		['relayed', 'forwarded', 'rx', 'tx'].forEach(function (k) {
			/* A restarted node starts its counters again. */
			r[k] = cur[k] >= p[k] ? (cur[k] - p[k]) / dt : 0;
		});
		st.rates.push(r);
		if (st.rates.length > SPARK_POINTS)
			st.rates.shift();
		show($('#rate-relayed'), Math.round(r.relayed));
		show($('#rate-forwarded'), Math.round(r.forwarded));
		show($('#rate-rx'), Math.round(r.rx));
		show($('#rate-tx'), Math.round(r.tx));
		drawSpark();
	}

	/* The rates since the page opened, over one minute at least. */
	function drawSpark() {
		var pts = st.rates, now = Date.now();

		if (pts.length < 2)
			return;
		drawChart($('#spark'), {
			height: 90,
			from: Math.min(pts[0].t, now - 60000),
			to: now,
			step: POLL_MS * 1.5,
			seconds: true,
			compact: true,
			series: [
				{ cls: 's-relayed', label: 'TURN relay',
				    pts: pts.map(function (p) {
					return [p.t, p.relayed]; }) },
				{ cls: 's-forwarded', label: 'rooms',
				    pts: pts.map(function (p) {
					return [p.t, p.forwarded]; }) }
			]
		});
	}

	/* The poll of the live figures; the next is due POLL_MS after. */
	function poll() {
		clearTimeout(st.pollTimer);
		st.pollTimer = null;
		if (document.hidden)
			return;		/* visibilitychange starts it again */
		Promise.all([getJSON('/api/v1/status'), getJSON('/api/v1/turn'),
		    getJSON('/api/v1/rooms')]).then(function (a) {
			var t = performance.now();

			renderStatus(a[0]);
			renderTurn(a[1]);
			renderRooms(a[2]);
			updateRates(a[0], a[1], a[2], t);
			setConn(true);
			networkState(a[0]);
			startHistory();
		}).catch(function (e) {
			setConn(false, e.status ? 'HTTP ' + e.status : null);
		}).then(function () {
			if (!document.hidden && st.pollTimer === null)
				st.pollTimer = setTimeout(poll, POLL_MS);
		});
	}

	/* --- history --------------------------------------------------- */

	function startHistory() {
		['hour', 'day'].forEach(function (range) {
			if (st.histTimer[range] === null)
				loadHistory(range);
		});
	}

	function loadHistory(range) {
		if (document.hidden) {		/* ask when someone looks */
			st.histTimer[range] = setTimeout(loadHistory,
			    HIST_MAX_MS, range);
			return;
		}
		st.histTimer[range] = -1;	/* in flight */
		getJSON('/api/v1/history?range=' + range).then(function (j) {
			var step = num(j.step) && j.step > 0 ? j.step : 60;

			st.hist[range] = j;
			drawHistory(range);
			st.histTimer[range] = setTimeout(loadHistory,
			    clamp(step * 500, HIST_MIN_MS, HIST_MAX_MS), range);
		}).catch(function (e) {
			var box = $('#hist-' + range);

			if (st.hist[range] === null)
				box.replaceChildren(h('p', { class: 'empty' },
				    e.status === 404 ? 'This node keeps no ' +
				    'history.' : 'History not available.'));
			st.histTimer[range] = setTimeout(loadHistory,
			    HIST_RETRY_MS, range);
		});
	}

	function drawHistory(range) {
		var j = st.hist[range], step, pts, rel = 0, fwd = 0, total;

		if (j === null)
			return;
		step = num(j.step) && j.step > 0 ? j.step : 60;
		pts = (j.points || []).filter(function (p) {
			return num(p.ts);
		});
		pts.forEach(function (p) {
			rel += p.relayed_bytes || 0;
			fwd += p.forwarded_bytes || 0;
		});
		total = $('#hist-' + range + '-total');
		total.replaceChildren(fmtBytes(rel) + ' relayed · ' +
		    fmtBytes(fwd) + ' room audio');
		drawChart($('#hist-' + range), {
			height: 170,
			attrs: { 'data-src': 'history-' + range,
			    'data-field': 'to', 'data-kind': 'gauge',
			    'data-raw': num(j.to) ? String(j.to) : null,
			    'data-points': String(pts.length) },
			from: (num(j.from) ? j.from : pts.length ?
			    pts[0].ts : Date.now() / 1000 - 60 * step) * 1000,
			to: (num(j.to) ? j.to : Date.now() / 1000) * 1000,
			step: step * 1000 * 1.5,
			seconds: step < 60,
			series: [
				{ cls: 's-relayed', label: 'TURN relay',
				    pts: pts.map(function (p) {
					return [p.ts * 1000,
					    (p.relayed_bytes || 0) / step]; }) },
				{ cls: 's-forwarded', label: 'rooms',
				    pts: pts.map(function (p) {
					return [p.ts * 1000,
					    (p.forwarded_bytes || 0) / step]; }) },
				{ cls: 's-people', label: 'people', right: true,
				    pts: pts.map(function (p) {
					return [p.ts * 1000, (p.sessions || 0) +
					    (p.allocations || 0)]; }) }
			]
		});
	}

	/* --- charts ---------------------------------------------------- */

	/* 1, 2 or 5 times a power of ten, at least v. */
	function niceCeil(v) {
		var p, f;

		if (!(v > 0))
			return 1;
		p = Math.pow(10, Math.floor(Math.log10(v)));
		f = v / p;
		return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
	}

	var TICKS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
	    10800, 14400, 21600, 43200].map(function (x) {
		return x * 1000;
	});

	/*
	 * A line chart into box: o.series [{cls, label, pts: [[ms, v]],
	 * right}], the time range o.from..o.to (ms), o.step (a gap is a
	 * longer distance between two points), rates on the left axis as
	 * bit/s, the right axis (people) as counts.
	 */
	function drawChart(box, o) {
		var W = Math.max(220, Math.round(box.clientWidth || 600));
		var H = o.height, hasRight, padL = 62, padR, padT = 8,
		    padB = 20, pw, ph, svg, lmax = 0, rmax = 0, i, t, tick,
		    x, y, lstep, rstep, gx;

		hasRight = o.series.some(function (sr) { return sr.right; });
		padR = hasRight ? 30 : 8;
		if (o.compact) {
			padL = 58;
			padB = 18;
		}
		pw = W - padL - padR;
		ph = H - padT - padB;
		o.series.forEach(function (sr) {
			sr.pts.forEach(function (p) {
				if (sr.right)
					rmax = Math.max(rmax, p[1]);
				else
					lmax = Math.max(lmax, p[1]);
			});
		});
		/* At least 1 kbit/s and 3 people high. */
		lmax = Math.max(lmax, 125);
		lstep = niceCeil(lmax / 3);
		lmax = lstep * Math.ceil(lmax / lstep);
		rmax = Math.max(rmax, 3);
		rstep = Math.max(1, niceCeil(rmax / 3));
		rmax = rstep * Math.ceil(rmax / rstep);
		x = function (ms) {
			return padL + (ms - o.from) / Math.max(1, o.to - o.from) *
			    pw;
		};
		y = function (v, right) {
			return padT + ph - v / (right ? rmax : lmax) * ph;
		};
		svg = s('svg', Object.assign({ width: W, height: H,
		    viewBox: '0 0 ' + W + ' ' + H, 'aria-hidden': 'true' },
		    o.attrs || {}));
		gx = s('g');
		svg.appendChild(gx);

		/* Horizontal grid, left labels (bit/s), right ones (people). */
		for (i = 0; i * lstep <= lmax + 1e-9; i++) {
			gx.appendChild(s('line', { class: 'gridline',
			    x1: padL, x2: padL + pw, y1: y(i * lstep).toFixed(1),
			    y2: y(i * lstep).toFixed(1) }));
			gx.appendChild(s('text', { class: 'axis', x: padL - 6,
			    y: (y(i * lstep) + 4).toFixed(1),
			    'text-anchor': 'end' }, fmtBps(i * lstep)));
		}
		if (hasRight)
			for (i = 0; i * rstep <= rmax + 1e-9; i++)
				gx.appendChild(s('text', { class: 'axis',
				    x: padL + pw + 6,
				    y: (y(i * rstep, true) + 4).toFixed(1),
				    'text-anchor': 'start' },
				    fmtCount(i * rstep)));

		/* Time labels: about one per 90 px. */
		tick = TICKS.find(function (d) {
			return (o.to - o.from) / d <= pw / 90;
		}) || TICKS[TICKS.length - 1];
		for (t = Math.ceil(o.from / tick) * tick; t <= o.to; t += tick)
			gx.appendChild(s('text', { class: 'axis',
			    x: x(t).toFixed(1), y: H - 4,
			    'text-anchor': 'middle' },
			    fmtClock(t, tick < 60000)));

		o.series.forEach(function (sr) {
			svg.appendChild(drawSeries(sr, o, x, y, padT + ph));
		});
		if (o.series.every(function (sr) { return !sr.pts.length; }))
			svg.appendChild(s('text', { class: 'nodata',
			    x: padL + pw / 2, y: padT + ph / 2,
			    'text-anchor': 'middle' }, 'no data yet'));
		addReadout(svg, o, x, y, padT, ph, padL, pw);
		box.replaceChildren(svg);
	}

	/* One series: a line and an area per run of adjacent points. */
	function drawSeries(sr, o, x, y, base) {
		var g = s('g', { class: 'series ' + sr.cls }), runs = [], run,
		    pts = sr.pts.filter(function (p) {
			return p[0] >= o.from - o.step && p[0] <= o.to + o.step;
		});

		pts.forEach(function (p, i) {
			if (i === 0 || p[0] - pts[i - 1][0] > o.step)
				runs.push(run = []);
			run.push([x(p[0]), y(p[1], sr.right)]);
		});
		runs.forEach(function (r) {
			var line = r.map(function (q, i) {
				return (i ? 'L' : 'M') + q[0].toFixed(1) + ' ' +
				    q[1].toFixed(1);
			}).join('');

			if (r.length === 1) {
				g.appendChild(s('circle', { class: 'dot',
				    cx: r[0][0].toFixed(1),
				    cy: r[0][1].toFixed(1), r: 2 }));
				return;
			}
			if (!sr.right)
				g.appendChild(s('path', { class: 'area',
				    d: line + 'L' + r[r.length - 1][0].toFixed(1) +
				    ' ' + base.toFixed(1) + 'L' +
				    r[0][0].toFixed(1) + ' ' + base.toFixed(1) +
				    'Z' }));
			g.appendChild(s('path', { class: 'line', d: line }));
		});
		return g;
	}

	/* Pointer over a chart: a cursor and the values nearest to it. */
	function addReadout(svg, o, x, y, padT, ph, padL, pw) {
		var cur = s('g', { visibility: 'hidden' }),
		    lineEl = s('line', { class: 'cursor', y1: padT,
		    y2: padT + ph }),
		    bg = s('rect', { class: 'readout-bg', rx: 4, height: 18 }),
		    txt = s('text', { class: 'readout' });

		cur.appendChild(lineEl);
		cur.appendChild(bg);
		cur.appendChild(txt);
		svg.appendChild(cur);
		svg.addEventListener('pointermove', function (ev) {
			var r = svg.getBoundingClientRect(), px, t, parts = [],
			    best = null, tx, w;

			px = ev.clientX - r.left;
			if (px < padL || px > padL + pw) {
				cur.setAttribute('visibility', 'hidden');
				return;
			}
			t = o.from + (px - padL) / pw * (o.to - o.from);
			o.series.forEach(function (sr) {
				var near = null;

				sr.pts.forEach(function (p) {
					if (near === null || Math.abs(p[0] - t) <
					    Math.abs(near[0] - t))
						near = p;
				});
				if (near === null ||
				    Math.abs(near[0] - t) > o.step)
					return;
				best = best === null ? near[0] : best;
				parts.push(sr.label + ' ' + (sr.right ?
				    fmtCount(near[1]) : fmtBps(near[1])));
			});
			if (best === null) {
				cur.setAttribute('visibility', 'hidden');
				return;
			}
			tx = x(best);
			lineEl.setAttribute('x1', tx.toFixed(1));
			lineEl.setAttribute('x2', tx.toFixed(1));
			txt.textContent = fmtClock(best, o.seconds) + '  ' +
			    parts.join(' · ');
			w = txt.getComputedTextLength ?
			    txt.getComputedTextLength() : 200;
			tx = clamp(tx + 6, padL, padL + pw - w - 6);
			txt.setAttribute('x', tx.toFixed(1));
			txt.setAttribute('y', (padT + 13).toFixed(1));
			bg.setAttribute('x', (tx - 4).toFixed(1));
			bg.setAttribute('y', padT);
			bg.setAttribute('width', (w + 8).toFixed(1));
			cur.setAttribute('visibility', 'visible');
		});
		svg.addEventListener('pointerleave', function () {
			cur.setAttribute('visibility', 'hidden');
		});
	}

	/* --- the node network ------------------------------------------ */

	/* Learn from the status whether the node is in a network. */
	function networkState(status) {
		var n = status.network, on;

		if (n !== undefined && n !== null && typeof n.enabled ===
		    'boolean')
			on = n.enabled;
		else if (st.network === undefined) {
			/* An older node: its status does not say; ask once. */
			st.network = null;
			getJSON('/api/v1/network/nodes').then(function () {
				setNetwork(true);
			}).catch(function () {
				setNetwork(false);
			});
			return;
		} else
			return;
		setNetwork(on);
	}

	function setNetwork(on) {
		var was = st.network;

		st.network = on;
		['#reputation', '#leaderboard', '#network'].forEach(
		    function (id) {
			$(id + ' .off').hidden = on;
			$(id + ' .on').hidden = !on;
			/* Off, the three notes share a row. */
			$(id).classList.toggle('wide', on);
		});
		if (on && was !== true)
			loadNetwork();
		if (!on && st.netTimer !== null) {
			clearTimeout(st.netTimer);
			st.netTimer = null;
		}
	}

	function loadNetwork() {
		clearTimeout(st.netTimer);
		st.netTimer = null;
		if (document.hidden) {
			st.netTimer = setTimeout(loadNetwork, NET_MS);
			return;
		}
		Promise.all([getJSON('/api/v1/network/nodes'),
		    getJSON('/api/v1/leaderboard'),
		    getJSON('/api/v1/topology')]).then(function (a) {
			var nodes = a[0].nodes || [], me, own;

			own = st.status && st.status.node ? st.status.node.id :
			    null;
			renderBoard(a[1]);
			st.netmap = { nodes: nodes, topo: a[2] };
			renderNetmap(nodes, a[2]);
			/* Ask for our own explanation only once we are known. */
			me = nodes.find(function (n) {
				return n.self || n.id === own;
			});
			if (me === undefined) {
				renderReputation(null);
				return null;
			}
			return getJSON('/api/v1/network/nodes/' +
			    encodeURIComponent(me.id)).then(renderReputation);
		}).catch(function (e) {
			if (e.status === 404 || e.status === 503)
				setNetwork(false);
		}).then(function () {
			if (st.network === true && st.netTimer === null)
				st.netTimer = setTimeout(loadNetwork, NET_MS);
		});
	}

	var EXPLAIN = {
		reliability: 'Share of challenge packets the node forwarded ' +
		    'correctly, as verifiers measured it. Every passed ' +
		    'challenge raises it, every lost one lowers it.',
		bandwidth: 'Throughput verifiers measured through the node ' +
		    '(their median), on a log scale from a floor to a full ' +
		    'mark.',
		latency: 'Round-trip time of challenges through the node ' +
		    '(the median): the lower, the higher this is.',
		stability: 'How steady the round-trip time is, and how few ' +
		    'challenges are lost.',
		uptime: 'Continuous measured operation. Grows with the square ' +
		    'of the current streak, so staying up pays.',
		age: 'How long the node has been measured, up to a full mark.'
	};

	/* What was measured for a component, from the explanation. */
	function measured(name, r) {
		switch (name) {
		case 'reliability':
			return num(r.pass_median) ? 'Median pass rate ' +
			    (r.pass_median * 100).toFixed(1) + NBSP + '%.' : '';
		case 'bandwidth':
			return num(r.bandwidth_kbps) && r.bandwidth_kbps > 0 ?
			    'Measured ' + fmtBps(r.bandwidth_kbps * 125) + '.' :
			    '';
		case 'latency':
			return num(r.rtt_ms) && r.rtt_ms > 0 ? 'Measured ' +
			    fmtMs(r.rtt_ms) + '.' : '';
		case 'stability':
			return num(r.spread_ms) ? 'Spread ' +
			    fmtMs(r.spread_ms) + ', loss ' + ((r.loss || 0) *
			    100).toFixed(1) + NBSP + '%.' : '';
		case 'age':
			return num(r.age_days) ? 'Measured for ' +
			    fmtDays(r.age_days) + '.' : '';
		}
		return '';
	}

	function renderReputation(j) {
		var r = j && j.reputation, tb = $('#rep-components tbody'),
		    names, comps, f = 'reputation.', stand = $('#rep-standing');

		$('#rep-none').hidden = !!r && r.reports > 0;
		if (!r) {
			['#rep-score', '#rep-confidence', '#rep-gate',
			    '#rep-reports', '#rep-verifiers', '#rep-vouches-in',
			    '#rep-vouches-out'].forEach(function (id) {
				show($(id), undefined);
			});
			tb.replaceChildren();
			stand.replaceChildren();
			return;
		}
		[['#rep-score', 'score'], ['#rep-confidence', 'confidence'],
		    ['#rep-gate', 'gate'], ['#rep-reports', 'reports'],
		    ['#rep-verifiers', 'verifiers']].forEach(function (p) {
			var el = $(p[0]);

			el.setAttribute('data-src', 'self');
			el.setAttribute('data-field', f + p[1]);
			el.setAttribute('data-kind', 'gauge');
			el.setAttribute('data-dyn', '');
			show(el, r[p[1]]);
		});
		show($('#rep-vouches-in'), (r.vouches_received || []).length);
		show($('#rep-vouches-out'), (r.vouches_given || []).length);
		stand.replaceChildren(
		    r.standing ? h('strong', { class: 'yes' }, 'Has standing') :
		    h('strong', { class: 'no' }, 'No standing yet'),
		    r.standing ? ': it takes as many sessions as it can ' +
		    'carry, and node selection treats it as established.' :
		    ': a new node takes a limited number of sessions an ' +
		    'hour until its score and measured age are high enough.',
		    num(r.age_days) ? ' Measured for ' + fmtDays(r.age_days) +
		    '.' : '');
		comps = r.components || {};
		names = COMPONENTS.filter(function (n) { return n in comps; })
		    .concat(Object.keys(comps).filter(function (n) {
			return COMPONENTS.indexOf(n) < 0;
		    }));
		tb.replaceChildren.apply(tb, names.map(function (n) {
			var c = comps[n] || {}, p = f + 'components.' + n + '.';

			return h('tr', null,
			    h('th', { scope: 'row' }, n),
			    barCell(fig('self', p + 'value', 'score', 'gauge',
				c.value), c.value),
			    h('td', { class: 'n', 'data-label': 'weight' },
				fig('self', p + 'weight', 'score', 'gauge',
				c.weight)),
			    h('td', { class: 'n', 'data-label': 'adds' },
				fig('self', p + 'contribution', 'score', 'gauge',
				c.contribution)),
			    h('td', { class: 'full' }, (EXPLAIN[n] || '') + ' ' +
				measured(n, r)));
		}));
	}

	function renderBoard(j) {
		var tb = $('#board tbody'), mine = st.status && st.status.node ?
		    st.status.node.fingerprint : null;

		tb.replaceChildren.apply(tb, (j.leaderboard || []).map(
		    function (e, i) {
			var f = 'leaderboard[fingerprint=' + e.fingerprint + '].',
			    self = e.fingerprint === mine;

			return h('tr', { class: self ? 'self' : null },
			    h('td', { class: 'n rank' }, i + 1),
			    h('td', { class: 'mono node' }, fig('leaderboard',
				f + 'fingerprint', null, 'text', e.fingerprint),
				self ? h('span', { class: 'tag' }, 'this node') :
				null),
			    h('td', { 'data-label': 'region' },
				e.region || '—'),
			    barCell(fig('leaderboard', f + 'score', 'score',
				'gauge', e.score), e.score, 'score'),
			    h('td', { class: e.standing ? 'yes' : 'no',
				'data-label': 'standing' }, fig('leaderboard',
				f + 'standing', 'yesno', 'gauge', e.standing)),
			    h('td', { class: 'n', 'data-label': 'reports' },
				fig('leaderboard', f + 'reports', 'count',
				'gauge', e.reports)),
			    h('td', { class: 'n', 'data-label': 'verifiers' },
				fig('leaderboard', f + 'verifiers', 'count',
				'gauge', e.verifiers)),
			    h('td', { class: 'n', 'data-label': 'measured' },
				fmtDays(e.age_days)));
		}));
		if (!tb.children.length)
			tb.appendChild(h('tr', null, h('td', { colspan: 8,
			    class: 'empty' }, 'No node scored yet.')));
	}

	function median(a) {
		var b = a.slice().sort(function (p, q) { return p - q; });

		return b.length ? b[Math.floor((b.length - 1) / 2)] : NaN;
	}

	/* The measured hops between known nodes: one per pair, medians. */
	function hops(nodes, topo) {
		var known = {}, pairs = {}, out = [];

		nodes.forEach(function (n) { known[n.fingerprint] = n; });
		((topo && topo.measured) || []).forEach(function (e) {
			var k;

			if (!known[e.from] || !known[e.to] || e.from === e.to ||
			    !num(e.rtt_ms))
				return;
			k = e.from < e.to ? e.from + ' ' + e.to :
			    e.to + ' ' + e.from;
			(pairs[k] = pairs[k] || { a: e.from, b: e.to,
			    rtts: [], by: {} }).rtts.push(e.rtt_ms);
			pairs[k].by[e.from + '>' + e.to] =
			    (pairs[k].by[e.from + '>' + e.to] || 0) + 1;
		});
		Object.keys(pairs).sort().forEach(function (k) {
			var p = pairs[k];

			p.rtt = median(p.rtts);
			out.push(p);
		});
		return out;
	}

	/* Where each node goes: by coordinates, else grouped by region. */
	function layout(nodes, W, H, pad) {
		var pos = {}, xs = [], ys = [], minx, maxx, miny, maxy, sc,
		    span, groups = {}, names, coords;

		coords = nodes.filter(function (n) {
			var c = n.coordinates;
			return c && num(c.x) && num(c.y);
		});
		coords.forEach(function (n) {
			xs.push(n.coordinates.x);
			ys.push(n.coordinates.y);
		});
		if (coords.length === nodes.length && nodes.length > 1) {
			minx = Math.min.apply(null, xs);
			maxx = Math.max.apply(null, xs);
			miny = Math.min.apply(null, ys);
			maxy = Math.max.apply(null, ys);
			span = Math.max(maxx - minx, maxy - miny);
		}
		if (span > 1e-6) {
			/* One scale for both axes: distances keep their meaning. */
			sc = Math.min((W - 2 * pad) / Math.max(maxx - minx, 1e-9),
			    (H - 2 * pad) / Math.max(maxy - miny, 1e-9));
			nodes.forEach(function (n) {
				pos[n.fingerprint] = {
					x: W / 2 + (n.coordinates.x -
					    (minx + maxx) / 2) * sc,
					y: H / 2 + (n.coordinates.y -
					    (miny + maxy) / 2) * sc,
					r: clamp((n.coordinates.height || 0) * sc,
					    0, 40)
				};
			});
			spread(nodes, pos, W, H, pad);
			return { pos: pos, by: 'coordinates', scale: sc };
		}
		nodes.forEach(function (n) {
			var g = n.region || 'no region';
			(groups[g] = groups[g] || []).push(n);
		});
		names = Object.keys(groups).sort();
		names.forEach(function (g, gi) {
			var cx = pad + (W - 2 * pad) * (gi + 0.5) / names.length,
			    list = groups[g];

			list.forEach(function (n, i) {
				pos[n.fingerprint] = {
					x: cx,
					y: pad + 12 + (H - 2 * pad - 12) *
					    (i + 0.5) / list.length,
					r: 0,
					group: g
				};
			});
		});
		return { pos: pos, by: 'region', groups: names };
	}

	/*
	 * Push apart nodes closer than NET_MIN_PX so that each stays
	 * readable; the picture stays true to the coordinates otherwise.
	 */
	function spread(nodes, pos, W, H, pad) {
		var it, i, j, a, b, dx, dy, d, push;

		for (it = 0; it < 80; it++) {
			for (i = 0; i < nodes.length; i++)
				for (j = i + 1; j < nodes.length; j++) {
					a = pos[nodes[i].fingerprint];
					b = pos[nodes[j].fingerprint];
					dx = b.x - a.x;
					dy = b.y - a.y;
					d = Math.sqrt(dx * dx + dy * dy);
					if (d >= NET_MIN_PX)
						continue;
					if (d < 1e-6) {	/* the same place: a fixed turn */
						dx = Math.cos(i + j);
						dy = Math.sin(i + j);
						d = 1;
					}
					push = (NET_MIN_PX - d) / 2 / d;
					a.x -= dx * push;
					a.y -= dy * push;
					b.x += dx * push;
					b.y += dy * push;
				}
			nodes.forEach(function (n) {
				var p = pos[n.fingerprint];

				p.x = clamp(p.x, pad, W - pad);
				p.y = clamp(p.y, pad / 2, H - pad);
			});
		}
	}

	function renderNetmap(nodes, topo) {
		var box = $('#netmap'), W = Math.max(260, box.clientWidth ||
		    600), H = W < 500 ? 260 : 340, pad = 46, L, svg, hs,
		    tb = $('#hops tbody'), lines = s('g'), labels = s('g'),
		    dots = s('g'), byFpr = {}, hint = $('#net-hint');

		nodes = nodes.slice().sort(function (a, b) {
			return a.fingerprint < b.fingerprint ? -1 : 1;
		});
		nodes.forEach(function (n) { byFpr[n.fingerprint] = n; });
		L = layout(nodes, W, H, pad);
		hs = hops(nodes, topo);
		svg = s('svg', { width: W, height: H,
		    viewBox: '0 0 ' + W + ' ' + H });
		if (L.by === 'region')
			L.groups.forEach(function (g, gi) {
				var w = (W - 2 * pad) / L.groups.length;

				svg.appendChild(s('rect', { class: 'group',
				    x: (pad + w * gi + 6).toFixed(1), y: 8,
				    width: (w - 12).toFixed(1), height: H - 16,
				    rx: 10 }));
				svg.appendChild(s('text', { class: 'group-label',
				    x: (pad + w * (gi + 0.5)).toFixed(1), y: 24,
				    'text-anchor': 'middle' }, g));
			});
		hs.forEach(function (p) {
			var a = L.pos[p.a], b = L.pos[p.b], len, nx, ny;

			lines.appendChild(s('line', { class: 'hop',
			    'data-pair': p.a < p.b ? p.a + ' ' + p.b :
			    p.b + ' ' + p.a, 'data-raw': String(p.rtt),
			    x1: a.x.toFixed(1), y1: a.y.toFixed(1),
			    x2: b.x.toFixed(1), y2: b.y.toFixed(1) }));
			/* The label beside the line's middle, not on it. */
			len = Math.max(1, Math.hypot(b.x - a.x, b.y - a.y));
			nx = (a.y - b.y) / len;
			ny = (b.x - a.x) / len;
			if (ny > 0) {
				nx = -nx;
				ny = -ny;
			}
			labels.appendChild(s('text', { class: 'hop-label',
			    x: ((a.x + b.x) / 2 + nx * 9).toFixed(1),
			    y: ((a.y + b.y) / 2 + ny * 9 + 4).toFixed(1),
			    'text-anchor': nx < -0.3 ? 'end' : nx > 0.3 ?
			    'start' : 'middle' }, fmtMs(p.rtt)));
		});
		nodes.forEach(function (n) {
			var p = L.pos[n.fingerprint], g = s('g', {
			    class: 'node' + (n.self ? ' self' : ''),
			    'data-fingerprint': n.fingerprint }),
			    c = n.coordinates || {};

			if (p.r > 9)
				g.appendChild(s('circle', { class: 'height',
				    cx: p.x.toFixed(1), cy: p.y.toFixed(1),
				    r: p.r.toFixed(1) }));
			g.appendChild(s('circle', { class: 'dot',
			    cx: p.x.toFixed(1), cy: p.y.toFixed(1),
			    r: n.self ? 8 : 7 }));
			g.appendChild(s('text', { x: p.x.toFixed(1),
			    y: (p.y + 21).toFixed(1), 'text-anchor': 'middle' },
			    n.self ? 'this node' : n.fingerprint.slice(0, 9)));
			if (L.by === 'coordinates' && n.region)
				g.appendChild(s('text', { class: 'region',
				    x: p.x.toFixed(1), y: (p.y + 34).toFixed(1),
				    'text-anchor': 'middle' }, n.region));
			g.appendChild(s('title', null, n.fingerprint +
			    (n.region ? ' · ' + n.region : '') +
			    (num(c.x) ? ' · x ' + c.x.toFixed(2) + ', y ' +
			    c.y.toFixed(2) + ', height ' +
			    (c.height || 0).toFixed(2) + ' ms' : '')));
			dots.appendChild(g);
		});
		svg.appendChild(lines);
		svg.appendChild(dots);
		svg.appendChild(labels);
		if (!nodes.length)
			svg.appendChild(s('text', { class: 'nodata', x: W / 2,
			    y: H / 2, 'text-anchor': 'middle' },
			    'no node known yet'));
		box.replaceChildren(svg);
		hint.textContent = (L.by === 'coordinates' ?
		    'Nodes are placed by their Vivaldi network coordinates: ' +
		    'the distance between two nodes, plus their heights ' +
		    '(dashed rings, the delay of their own access links), ' +
		    'predicts the round-trip time between them.' :
		    'No coordinates measured yet: nodes are grouped by the ' +
		    'region their operators configured.') +
		    ' Lines are hops measured with challenges, labelled ' +
		    'with their median round-trip time.';
		tb.replaceChildren.apply(tb, hs.map(function (p) {
			var ways = Object.keys(p.by), one = ways[0].split('>');

			return h('tr', null,
			    h('td', { class: 'mono full' }, name(one[0]),
				ways.length > 1 ? ' ↔ ' : ' → ', name(one[1])),
			    h('td', { class: 'n', 'data-label': 'median RTT' },
				fmtMs(p.rtt)),
			    h('td', { class: 'n', 'data-label': 'reports' },
				p.rtts.length));
		}));
		$('#hops').hidden = hs.length === 0;

		function name(f) {
			return byFpr[f] && byFpr[f].self ? h('strong', null,
			    'this node') : f;
		}
	}

	/* --- admin ----------------------------------------------------- */

	function adminMsg(text, cls) {
		var m = $('#admin-msg');

		m.className = 'msg' + (cls ? ' ' + cls : '');
		m.textContent = text;
	}

	function drain() {
		var token = $('#token').value.trim(), hdr = {
			'Content-Type': 'application/json',
			Accept: 'application/json'
		}, btn = $('#drain-confirm');

		if (token !== '')
			hdr.Authorization = 'Bearer ' + token;
		btn.disabled = true;
		adminMsg('Asking the node to drain…');
		fetch('/api/v1/drain', { method: 'POST', headers: hdr,
		    body: '{}', cache: 'no-store', credentials: 'omit' })
		    .then(function (r) {
			if (r.status === 401) {
				adminMsg('Refused (HTTP 401): ' + (token === '' ?
				    'the admin token is needed.' :
				    'that is not the admin token.'), 'bad');
				return;
			}
			if (!r.ok) {
				adminMsg('The node refused (HTTP ' + r.status +
				    ').', 'bad');
				return;
			}
			return r.json().then(function (j) {
				$('#drain-confirm-box').hidden = true;
				adminMsg(j.draining ? 'Draining: new sessions ' +
				    'are refused; ' + fmtCount(j.sessions || 0) +
				    ' still open. The node stops when the last ' +
				    'one ends.' : 'The node did not start ' +
				    'draining.', j.draining ? 'ok' : 'bad');
				poll();
			});
		}).catch(function () {
			adminMsg('The node did not answer.', 'bad');
		}).then(function () {
			btn.disabled = false;
		});
	}

	function setupAdmin() {
		var tok = $('#token'), saved = null;

		try {
			saved = sessionStorage.getItem(TOKEN_KEY);
		} catch (e) { /* storage off: the field still works */ }
		if (saved)
			tok.value = saved;
		tok.addEventListener('input', function () {
			try {
				if (tok.value === '')
					sessionStorage.removeItem(TOKEN_KEY);
				else
					sessionStorage.setItem(TOKEN_KEY, tok.value);
			} catch (e) { /* as above */ }
		});
		/* Never submit: that would put the token in the URL. */
		$('#admin-form').addEventListener('submit', function (ev) {
			ev.preventDefault();
			$('#drain-confirm-box').hidden = false;
		});
		$('#drain').addEventListener('click', function () {
			$('#drain-confirm-box').hidden = false;
			adminMsg('');
		});
		$('#drain-cancel').addEventListener('click', function () {
			$('#drain-confirm-box').hidden = true;
		});
		$('#drain-confirm').addEventListener('click', drain);
	}

	/* --- start ----------------------------------------------------- */

	function redraw() {
		drawSpark();
		drawHistory('hour');
		drawHistory('day');
		if (st.netmap !== null)
			renderNetmap(st.netmap.nodes, st.netmap.topo);
	}

	function start() {
		var rt = null, lastW = window.innerWidth;

		setupAdmin();
		['#reputation', '#leaderboard', '#network'].forEach(
		    function (id) {
			$(id + ' .on').hidden = true;
		});
		window.addEventListener('resize', function () {
			if (window.innerWidth === lastW)
				return;
			lastW = window.innerWidth;
			clearTimeout(rt);
			rt = setTimeout(redraw, 250);
		});
		document.addEventListener('visibilitychange', function () {
			if (!document.hidden)
				poll();
		});
		poll();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
}());
