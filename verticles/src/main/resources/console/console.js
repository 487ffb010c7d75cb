// The Highwater console: loads the partitions once over HTTP, then follows every watermark through
// the WebSocket `watch` (with notes: cpOffset, epoch and each entity's status note ride along).
'use strict';

const TOKEN_KEY = 'highwater.token';
const RECONNECT_MS = 2000;
const MEMBERS_REFRESH_MS = 10000;

const model = {
  apps: new Map(),      // app -> {name, partitions: Map(p -> row)}
  members: [],
  watches: new Map(),   // watch id -> {app, partition}
  awaits: new Map(),    // await id -> {level, sentAt}
  socket: null,
  generation: 0,        // bumps on every reload, so that a stale socket's frames are ignored
};

// --- small helpers ------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token()) {
    h['Authorization'] = 'Bearer ' + token();
  }
  return h;
}

class HttpError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.body = body;
  }
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  const response = await fetch(path, opts);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok && response.status !== 409) {
    throw new HttpError(response.status, body);
  }
  return { status: response.status, body };
}

function say(text) {
  const p = $('message');
  p.textContent = text || '';
  p.hidden = !text;
}

function explain(e) {
  if (e instanceof HttpError && e.status === 401) {
    return 'The server checks tokens: paste a JWT above (a development token is in <data dir>/dev-token).';
  }
  if (e instanceof HttpError && e.status === 403) {
    return 'This token has no grant for that: ' + e.message;
  }
  return String(e.message || e);
}

function short(id) {
  return id ? String(id).slice(0, 8) : '–';
}

// CRC32 of UTF-8 bytes, as the server picks a workspace's partition: a watch names a workspace,
// so the page finds one name per partition.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(text) {
  let c = 0xFFFFFFFF;
  for (const b of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}

function workspaceOf(partition, count) {
  for (let i = 0; ; i++) {
    const name = 'console-' + i;
    if (crc32(name) % count === partition) return name;
  }
}

// --- the model ----------------------------------------------------------------------------------

function newRow(app, partition, owner, epoch) {
  return { app, partition, owner, epoch, cpOffset: 0, entities: new Map(), durableSince: [] };
}

// Remembers when the page first saw each offset durable, for the lag in milliseconds.
function setCpOffset(row, cp, at) {
  if (cp > row.cpOffset) {
    row.durableSince.push([cp, at]);
    row.cpOffset = cp;
  }
}

function entityOf(row, name) {
  if (!row.entities.has(name)) row.entities.set(name, { cache: 0, storage: 0, note: {} });
  return row.entities.get(name);
}

function lagMs(row, watermark, now) {
  if (watermark >= row.cpOffset) return 0;
  const first = row.durableSince.find(([offset]) => offset > watermark);
  return first ? Math.max(0, now - first[1]) : 0;
}

// Drops what no watermark needs any more.
function prune(row) {
  let low = row.cpOffset;
  row.entities.forEach(e => { low = Math.min(low, e.storage); });
  while (row.durableSince.length > 1 && row.durableSince[0][0] <= low) row.durableSince.shift();
}

// --- loading and following ----------------------------------------------------------------------

async function loadCluster() {
  const { body } = await api('/v1/cluster');
  model.members = body.members || [];
  const seen = new Map();
  for (const p of body.partitions || []) {
    if (!seen.has(p.app)) seen.set(p.app, []);
    seen.get(p.app).push(p);
  }
  return seen;
}

async function reload() {
  const generation = ++model.generation;
  if (model.socket) model.socket.close();
  model.apps.clear();
  model.watches.clear();
  try {
    const owners = await loadCluster();
    const loadedAt = Date.now();
    const reads = [];
    for (const [name, partitions] of owners) {
      const app = { name, partitions: new Map() };
      model.apps.set(name, app);
      for (const p of partitions.sort((a, b) => a.partition - b.partition)) {
        const row = newRow(name, p.partition, p.owner, p.epoch);
        app.partitions.set(p.partition, row);
        reads.push(api(`/v1/apps/${encodeURIComponent(name)}/partitions/${p.partition}/consistency`).then(({ body }) => {
          setCpOffset(row, body.cpOffset, loadedAt);
          for (const [entity, w] of Object.entries(body.entities)) {
            const { cache, storage, ...note } = w;
            Object.assign(entityOf(row, entity), { cache, storage, note });
          }
        }));
      }
    }
    await Promise.all(reads);
    if (generation !== model.generation) return;
    say('');
    render();
    connect(generation);
  } catch (e) {
    say(explain(e));
    setConnection(false, 'not loaded');
    setTimeout(() => { if (generation === model.generation) reload(); }, RECONNECT_MS * 2);
  }
}

function socketUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token() ? '?access_token=' + encodeURIComponent(token()) : '';
  return `${scheme}//${location.host}/v1/ws${query}`;
}

function connect(generation) {
  const socket = new WebSocket(socketUrl());
  model.socket = socket;
  socket.onopen = () => {
    setConnection(true, 'live');
    for (const app of model.apps.values()) {
      const count = app.partitions.size;
      for (const row of app.partitions.values()) {
        const ws = workspaceOf(row.partition, count);
        for (const level of ['cache', 'storage']) {
          const id = `watch/${app.name}/${row.partition}/${level}`;
          model.watches.set(id, { app: app.name, partition: row.partition });
          socket.send(JSON.stringify({ op: 'watch', id, app: app.name, ws, entity: '*', level, notes: true }));
        }
      }
    }
  };
  socket.onmessage = (message) => {
    if (generation !== model.generation) return;
    onFrame(JSON.parse(message.data));
  };
  socket.onclose = () => {
    if (generation !== model.generation) return;
    setConnection(false, 'disconnected, reconnecting…');
    setTimeout(() => { if (generation === model.generation) reload(); }, RECONNECT_MS);
  };
}

function onFrame(frame) {
  if (frame.type === 'advanced') {
    const watch = model.watches.get(frame.id);
    const row = watch && model.apps.get(watch.app).partitions.get(watch.partition);
    if (!row) return;
    if (frame.epoch !== undefined && frame.epoch > row.epoch) {
      row.epoch = frame.epoch;
      refreshMembers();
    }
    if (frame.cpOffset !== undefined) setCpOffset(row, frame.cpOffset, Date.now());
    const known = row.entities.has(frame.entity);
    const e = entityOf(row, frame.entity);
    e.cache = Math.max(e.cache, frame.cache);
    e.storage = Math.max(e.storage, frame.storage);
    if (frame.note !== undefined) e.note = frame.note;
    prune(row);
    if (known) paintRow(row); else render();
    paintProbe();
  } else if (frame.type === 'consistent' || frame.type === 'timeout') {
    onAwaited(frame);
  } else if (frame.type === 'error') {
    say('The server refused ' + (frame.id || 'a message') + ': ' + frame.code + ': ' + frame.message);
  }
}

async function refreshMembers() {
  try {
    const owners = await loadCluster();
    for (const [name, partitions] of owners) {
      const app = model.apps.get(name);
      if (!app || partitions.some(p => !app.partitions.has(p.partition))) {
        // An app or a partition the page has not drawn yet: start over with it.
        reload();
        return;
      }
      for (const p of partitions) {
        const row = app.partitions.get(p.partition);
        row.owner = p.owner;
        row.epoch = Math.max(row.epoch, p.epoch);
        paintRow(row);
      }
    }
    paintMembers();
  } catch (e) {
    say(explain(e));
  }
}

function setConnection(up, text) {
  const span = $('connection');
  span.textContent = text;
  span.className = 'state ' + (up ? 'up' : 'down');
}

// --- drawing ------------------------------------------------------------------------------------

function cellId(row, entity, what) {
  return `cell/${row.app}/${row.partition}/${entity}/${what}`;
}

function render() {
  const root = $('apps');
  root.replaceChildren();
  const select = $('probe-app');
  const chosen = select.value;
  select.replaceChildren();
  for (const app of model.apps.values()) {
    select.append(new Option(app.name, app.name, false, app.name === chosen));
    const h = document.createElement('h3');
    h.textContent = app.name;
    const table = document.createElement('table');
    table.id = 'app/' + app.name;
    table.innerHTML = '<thead><tr><th>partition</th><th class="name">owner</th><th>epoch</th><th>cpOffset</th>'
      + '<th class="name">entity</th><th>cache</th><th>lag</th><th>lag ms</th><th>storage</th><th>lag</th><th>lag ms</th>'
      + '<th class="name">status</th></tr></thead>';
    const body = document.createElement('tbody');
    for (const row of app.partitions.values()) {
      [...row.entities.keys()].forEach((entity, i) => {
        const tr = document.createElement('tr');
        const cells = i === 0
          ? [['partition', row.partition], ['owner', ''], ['epoch', ''], ['cpOffset', '']]
          : [null, null, null, null];
        cells.forEach((c) => {
          const td = document.createElement('td');
          if (c) {
            td.id = cellId(row, '', c[0]);
            td.textContent = c[1];
            td.rowSpan = row.entities.size;
            if (c[0] === 'owner') td.className = 'name';
          }
          if (c) tr.append(td);
        });
        const name = document.createElement('td');
        name.className = 'name';
        name.textContent = entity;
        tr.append(name);
        for (const what of ['cache', 'cache-lag', 'cache-lag-ms', 'storage', 'storage-lag', 'storage-lag-ms', 'note']) {
          const td = document.createElement('td');
          td.id = cellId(row, entity, what);
          if (what === 'note') td.className = 'note';
          tr.append(td);
        }
        body.append(tr);
      });
    }
    table.append(body);
    root.append(h, table);
    app.partitions.forEach(paintRow);
  }
  paintMembers();
}

function setCell(id, text, className) {
  const td = document.getElementById(id);
  if (!td) return;
  if (td.textContent !== String(text)) td.textContent = text;
  if (className !== undefined && td.className !== className) td.className = className;
}

function noteText(note) {
  if (!note || Object.keys(note).length === 0) return ['', 'note'];
  if (note.status === 'failed') {
    return [`failed at offset ${note.failedAt}: ${note.error}`, 'note failed'];
  }
  if (note.rebuild) {
    if (note.rebuild.status === 'failed') return [`rebuild failed: ${note.rebuild.error}`, 'note failed'];
    const { offset, cpOffset } = note.rebuild;
    const pct = cpOffset > 0 ? Math.floor(100 * offset / cpOffset) : 100;
    return [`rebuilding: offset ${offset} of ${cpOffset} (${pct}%)`, 'note'];
  }
  return [JSON.stringify(note), 'note'];
}

function paintRow(row) {
  const now = Date.now();
  setCell(cellId(row, '', 'owner'), short(row.owner));
  setCell(cellId(row, '', 'epoch'), row.epoch);
  setCell(cellId(row, '', 'cpOffset'), row.cpOffset);
  row.entities.forEach((e, entity) => {
    for (const level of ['cache', 'storage']) {
      const w = e[level];
      const lag = Math.max(0, row.cpOffset - w);
      const state = lag > 0 ? 'lagging' : 'caught';
      setCell(cellId(row, entity, level), w, state);
      setCell(cellId(row, entity, level + '-lag'), lag, state);
      setCell(cellId(row, entity, level + '-lag-ms'), lagMs(row, w, now), state);
    }
    const [text, className] = noteText(e.note);
    setCell(cellId(row, entity, 'note'), text, className);
  });
}

function paintMembers() {
  const owned = new Map();
  for (const app of model.apps.values()) {
    for (const row of app.partitions.values()) {
      owned.set(row.owner, (owned.get(row.owner) || []).concat(`${app.name}/${row.partition}`));
    }
  }
  const body = $('members').tBodies[0];
  body.replaceChildren();
  for (const m of model.members) {
    const tr = document.createElement('tr');
    for (const [text, cls] of [[m.id, 'name'], [m.address, 'name'], [m.http || '–', 'name'],
      [(owned.get(m.id) || []).join(' '), 'name']]) {
      const td = document.createElement('td');
      td.textContent = text;
      td.className = cls;
      tr.append(td);
    }
    body.append(tr);
  }
}

// The lag in milliseconds grows while nothing moves: redrawn from what the page holds, no requests.
setInterval(() => model.apps.forEach(app => app.partitions.forEach(paintRow)), 500);
setInterval(refreshMembers, MEMBERS_REFRESH_MS);

// --- the test event -----------------------------------------------------------------------------

const probe = { partition: null, offset: null, app: null, appendedAt: 0, cache: null, storage: null };

async function sendProbe(event) {
  event.preventDefault();
  const app = $('probe-app').value;
  const ws = $('probe-ws').value;
  const id = $('probe-id').value || ('probe-' + Date.now());
  const row = model.apps.get(app) && model.apps.get(app).partitions.get(crc32(ws) % model.apps.get(app).partitions.size);
  const batch = {
    baseOffset: row ? row.cpOffset : 0,
    events: [{
      source: 'console',
      action: {
        reason: 'console-probe', actor: ['console', 'operator'], aggregate: [$('probe-type').value, id],
        patch: { assoc: { [$('probe-key').value]: $('probe-value').value }, dissoc: [] },
      },
    }],
  };
  Object.assign(probe, { partition: null, offset: null, app, cache: null, storage: null });
  setCell('probe-appended', 'appending…');
  setCell('probe-cache', '–');
  setCell('probe-storage', '–');
  try {
    const sentAt = performance.now();
    const { status, body } = await api(`/v1/apps/${encodeURIComponent(app)}/ws/${encodeURIComponent(ws)}/events`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch),
    });
    if (status === 409) {
      setCell('probe-appended', `conflict with offset ${body.conflict.theirs.offset}`, 'failed');
      return;
    }
    const last = body.events[body.events.length - 1];
    Object.assign(probe, { partition: body.partition, offset: last.offset, appendedAt: performance.now() });
    setCell('probe-partition', body.partition);
    setCell('probe-offset', last.offset);
    setCell('probe-appended', `durable after ${Math.round(probe.appendedAt - sentAt)} ms`);
    for (const level of ['cache', 'storage']) {
      const awaitId = `probe/${level}/${last.offset}`;
      model.awaits.set(awaitId, { level, offset: last.offset });
      model.socket.send(JSON.stringify({
        op: 'await', id: awaitId, app, ws, entity: 'records', offset: last.offset, level, timeoutMs: 60000,
      }));
    }
    paintProbe();
  } catch (e) {
    setCell('probe-appended', explain(e), 'failed');
  }
}

function onAwaited(frame) {
  const pending = model.awaits.get(frame.id);
  if (!pending) return;
  model.awaits.delete(frame.id);
  if (pending.offset !== probe.offset) return;
  probe[pending.level] = frame.type === 'consistent'
    ? { ok: true, ms: Math.round(performance.now() - probe.appendedAt) }
    : { ok: false };
  paintProbe();
}

function paintProbe() {
  if (probe.offset === null) return;
  for (const level of ['cache', 'storage']) {
    const result = probe[level];
    const td = $('probe-' + level);
    if (result && result.ok) {
      setCell('probe-' + level, `consistent at ${probe.offset} (+${result.ms} ms)`, 'caught');
      td.dataset.consistent = String(probe.offset);
    } else if (result) {
      setCell('probe-' + level, 'timed out', 'failed');
    } else {
      const row = model.apps.get(probe.app) && model.apps.get(probe.app).partitions.get(probe.partition);
      const w = row ? entityOf(row, 'records')[level] : 0;
      setCell('probe-' + level, `waiting (${w} of ${probe.offset})`, 'lagging');
    }
  }
}

// --- start --------------------------------------------------------------------------------------

$('token').value = token();
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  reload();
});
$('token-clear').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $('token').value = '';
  reload();
});
$('probe-form').addEventListener('submit', sendProbe);
reload();
