// KuCoin's official universal SDK (kucoin-universal-sdk 1.3, Node.js) against the mock,
// unmodified: only its REST endpoints point at the mock; the WebSocket URL comes from the bullet
// answer, the SDK pings (every 500 ms here), subscribes with its own string ids. Run by with_mock.sh
// with sdk_mock.yaml (ctest: interop).
import assert from 'node:assert/strict';
import sdk from 'kucoin-universal-sdk';

const { ClientOptionBuilder, DefaultClient, TransportOptionBuilder, WebSocketClientOptionBuilder, Spot, Account } = sdk;
const url = process.env.MOCK_URL;
// The SDK's WebSocket events, counted (only pongs matter here: the mock's bullet answer asks for a
// ping every 500 ms in this run, see sdk_mock.yaml).
const wsEvents = {};
const wsOption = new WebSocketClientOptionBuilder()
  .withEventCallback((event) => { wsEvents[event] = (wsEvents[event] ?? 0) + 1; })
  .build();
const option = new ClientOptionBuilder()
  .setKey(process.env.MOCK_KEY)
  .setSecret(process.env.MOCK_SECRET)
  .setPassphrase(process.env.MOCK_PASSPHRASE)
  .setSpotEndpoint(url)
  .setFuturesEndpoint(url)
  .setBrokerEndpoint(url)
  .setTransportOption(new TransportOptionBuilder().setMaxRetries(0).build())
  .setWebSocketClientOption(wsOption)
  .build();
const client = new DefaultClient(option);
const market = client.restService().getSpotService().getMarketApi();
const account = client.restService().getAccountService().getAccountApi();

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
const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms))]);

await step('REST: server time, all symbols, one symbol', async () => {
  const t = await market.getServerTime();
  assert.ok(Math.abs(Number(t.data) - Date.now()) < 60_000, JSON.stringify(t.data));
  const all = await market.getAllSymbols(Spot.Market.GetAllSymbolsReq.create({}));
  assert.ok(all.data.some((s) => s.symbol === 'BTC-USDT'));
  const one = await market.getSymbol(Spot.Market.GetSymbolReq.create({ symbol: 'ETH-USDT' }));
  assert.equal(one.priceIncrement, '0.01');
});
await step('REST: ticker, all tickers, 24h stats, trade history', async () => {
  const t = await market.getTicker(Spot.Market.GetTickerReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(Number(t.bestBid) > 0 && Number(t.bestAsk) > Number(t.bestBid), JSON.stringify(t).slice(0, 200));
  const all = await market.getAllTickers();
  assert.equal(all.ticker.length, 2);
  const stats = await market.get24hrStats(Spot.Market.Get24hrStatsReq.create({ symbol: 'BTC-USDT' }));
  assert.equal(stats.symbol, 'BTC-USDT');
  const trades = await market.getTradeHistory(Spot.Market.GetTradeHistoryReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(Array.isArray(trades.data));
});
await step('REST: part order book (20, 100) and the signed full book', async () => {
  for (const size of ['20', '100']) {
    const b = await market.getPartOrderBook(Spot.Market.GetPartOrderBookReq.create({ symbol: 'BTC-USDT', size }));
    assert.equal(b.bids.length, Number(size));
    assert.ok(Number(b.bids[0][0]) < Number(b.asks[0][0]));
  }
  const full = await market.getFullOrderBook(Spot.Market.GetFullOrderBookReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(full.bids.length > 100 && Number(full.sequence) > 0);
});
await step('REST: accounts (signed; an unset filter goes out as "undefined"), user info, account type', async () => {
  const list = await account.getSpotAccountList(Account.Account.GetSpotAccountListReq.create({ currency: 'USDT' }));
  assert.ok(list.data.length >= 1 && list.data.every((a) => a.currency === 'USDT'), JSON.stringify(list.data));
  const info = await account.getAccountInfo();
  assert.equal(info.level, 0);
  const hf = await account.getSpotAccountType();
  assert.equal(hf.data, false);
});
await step('WebSocket: level2 increments of BTC-USDT arrive without a gap, under a string subscribe id', async () => {
  const ws = client.wsService().newSpotPublicWS();
  await ws.start();
  const got = [];
  let resolve;
  const done = new Promise((r) => (resolve = r));
  const id = await ws.orderbookIncrement(['BTC-USDT'], (topic, subject, data) => {
    got.push(data);
    if (got.length >= 30) resolve();
  });
  assert.ok(typeof id === 'string' && id.length > 0, String(id));
  await withTimeout(done, 15_000, 'level2 increments');
  for (let i = 1; i < got.length; ++i) {
    assert.equal(Number(got[i].sequenceStart), Number(got[i - 1].sequenceEnd) + 1, `message ${i}`);
  }
  assert.equal(got[0].symbol, 'BTC-USDT');
  await ws.unSubscribe(id);
  await ws.stop();
});
await step('WebSocket: ticker, match, level1 and symbol snapshot of BTC-USDT agree with its level2 increments; ' +
           'string subscribe ids; its pings get pongs', async () => {
  const ws = client.wsService().newSpotPublicWS();
  await ws.start();
  const pongsBefore = wsEvents.EventPongReceived ?? 0;
  const events = [];  // every callback, in arrival order (one connection: the mock's order)
  const count = (kind) => events.filter((e) => e.kind === kind).length;
  const record = (kind) => (topic, subject, data) => events.push({ kind, topic, data });
  const ids = [await ws.orderbookIncrement(['BTC-USDT'], record('l2'))];
  await withTimeout(new Promise((r) => { const t = setInterval(() => { if (count('l2') > 0) { clearInterval(t); r(); } }, 10); }),
                    15_000, 'the first increment');
  // The full book now: what the increments after it build on (KuCoin's sync rules).
  const snap = await market.getFullOrderBook(Spot.Market.GetFullOrderBookReq.create({ symbol: 'BTC-USDT' }));
  ids.push(await ws.ticker(['BTC-USDT'], record('ticker')), await ws.trade(['BTC-USDT'], record('match')),
           await ws.orderbookLevel1(['BTC-USDT'], record('level1')), await ws.symbolSnapshot('BTC-USDT', record('snapshot')));
  for (const id of ids) assert.ok(typeof id === 'string' && id.length > 0, String(id));
  const enough = () => count('ticker') >= 5 && count('match') >= 5 && count('level1') >= 5 && count('snapshot') >= 1 &&
                       (wsEvents.EventPongReceived ?? 0) - pongsBefore >= 2;
  await withTimeout(new Promise((r) => { const t = setInterval(() => { if (enough()) { clearInterval(t); r(); } }, 20); }),
                    20_000, `ticker ${count('ticker')}, match ${count('match')}, level1 ${count('level1')}, ` +
                            `snapshot ${count('snapshot')}, pongs ${(wsEvents.EventPongReceived ?? 0) - pongsBefore}`);
  for (const id of ids) await ws.unSubscribe(id);
  await ws.stop();

  // Replay: the book from the snapshot and the increments; every other frame against it.
  const bids = new Map(snap.bids.map(([p, q]) => [p, q]));
  const asks = new Map(snap.asks.map(([p, q]) => [p, q]));
  const best = (side, better) => {
    let top;
    for (const p of side.keys()) if (top === undefined || better(Number(p), Number(top))) top = p;
    return [top, side.get(top)];
  };
  const S0 = Number(snap.sequence);
  let last = 0;
  const increments = [];
  let checked = 0, lastMatch = 0;
  for (const e of events) {
    const d = e.data;
    if (e.kind === 'l2') {
      const end = Number(d.sequenceEnd);
      if (last !== 0) assert.equal(Number(d.sequenceStart), last + 1, 'increments without a gap');
      last = end;
      increments.push(d);
      if (end <= S0) continue;
      for (const [side, changes] of [[bids, d.changes.bids], [asks, d.changes.asks]]) {
        for (const [p, q, seq] of changes) {
          if (Number(seq) <= S0 || Number(p) === 0) continue;
          if (Number(q) === 0) side.delete(p); else side.set(p, q);
        }
      }
      continue;
    }
    if (last < S0) continue;  // before the book was whole
    const [bid, bidSize] = best(bids, (a, b) => a > b);
    const [ask, askSize] = best(asks, (a, b) => a < b);
    ++checked;
    if (e.kind === 'ticker') {
      assert.equal(Number(d.sequence), last, `the ticker carries the sequence the increments reached: ${JSON.stringify(d)}`);
      assert.deepEqual([d.bestBid, d.bestBidSize, d.bestAsk, d.bestAskSize].map(Number),
                       [bid, bidSize, ask, askSize].map(Number), JSON.stringify(d));
      assert.equal(typeof d.time, 'number');
    } else if (e.kind === 'level1') {
      assert.deepEqual([...d.bids, ...d.asks].map(Number), [bid, bidSize, ask, askSize].map(Number), JSON.stringify(d));
      assert.equal(typeof d.timestamp, 'number');
    } else if (e.kind === 'snapshot') {
      assert.equal(Number(d.sequence), last);
      assert.equal(d.data.buy, Number(bid));
      assert.equal(d.data.symbol, 'BTC-USDT');
    } else if (e.kind === 'match') {
      const seq = Number(d.sequence);
      assert.ok(seq > lastMatch && seq <= last, `in order, after the increment that shows it: ${JSON.stringify(d)}`);
      lastMatch = seq;
      for (const k of ['price', 'size', 'side', 'sequence', 'time', 'tradeId', 'makerOrderId', 'takerOrderId', 'type']) {
        assert.equal(typeof d[k], 'string', `${k} is a string`);
      }
      const inc = increments.find((x) => Number(x.sequenceStart) <= seq && seq <= Number(x.sequenceEnd));
      const side = d.side === 'buy' ? inc.changes.asks : inc.changes.bids;
      assert.ok(side.some(([p, , s]) => Number(p) === Number(d.price) && Number(s) >= seq),
                `the trade hit a level its increment changed: ${JSON.stringify(d)}`);
    }
  }
  assert.ok(checked >= 16, `only ${checked} frames came after the snapshot's sequence`);
});
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('kucoin-universal-sdk: every step passed');
process.exit(0);
