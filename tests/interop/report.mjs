// Shared by the adapters: the scenario runner's external-client protocol (clients/README.md).
// Books and events as JSON lines on stdout, a throttle per symbol, numbers as exact decimal strings,
// and the stop signal ("stop" or the end of stdin, SIGTERM).

import fs from 'node:fs';

// stdout carries the protocol only: whatever else a library writes there (the SDK logs its version
// and its worker thread with console.info) goes to stderr; the protocol's lines go to file
// descriptor 1 directly. Import this module before the library.
for (const level of ['log', 'info', 'warn', 'debug', 'trace']) console[level] = console.error;
process.stdout.write = process.stderr.write.bind(process.stderr);

export function out(obj) {
  const bytes = Buffer.from(JSON.stringify(obj) + '\n');
  for (let at = 0; at < bytes.length;) {
    try {
      at += fs.writeSync(1, bytes, at);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;  // a full pipe (Node makes it non-blocking): wait for the reader
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
export const event = (symbol, name, cause, detail) => out({ type: 'event', symbol, event: name, cause, detail });
export const log = (message) => out({ type: 'log', message });

// A JavaScript number (as ccxt keeps prices and sizes) as a plain decimal string: String() gives
// the shortest text that reads back to the same double (the exchange's own text for up to 15
// significant digits); exponent forms ("1e-7", "1.5e+21") are spelled out.
export function plain(n) {
  if (typeof n === 'string') return n;
  const s = String(n);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[1] + (m[2] ?? '');
  const exp = Number(m[3]);
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
  return exp >= digits.length - 1 ? digits + '0'.repeat(exp - digits.length + 1)
                                  : digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

// Reports `get(symbol)` ({sequence, bids, asks, exact_depth}) at most every `ms` per symbol,
// and once more after the last call to changed(symbol).
export function reporter(get, ms = 50) {
  const timers = new Map();
  const last = new Map();
  const report = (symbol) => {
    timers.delete(symbol);
    const b = get(symbol);
    if (!b) return;
    last.set(symbol, Date.now());
    out({ type: 'book', symbol, sequence: b.sequence, exact_depth: b.exact_depth ?? null,
          bids: b.bids.map(([p, s]) => [plain(p), plain(s)]), asks: b.asks.map(([p, s]) => [plain(p), plain(s)]) });
  };
  return (symbol) => {
    if (timers.has(symbol)) return;
    const wait = Math.max(0, (last.get(symbol) ?? 0) + ms - Date.now());
    timers.set(symbol, setTimeout(() => report(symbol), wait));
  };
}

export function onStop(f) {
  let done = false;
  const stop = () => { if (!done) { done = true; f(); } };
  process.stdin.on('data', (d) => { if (String(d).includes('stop')) stop(); });
  process.stdin.on('end', stop);
  process.on('SIGTERM', stop);
}

export function environment() {
  const env = process.env;
  const symbols = (env.KH_SYMBOLS ?? '').split(',').filter(Boolean);
  if (!env.KH_REST_URL || symbols.length === 0) {
    process.stderr.write('adapter: KH_REST_URL and KH_SYMBOLS must be set (run it with kucoin-harness run --client)\n');
    process.exit(2);
  }
  const key = env.KH_API_KEY ? { key: env.KH_API_KEY, secret: env.KH_API_SECRET ?? '',
                                 passphrase: env.KH_API_PASSPHRASE ?? '' } : null;
  return { url: env.KH_REST_URL, symbols, key };
}
