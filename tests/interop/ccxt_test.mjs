// ccxt 4.5 (its kucoin exchange) against the mock, unmodified: only its base URLs point at the
// mock; the WebSocket URL comes from the bullet answer. Run by with_mock.sh (ctest: interop).
import assert from 'node:assert/strict';
import ccxt from 'ccxt';

const url = process.env.MOCK_URL;
const urls = { api: {} };
for (const k of ['public', 'private', 'futuresPublic', 'futuresPrivate', 'uta', 'utaPrivate', 'utaV2', 'earn', 'broker', 'webExchange']) {
  urls.api[k] = url;
}
// ccxt resolves watchOrderBook once per event-loop turn, so a reader that awaits it sees only the
// last of the messages handled in one turn (a busy machine delivers several per read). To compare
// ccxt's book at one exact sequence, keep a copy of it after every message ccxt applies, and the
// changes each level2 message carried (to check trades against the levels they hit): observed
// only, ccxt's own handling runs unchanged.
class ObservedKucoin extends ccxt.pro.kucoin {
  handleOrderBook(client, message) {
    super.handleOrderBook(client, message);
    const data = message && message.data;
    if (data && data.changes && data.sequenceEnd !== undefined) {
      this.level2 ??= {};
      const messages = (this.level2[data.symbol] ??= []);
      messages.push({ start: Number(data.sequenceStart), end: Number(data.sequenceEnd), changes: data.changes });
      if (messages.length > 5000) messages.shift();
    }
    const book = data && this.orderbooks[this.safeSymbol(data.symbol, undefined, '-')];
    if (book === undefined || book.nonce === undefined) return;
    this.seen ??= {};
    const states = (this.seen[book.symbol] ??= new Map());
    if (states.has(book.nonce)) return;
    states.set(book.nonce, { bids: Array.from(book.bids, (l) => [l[0], l[1]]),
                             asks: Array.from(book.asks, (l) => [l[0], l[1]]) });
    if (states.size > 2000) states.delete(states.keys().next().value);  // oldest first
  }
}
const signed = new ObservedKucoin({ apiKey: process.env.MOCK_KEY, secret: process.env.MOCK_SECRET,
                                    password: process.env.MOCK_PASSPHRASE, urls });
const unsigned = new ccxt.pro.kucoin({ urls });
const failures = [];
async function step(name, f) {
  try {
    await f();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`);
  }
}
const sortedDesc = (levels) => levels.every((l, i) => i === 0 || levels[i - 1][0] > l[0]);
const sortedAsc = (levels) => levels.every((l, i) => i === 0 || levels[i - 1][0] < l[0]);

await step('loadMarkets (signed: currencies, allTickers, margin, hf, account mode)', async () => {
  const markets = await signed.loadMarkets();
  assert.ok(markets['BTC/USDT'] && markets['ETH/USDT'], Object.keys(markets).join(','));
  assert.equal(markets['BTC/USDT'].precision.price, 0.1);
  assert.equal(markets['BTC/USDT'].taker, 0.001);  // the fee from allTickers
  await unsigned.loadMarkets();
});
await step('fetchTime', async () => {
  const t = await signed.fetchTime();
  assert.ok(Math.abs(t - Date.now()) < 60_000, String(t));
});
await step('fetchOrderBook public (level2_100) and signed (full v3)', async () => {
  const pub = await unsigned.fetchOrderBook('BTC/USDT');
  assert.ok(pub.bids.length > 0 && pub.bids.length <= 100, String(pub.bids.length));
  const full = await signed.fetchOrderBook('BTC/USDT');
  assert.ok(full.bids.length > 100, String(full.bids.length));
  for (const b of [pub, full]) {
    assert.ok(sortedDesc(b.bids) && sortedAsc(b.asks));
    assert.ok(b.bids[0][0] < b.asks[0][0]);
    assert.ok(b.nonce > 0);
  }
});
await step('fetchBalance (account mode, hf flag, accounts)', async () => {
  const bal = await signed.fetchBalance();
  assert.equal(bal.USDT.total, 10000.5);
  assert.equal(bal.BTC.free, 1.25);
});
await step('fetchTicker', async () => {
  const t = await signed.fetchTicker('BTC/USDT');
  assert.ok(t.bid > 0 && t.ask > t.bid, JSON.stringify(t).slice(0, 300));
});
await step('watchOrderBook of two symbols: sorted, never crossed, exact against the mock at the end', async () => {
  const symbols = ['BTC/USDT', 'ETH/USDT'];
  const books = {};
  for (let i = 0; i < 20; ++i) {
    for (const s of symbols) {
      const b = await signed.watchOrderBook(s);
      assert.ok(sortedDesc(b.bids) && sortedAsc(b.asks), s);
      assert.ok(b.bids[0][0] < b.asks[0][0], `${s} crossed`);
      if (books[s] !== undefined) assert.ok(b.nonce >= books[s], `${s} nonce went back`);
      books[s] = b.nonce;
    }
  }
  // Exact: ccxt's book at the sequence of a full REST snapshot of the mock's truth (the snapshot
  // is a little ahead of what the socket delivered; ccxt's book passes through it).
  for (const s of symbols) {
    const truth = await signed.fetchOrderBook(s);
    let b = await signed.watchOrderBook(s);
    for (let tries = 0; tries < 2000 && b.nonce < truth.nonce; ++tries) b = await signed.watchOrderBook(s);
    assert.ok(b.nonce >= truth.nonce, `${s}: ccxt's book stayed at ${b.nonce}, before the snapshot's ${truth.nonce}`);
    const at = signed.seen[s].get(truth.nonce);
    assert.ok(at !== undefined, `${s}: ccxt's book never was at the snapshot's sequence ${truth.nonce} ` +
              `(sequences seen: ${Array.from(signed.seen[s].keys()).slice(-8).join(',')})`);
    assert.deepEqual(at.bids, truth.bids, `${s} bids at ${truth.nonce}`);
    assert.deepEqual(at.asks, truth.asks, `${s} asks at ${truth.nonce}`);
  }
});
await step('fetchTrades (consistent with the book: trades at prices of levels hit)', async () => {
  const trades = await signed.fetchTrades('BTC/USDT');
  assert.ok(trades.length > 0);
  for (const t of trades) assert.ok(t.price > 0 && t.amount > 0 && (t.side === 'buy' || t.side === 'sell'));
});
// The tickers ride on the connection of the book above (ccxt keeps one public connection), so the
// book ccxt held at a ticker's sequence is at hand.
await step('watchTicker via /market/ticker: best bid and ask of ccxt\'s own book at the ticker\'s sequence', async () => {
  for (let i = 0; i < 5; ++i) {
    const t = await signed.watchTicker('BTC/USDT', { spotMethod: '/market/ticker' });
    const seq = Number(t.info.sequence);
    let b = await signed.watchOrderBook('BTC/USDT');
    for (let tries = 0; tries < 200 && b.nonce < seq; ++tries) b = await signed.watchOrderBook('BTC/USDT');
    const at = signed.seen['BTC/USDT'].get(seq);
    assert.ok(at !== undefined, `ccxt's book never was at the ticker's sequence ${seq}`);
    assert.deepEqual([t.bid, t.bidVolume, t.ask, t.askVolume], [...at.bids[0], ...at.asks[0]], `ticker at ${seq}`);
    assert.ok(t.last > 0 && Number.isInteger(t.timestamp), JSON.stringify(t.info));
  }
});
await step('watchTicker (ccxt\'s default /market/snapshot, every 2 s): a best bid and ask ccxt\'s book had', async () => {
  for (let i = 0; i < 2; ++i) {
    const t = await signed.watchTicker('ETH/USDT');
    assert.equal(t.symbol, 'ETH/USDT');
    assert.ok(t.last > 0 && t.baseVolume >= 0, JSON.stringify(t.info));
    // The snapshot has no sequence in what ccxt keeps: find a state of ccxt's book with that top.
    let found = false;
    for (let tries = 0; tries < 200 && !found; ++tries) {
      for (const st of signed.seen['ETH/USDT'].values()) {
        if (st.bids[0][0] === t.bid && st.asks[0][0] === t.ask) found = true;
      }
      if (!found) await signed.watchOrderBook('ETH/USDT');
    }
    assert.ok(found, `no state of ccxt's ETH/USDT book had bid ${t.bid} and ask ${t.ask}`);
  }
});
await step('watchTrades: every trade once, in order, each taking size from the level it hit in ccxt\'s stream', async () => {
  const got = [];
  for (let tries = 0; tries < 200 && got.length < 10; ++tries) got.push(...await signed.watchTrades('BTC/USDT'));
  assert.ok(got.length >= 10, String(got.length));
  const messages = signed.level2['BTC-USDT'];
  for (let i = 0; i < got.length; ++i) {
    const t = got[i];
    const seq = Number(t.info.sequence);
    if (i > 0) assert.ok(seq > Number(got[i - 1].info.sequence), 'in order');
    assert.ok(t.amount > 0 && typeof t.info.time === 'string' && t.info.time.length === 19, JSON.stringify(t.info));
    // The level2 message with the trade's sequence changed that price on the side it hit.
    let m = messages.find((x) => x.start <= seq && seq <= x.end);
    for (let tries = 0; tries < 200 && m === undefined; ++tries) {
      await signed.watchOrderBook('BTC/USDT');
      m = messages.find((x) => x.start <= seq && seq <= x.end);
    }
    assert.ok(m !== undefined, `no level2 message with sequence ${seq}`);
    const side = t.side === 'buy' ? m.changes.asks : m.changes.bids;
    assert.ok(side.some((c) => Number(c[0]) === t.price && Number(c[2]) >= seq),
              `trade ${JSON.stringify(t.info)} vs ${JSON.stringify(m)}`);
  }
  // None left out: the mock's own trade history between the first and the last one watched.
  const history = await signed.fetchTrades('BTC/USDT');
  const first = Number(got[0].info.sequence), last = Number(got[got.length - 1].info.sequence);
  const watched = new Set(got.map((t) => Number(t.info.sequence)));
  const between = history.filter((h) => Number(h.info.sequence) >= first && Number(h.info.sequence) <= last);
  assert.ok(between.length > 0);
  for (const h of between) {
    assert.ok(watched.has(Number(h.info.sequence)), `trade ${h.info.sequence} of the history was not watched`);
    const w = got.find((t) => Number(t.info.sequence) === Number(h.info.sequence));
    assert.deepEqual([w.price, w.amount, w.side], [h.price, h.amount, h.side]);
  }
});
await signed.close();
await unsigned.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('ccxt: every step passed');
process.exit(0);
