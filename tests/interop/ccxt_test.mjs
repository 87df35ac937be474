// ccxt 4.5 (its kucoin exchange) against the mock, unmodified: only its base URLs point at the
// mock; the WebSocket URL comes from the bullet answer. Run by with_mock.sh (ctest: interop).
import assert from 'node:assert/strict';
import ccxt from 'ccxt';

const url = process.env.MOCK_URL;
const urls = { api: {} };
for (const k of ['public', 'private', 'futuresPublic', 'futuresPrivate', 'uta', 'utaPrivate', 'utaV2', 'earn', 'broker', 'webExchange']) {
  urls.api[k] = url;
}
const signed = new ccxt.pro.kucoin({ apiKey: process.env.MOCK_KEY, secret: process.env.MOCK_SECRET,
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
  // Exact: catch ccxt's book at the sequence of a full REST snapshot of the mock's truth (the
  // snapshot is a little ahead of what the socket delivered; ccxt's book passes through it).
  for (const s of symbols) {
    let truth = await signed.fetchOrderBook(s);
    let matched = false;
    for (let tries = 0; tries < 400 && !matched; ++tries) {
      const b = await signed.watchOrderBook(s);
      const bids = Array.from(b.bids, (l) => [l[0], l[1]]), asks = Array.from(b.asks, (l) => [l[0], l[1]]), nonce = b.nonce;
      if (nonce === truth.nonce) {
        assert.deepEqual(bids, truth.bids, `${s} bids at ${nonce}`);
        assert.deepEqual(asks, truth.asks, `${s} asks at ${nonce}`);
        matched = true;
      } else if (nonce > truth.nonce) {
        truth = await signed.fetchOrderBook(s);  // passed it between two reads: take a newer one
      }
    }
    assert.ok(matched, `${s}: never caught ccxt's book at the snapshot's sequence`);
  }
});
await step('fetchTrades (consistent with the book: trades at prices of levels hit)', async () => {
  const trades = await signed.fetchTrades('BTC/USDT');
  assert.ok(trades.length > 0);
  for (const t of trades) assert.ok(t.price > 0 && t.amount > 0 && (t.side === 'buy' || t.side === 'sell'));
});
await signed.close();
await unsigned.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('ccxt: every step passed');
process.exit(0);
