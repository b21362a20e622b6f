// The part of web-push 3.6.7 (which ships no types) that lib/notify uses.
declare module "web-push" {
  import type { Agent } from "node:https";

  export type PushSubscription = { endpoint: string; keys: { p256dh: string; auth: string } };
  export type VapidDetails = { subject: string; publicKey: string; privateKey: string };
  export type RequestOptions = {
    vapidDetails?: VapidDetails;
    TTL?: number;
    contentEncoding?: "aes128gcm" | "aesgcm";
    urgency?: "very-low" | "low" | "normal" | "high";
    topic?: string;
    timeout?: number;
    agent?: Agent;
    headers?: Record<string, string>;
  };
  export type SendResult = { statusCode: number; body: string; headers: Record<string, string | string[]> };

  export class WebPushError extends Error {
    statusCode: number;
    headers: Record<string, string | string[]>;
    body: string;
    endpoint: string;
  }

  export function generateVAPIDKeys(): { publicKey: string; privateKey: string };
  export function sendNotification(subscription: PushSubscription, payload?: string | Buffer | null, options?: RequestOptions): Promise<SendResult>;

  const webpush: { WebPushError: typeof WebPushError; generateVAPIDKeys: typeof generateVAPIDKeys; sendNotification: typeof sendNotification };
  export default webpush;
}
