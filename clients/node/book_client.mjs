// A minimal KuCoin level2 client in Node.js that speaks the scenario runner's external-client
// protocol (clients/README.md): `kucoin-harness run --client "node clients/node/book_client.mjs"`.
//
// For each connection: a bullet token (bullet-private, signed, with the KH_API_* key; else
// bullet-public), the WebSocket from its instanceServers, one /market/level2 subscription of every
// symbol; each symbol buffers its increments, fetches a REST snapshot (GET
// /api/v3/market/orderbook/level2, signed; without a key the public level2_100), drops what the
// snapshot already holds and applies the rest: KuCoin's documented algorithm. A message that does
// not start right after the book's sequence (a gap, a late message, a sequence jump) or that lies
// far behind it (the sequence restarted lower) starts the symbol over (resync). A closed connection
// starts everything over on a new token.
//
// --naive: the same client, but it ignores sequence gaps: it applies every change newer than the
// book, whatever is missing before it (the deliberately wrong variant the suite must catch).
//
// Books go to stdout as JSON lines (at most every 50 ms per symbol, and after the last change);
// events (synced, resync) too. "stop" on stdin, or its end, ends the program.
import crypto from 'node:crypto';
import WebSocket from 'ws';

const naive = process.argv.includes('--naive');
const env = process.env;
const base = env.KH_REST_URL;
const symbols = (env.KH_SYMBOLS ?? '').split(',').filter(Boolean);
const key = env.KH_API_KEY ? { key: env.KH_API_KEY, secret: env.KH_API_SECRET ?? '', passphrase: env.KH_API_PASSPHRASE ?? '',
                               version: env.KH_API_KEY_VERSION ?? '2' } : null;
if (!base || symbols.length === 0) {
  process.stderr.write('book_client: KH_REST_URL and KH_SYMBOLS must be set (run it with kucoin-harness run --client)\n');
  process.exit(2);
}
const REPORT_EVERY_MS = 50;
const RESET_DISTANCE = 10_000;  // a message this far behind the book: the feed restarted lower

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const event = (symbol, name, cause, detail) => out({ type: 'event', symbol, event: name, cause, detail });
const log = (message) => out({ type: 'log', message });

// REST, signed as KuCoin documents: sign = base64(HMAC-SHA256(secret, timestamp + method + path + body)).
function headers(method, path, body) {
  if (!key) return {};
  const ts = String(Date.now());
  const hmac = (text) => crypto.createHmac('sha256', key.secret).update(text).digest('base64');
  return {
    'KC-API-KEY': key.key,
    'KC-API-SIGN': hmac(ts + method + path + body),
    'KC-API-TIMESTAMP': ts,
    'KC-API-PASSPHRASE': key.version === '1' ? key.passphrase : hmac(key.passphrase),
    'KC-API-KEY-VERSION': key.version,
    'Content-Type': 'application/json',
  };
}
async function rest(method, path) {
  const res = await fetch(base + path, { method, headers: headers(method, path, ''), signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON`); }
  if (json.code !== '200000') throw new Error(`${method} ${path}: HTTP ${res.status}, code ${json.code} ${json.msg ?? ''}`);
  return json.data;
}

// One book per symbol.
class Book {
  constructor(symbol) { this.symbol = symbol; this.restart(); this.timer = null; this.lastReport = 0; }
  restart() {
    this.synced = false;
    this.sequence = 0;
    this.bids = new Map();
    this.asks = new Map();
    this.buffer = [];
    this.generation = (this.generation ?? 0) + 1;  // answers of an older snapshot request are dropped
    this.exactDepth = null;
  }
  resync(cause, detail) {
    event(this.symbol, 'resync', cause, detail);
    const kept = this.buffer;
    this.restart();
    this.buffer = kept;
    this.fetch();
  }
  async fetch(attempt = 0) {
    const generation = this.generation;
    try {
      const path = key ? `/api/v3/market/orderbook/level2?symbol=${this.symbol}`
                       : `/api/v1/market/orderbook/level2_100?symbol=${this.symbol}`;
      const snap = await rest('GET', path);
      if (generation !== this.generation) return;
      this.load(snap);
    } catch (e) {
      if (generation !== this.generation) return;
      event(this.symbol, 'snapshot_failed', undefined, String(e.message ?? e));
      setTimeout(() => { if (generation === this.generation) this.fetch(attempt + 1); }, Math.min(20 * 2 ** attempt, 500));
    }
  }
  load(snap) {
    this.sequence = Number(snap.sequence);
    for (const [p, s] of snap.bids) this.bids.set(p, s);
    for (const [p, s] of snap.asks) this.asks.set(p, s);
    this.exactDepth = key ? null : 100;
    this.synced = true;
    event(this.symbol, 'synced', undefined, `snapshot at ${this.sequence}`);
    const buffered = this.buffer;
    this.buffer = [];
    for (const m of buffered) {
      if (!this.synced) { this.buffer.push(m); continue; }  // a resync while replaying keeps the rest
      this.apply(m);
    }
    this.changed();
  }
  onMessage(m) {
    if (!this.synced) { this.buffer.push(m); return; }
    this.apply(m);
    this.changed();
  }
  apply(m) {
    const start = Number(m.sequenceStart), end = Number(m.sequenceEnd);
    if (!naive) {
      let cause;
      if (end < this.sequence - RESET_DISTANCE) cause = 'sequence_reset';
      else if (end <= this.sequence) return;  // already in the book (a duplicate, or older than the snapshot)
      else if (start > this.sequence + 1) cause = 'gap';
      if (cause) {
        this.resync(cause, `message ${start}-${end}, book at ${this.sequence}`);
        this.buffer.push(m);  // the message that showed the gap may follow the next snapshot
        return;
      }
    }
    for (const [side, book] of [['bids', this.bids], ['asks', this.asks]]) {
      for (const [price, size, seq] of m.changes[side] ?? []) {
        if (Number(seq) <= this.sequence || price === '0') continue;
        if (Number(size) === 0) book.delete(price); else book.set(price, size);
      }
    }
    if (end > this.sequence) this.sequence = end;
  }
  // Reports: at once when the last one is older than REPORT_EVERY_MS, else once that long after it.
  changed() {
    if (this.timer) return;
    const wait = Math.max(0, this.lastReport + REPORT_EVERY_MS - Date.now());
    this.timer = setTimeout(() => { this.timer = null; this.report(); }, wait);
  }
  report() {
    if (!this.synced) return;
    this.lastReport = Date.now();
    const side = (m, desc) => [...m.entries()].sort((a, b) => (desc ? -1 : 1) * (Number(a[0]) - Number(b[0])));
    out({ type: 'book', symbol: this.symbol, sequence: this.sequence, exact_depth: this.exactDepth,
          bids: side(this.bids, true), asks: side(this.asks, false) });
  }
}

const books = new Map(symbols.map((s) => [s, new Book(s)]));
let stopping = false;
let connection = 0;

async function connect() {
  if (stopping) return;
  const id = ++connection;
  let bullet;
  try {
    bullet = await rest('POST', key ? '/api/v1/bullet-private' : '/api/v1/bullet-public');
  } catch (e) {
    log(`bullet failed: ${e.message ?? e}`);
    return setTimeout(connect, 100);
  }
  const server = bullet.instanceServers[0];
  const ws = new WebSocket(`${server.endpoint}?token=${bullet.token}&connectId=c${id}`);
  let ping = null;
  // KuCoin greets every connection with a welcome frame; a connection without one is dead.
  const welcomeTimer = setTimeout(() => { log(`connection ${id}: no welcome within 1 s`); ws.terminate(); }, 1000);
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.type === 'welcome') {
      clearTimeout(welcomeTimer);
      ping = setInterval(() => ws.send(JSON.stringify({ id: String(Date.now()), type: 'ping' })), server.pingInterval);
      for (const b of books.values()) b.restart();
      ws.send(JSON.stringify({ id: `sub-${id}`, type: 'subscribe', topic: `/market/level2:${symbols.join(',')}`,
                               privateChannel: false, response: true }));
    } else if (msg.type === 'ack' && msg.id === `sub-${id}`) {
      for (const b of books.values()) b.fetch();  // once the stream runs: the snapshot lands in the buffer's span
    } else if (msg.type === 'message' && msg.subject === 'trade.l2update') {
      books.get(msg.data.symbol)?.onMessage(msg.data);
    } else if (msg.type === 'error') {
      log(`connection ${id}: error ${msg.code} ${msg.data}`);
    }
  });
  ws.on('error', (e) => log(`connection ${id}: ${e.message}`));
  ws.on('close', () => {
    clearTimeout(welcomeTimer);
    clearInterval(ping);
    if (stopping) return;
    for (const b of books.values()) event(b.symbol, 'resync', 'reconnect', `connection ${id} closed`);
    for (const b of books.values()) b.restart();
    setTimeout(connect, 50);
  });
}

function stop() {
  if (stopping) return;
  stopping = true;
  process.exit(0);
}
process.stdin.on('data', (d) => { if (String(d).includes('stop')) stop(); });
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
connect();
