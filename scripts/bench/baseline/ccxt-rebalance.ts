/**
 * The bench's baseline, never shipped: the rebalance function written the ordinary way, with ccxt
 * for the exchange and the same Firestore and auth stack as ours (@google-cloud/firestore,
 * google-auth-library), so its size and cold start carry what a user of that stack pays.
 * - auth: the Bearer ID token verified with google-auth-library against the certs at OIDC_CERTS_URL
 *   (fetched once, kept), audience OIDC_AUDIENCE, email in OIDC_ALLOWED_EMAILS;
 * - ledger: the same three Firestore round trips per run as ours: read the run and the account
 *   (one batchGet), claim the run (one create), record the result (one batch commit);
 * - exchange: the same calls (rules, balances, book, depth, open orders), then one IOC order when a
 *   50/50 QRL/USDT portfolio is more than 5 points off; no read-back, no guards.
 * scripts/bench bundles it with the product's esbuild settings (minified, no lazy loading: the
 * ordinary way). The named ccxt import lets esbuild drop ccxt's other exchanges.
 * Environment: MEXC_BASE_URL, MEXC_API_KEY, MEXC_API_SECRET, OIDC_CERTS_URL, OIDC_AUDIENCE,
 * OIDC_ALLOWED_EMAILS, GOOGLE_CLOUD_PROJECT, FIRESTORE_EMULATOR_HOST (honoured by the client).
 */
import { createHash } from 'node:crypto';
import { FieldValue, Firestore } from '@google-cloud/firestore';
import * as ff from '@google-cloud/functions-framework';
import { mexc as Mexc } from 'ccxt';
import { OAuth2Client } from 'google-auth-library';

let exchange: Mexc | undefined;
let db: Firestore | undefined;
let oauth: OAuth2Client | undefined;
let certs: Promise<Record<string, string>> | undefined;

function client(): Mexc {
  const url = process.env.MEXC_BASE_URL ?? 'https://api.mexc.com';
  const mexc = new Mexc({
    apiKey: process.env.MEXC_API_KEY,
    secret: process.env.MEXC_API_SECRET,
    enableRateLimit: false,
  });
  const api = mexc.urls.api as Record<string, Record<string, string>>;
  api.spot = { public: url, private: url };
  api.contract = { public: `${url}/api/v1/contract`, private: `${url}/api/v1/private` };
  return mexc;
}

async function verifiedEmail(header: string | undefined): Promise<string | null> {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
  if (!token) return null;
  certs ??= fetch(process.env.OIDC_CERTS_URL ?? 'https://www.googleapis.com/oauth2/v1/certs').then(
    (r) => r.json() as Promise<Record<string, string>>,
  );
  oauth ??= new OAuth2Client();
  try {
    const ticket = await oauth.verifySignedJwtWithCertsAsync(token, await certs, process.env.OIDC_AUDIENCE, [
      'https://accounts.google.com',
      'accounts.google.com',
    ]);
    const email = ticket.getPayload()?.email ?? '';
    return (process.env.OIDC_ALLOWED_EMAILS ?? '').split(',').includes(email) ? email : null;
  } catch {
    return null;
  }
}

ff.http('rebalance', async (req, res) => {
  const email = await verifiedEmail(req.get('authorization'));
  if (!email) {
    res.status(401).json({ error: 'unauthenticated' });
    return;
  }
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as {
    dryRun?: unknown;
    executionId?: unknown;
  };
  const executionId = typeof body.executionId === 'string' ? body.executionId : `manual-${Date.now()}`;
  db ??= new Firestore({ projectId: process.env.GOOGLE_CLOUD_PROJECT });
  const accountId = `key-${createHash('sha256')
    .update(process.env.MEXC_API_KEY ?? '')
    .digest('hex')
    .slice(0, 16)}`;
  // its own collections, so it never touches the product's documents in the shared emulator
  const runRef = db.collection('baselineRuns').doc(executionId);
  const accountRef = db.collection('baselineAccounts').doc(accountId);
  const [run] = await db.getAll(runRef, accountRef);
  if (run?.exists) {
    res.status(200).json({ status: 'completed', duplicate: true, ...run.data() });
    return;
  }
  await runRef.create({ status: 'running', caller: email, startedAt: FieldValue.serverTimestamp() });

  exchange ??= client();
  const symbol = 'QRL/USDT';
  await exchange.loadMarkets();
  const [balance, book, , open] = await Promise.all([
    exchange.fetchBalance(),
    exchange.fetchTicker(symbol),
    exchange.fetchOrderBook(symbol, 20),
    exchange.fetchOpenOrders(symbol),
  ]);
  const qrl = Number(balance.QRL?.total ?? 0);
  const usdt = Number(balance.USDT?.total ?? 0);
  const bid = book.bid ?? 0;
  const ask = book.ask ?? 0;
  const mid = (bid + ask) / 2;
  const total = qrl * mid + usdt;
  const drift = total > 0 ? (qrl * mid) / total - 0.5 : 0;
  let order: { id?: string; status?: string; filled?: number } | null = null;
  if (Math.abs(drift) > 0.05 && body.dryRun !== true) {
    const side = drift > 0 ? 'sell' : 'buy';
    const amount = Number(exchange.amountToPrecision(symbol, (Math.abs(drift) * total) / mid));
    const price = Number(exchange.priceToPrecision(symbol, side === 'buy' ? ask * 1.005 : bid * 0.995));
    order = await exchange.createOrder(symbol, 'limit', side, amount, price, { timeInForce: 'IOC' });
  }
  const result = {
    status: 'completed',
    drift,
    openOrders: open.length,
    order: order ? { id: order.id ?? null, status: order.status ?? null, filled: order.filled ?? null } : null,
  };
  const batch = db.batch();
  batch.set(runRef, { ...result, finishedAt: FieldValue.serverTimestamp() }, { merge: true });
  if (order) batch.set(accountRef, { lastRebalanceAt: FieldValue.serverTimestamp() }, { merge: true });
  await batch.commit();
  res.status(200).json(result);
});
