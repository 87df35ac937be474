// ccxt 4.5 (its kucoin exchange, ccxt pro's watchOrderBook) as a client under test of the
// scenario runner, unmodified: `kucoin-harness run --tls --client "node tests/interop/ccxt_adapter.mjs"`.
// Only its base URLs point at the mock (the WebSocket URL comes from the bullet answer); ccxt
// refuses a plain ws:// endpoint, so the runner must use --tls (it sets NODE_EXTRA_CA_CERTS).
// Each symbol's book is ccxt's own, read after each watchOrderBook and reported with its nonce
// (the sequence ccxt applied up to).
import { environment, event, log, onStop, reporter } from './report.mjs';  // first: console to stderr
import ccxt from 'ccxt';

const { url, symbols, key } = environment();
const urls = { api: {} };
for (const k of ['public', 'private', 'futuresPublic', 'futuresPrivate', 'uta', 'utaPrivate', 'utaV2', 'earn', 'broker', 'webExchange']) {
  urls.api[k] = url;
}
const exchange = new ccxt.pro.kucoin({ urls, ...(key ? { apiKey: key.key, secret: key.secret, password: key.passphrase } : {}) });
let stopping = false;
onStop(() => { stopping = true; process.exit(0); });

const books = new Map();
const changed = reporter((symbol) => books.get(symbol));
const unified = (s) => s.replace('-', '/');

async function watch(symbol) {
  let failures = 0;
  while (!stopping) {
    try {
      const b = await exchange.watchOrderBook(unified(symbol));
      if (b.nonce === undefined) continue;
      books.set(symbol, { sequence: b.nonce, exact_depth: key ? null : 100,
                          bids: Array.from(b.bids, (l) => [l[0], l[1]]), asks: Array.from(b.asks, (l) => [l[0], l[1]]) });
      changed(symbol);
      failures = 0;
    } catch (e) {
      event(symbol, 'error', e.constructor?.name, String(e.message ?? e).slice(0, 300));
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** failures++, 1000)));
    }
  }
}

try {
  await exchange.loadMarkets();
} catch (e) {
  log(`loadMarkets failed: ${String(e.message ?? e).slice(0, 300)}`);
  process.exit(1);
}
for (const s of symbols) watch(s);
