// A push-service stand-in for Web Push tests, on 127.0.0.1 over HTTPS (web-push speaks only https; the
// certificate is made here with openssl and trusted by the test's https agent). It checks what a real
// push service checks, the VAPID header (RFC 8292: `Authorization: vapid t=<ES256 JWT>, k=<public key>`,
// the JWT signed by that key, `aud` the endpoint's origin, `exp` in the future and within 24 hours), and
// as the browser would it decrypts the aes128gcm body (RFC 8188 and RFC 8291) with the subscription's
// private key and auth secret, made here with node:crypto as a browser makes them.
import { execFileSync } from "node:child_process";
import { createECDH, createCipheriv, createDecipheriv, createHmac, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/** A browser's side of a subscription: the keys it gives the server, and the private key it keeps. */
export type BrowserSubscription = { endpoint: string; keys: { p256dh: string; auth: string }; ecdh: ECDH; authSecret: Buffer };

export type PushDelivery = {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** the JWT's claims once its signature checked out */
  claims: { aud: string; exp: number; sub: string };
  /** the VAPID public key the request was signed with (`k=`) */
  vapidKey: string;
  /** the decrypted payload */
  plaintext: string;
};

export type PushService = {
  /** a new subscription on this service, as PushManager.subscribe() would give a browser */
  subscribe: () => BrowserSubscription;
  deliveries: PushDelivery[];
  /** requests refused: what was wrong with each */
  rejected: string[];
  /** statuses to answer, in order, before answering 201 again */
  failNext: (...statuses: number[]) => void;
  /** the certificate (PEM) a client must trust */
  ca: string;
  close: () => Promise<void>;
};

const b64url = (b: Buffer) => b.toString("base64url");

function hmac(key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac("sha256", key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292 section 3); throws what is wrong. */
export function verifyVapid(header: string | undefined, origin: string, nowSeconds = Math.floor(Date.now() / 1000)): { claims: PushDelivery["claims"]; key: string } {
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) throw new Error(`not a vapid Authorization header: ${header}`);
  const [jwt, key] = [m[1], m[2]];
  const raw = Buffer.from(key, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: "jwk" });
  const [head, body, signature] = jwt.split(".");
  const header_ = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as { alg?: string; typ?: string };
  if (header_.alg !== "ES256") throw new Error(`the JWT's alg is ${header_.alg}, not ES256`);
  const ok = verify("sha256", Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!ok) throw new Error("the JWT's signature does not match k");
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as PushDelivery["claims"];
  if (claims.aud !== origin) throw new Error(`aud is ${claims.aud}, not ${origin}`);
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 60 * 60)) throw new Error(`exp ${claims.exp} is not within the next 24 hours`);
  if (!/^(https:|mailto:)/.test(claims.sub ?? "")) throw new Error(`sub ${claims.sub} is not an https: or mailto: contact`);
  return { claims, key };
}

/** Decrypts an aes128gcm push message (RFC 8291 section 3.4, RFC 8188 section 2) with the subscription's keys. */
export function decryptAes128gcm(body: Buffer, subscription: Pick<BrowserSubscription, "ecdh" | "authSecret">): string {
  // the RFC 8188 header: salt (16) | rs (uint32) | idlen (1) | keyid (the application server's public key)
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, not a P-256 public key`);
  if (record.length > rs) throw new Error("more than one record");
  const uaPublic = subscription.ecdh.getPublicKey();
  const ecdhSecret = subscription.ecdh.computeSecret(asPublic);
  // PRK_key = HMAC-SHA-256(auth_secret, ecdh_secret); IKM = HMAC-SHA-256(PRK_key, key_info || 0x01)
  const prkKey = hmac(subscription.authSecret, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]);
  const ikm = hmac(prkKey, keyInfo, Buffer.from([1]));
  // RFC 8188: PRK = HMAC-SHA-256(salt, IKM); CEK and NONCE expanded from it
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0"), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0"), Buffer.from([1])).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // the last record: data, the delimiter 0x02, then zero padding
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record padding delimiter (0x02)");
  return padded.subarray(0, end).toString("utf8");
}

/** For the stand-in's own test: encrypts as RFC 8291 says, so decryptAes128gcm is checked against a known answer too. */
export function encryptAes128gcmForTest(plaintext: string, subscription: Pick<BrowserSubscription, "ecdh" | "authSecret">): Buffer {
  const as = createECDH("prime256v1");
  as.generateKeys();
  const salt = randomBytes(16);
  const asPublic = as.getPublicKey();
  const prkKey = hmac(subscription.authSecret, as.computeSecret(subscription.ecdh.getPublicKey()));
  const ikm = hmac(prkKey, Buffer.from("WebPush: info\0"), subscription.ecdh.getPublicKey(), asPublic, Buffer.from([1]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0"), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0"), Buffer.from([1])).subarray(0, 12);
  const cipher = createCipheriv("aes-128-gcm", cek, nonce);
  const sealed = Buffer.concat([cipher.update(Buffer.concat([Buffer.from(plaintext), Buffer.from([2])])), cipher.final(), cipher.getAuthTag()]);
  const head = Buffer.alloc(21);
  salt.copy(head, 0);
  head.writeUInt32BE(4096, 16);
  head[20] = asPublic.length;
  return Buffer.concat([head, asPublic, sealed]);
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-service-"));
  try {
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      { stdio: "ignore" },
    );
    return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPushService(): Promise<PushService> {
  const { key, cert } = selfSignedCertificate();
  const subscriptions = new Map<string, BrowserSubscription>();
  const deliveries: PushDelivery[] = [];
  const rejected: string[] = [];
  const statuses: number[] = [];
  let origin = "";
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const subscription = subscriptions.get(req.url ?? "");
        if (!subscription || req.method !== "POST") throw new Error(`no subscription at ${req.method} ${req.url}`);
        if (req.headers["content-encoding"] !== "aes128gcm") throw new Error(`Content-Encoding is ${req.headers["content-encoding"]}`);
        if (!/^\d+$/.test(String(req.headers.ttl))) throw new Error("no TTL header");
        const { claims, key: vapidKey } = verifyVapid(req.headers.authorization, origin);
        const plaintext = decryptAes128gcm(Buffer.concat(chunks), subscription);
        const status = statuses.shift() ?? 201;
        if (status === 201) deliveries.push({ path: req.url ?? "", headers: req.headers, claims, vapidKey, plaintext });
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 201 ? "" : "refused");
      } catch (error) {
        rejected.push((error as Error).message);
        res.writeHead(400, { "content-type": "text/plain" }).end((error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    subscribe: () => {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const pathname = `/push/${randomBytes(12).toString("hex")}`;
      const subscription = { endpoint: `${origin}${pathname}`, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(authSecret) }, ecdh, authSecret };
      subscriptions.set(pathname, subscription);
      return subscription;
    },
    deliveries,
    rejected,
    failNext: (...s) => statuses.push(...s),
    ca: cert,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
