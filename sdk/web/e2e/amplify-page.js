// The real aws-amplify in-app messaging client, unchanged. Two things point
// it at inappd, as the notes on the Amplify client describe (§2.1, §2.4):
// a fetch wrapper that sends https://pinpoint.<region>.amazonaws.com to the
// inappd URL (Amplify has no endpoint option and still signs for the
// Pinpoint host, which inappd accepts), and a custom credentials provider
// holding an app client key.
import { Amplify } from 'aws-amplify';
import {
  dispatchEvent, identifyUser, initializeInAppMessaging, notifyMessageInteraction, onMessageReceived, syncMessages,
} from 'aws-amplify/in-app-messaging';

const cfg = JSON.parse(new URLSearchParams(location.search).get('cfg'));
const pinpointHost = `pinpoint.${cfg.region}.amazonaws.com`;
const realFetch = globalThis.fetch.bind(globalThis);
window.__requests = [];
globalThis.fetch = (input, init) => {
  const u = new URL(input instanceof Request ? input.url : String(input));
  if (u.hostname !== pinpointHost) return realFetch(input, init);
  window.__requests.push((init?.method || 'GET') + ' ' + u.pathname);
  return realFetch(new URL(u.pathname + u.search, cfg.endpoint), init);
};

Amplify.configure(
  { Notifications: { InAppMessaging: { Pinpoint: { appId: cfg.appId, region: cfg.region } } } },
  {
    Auth: {
      credentialsProvider: {
        getCredentialsAndIdentityId: async () => ({
          credentials: { accessKeyId: cfg.keyId, secretAccessKey: cfg.secret },
          identityId: 'amplify-identity-1',
        }),
        clearCredentialsAndIdentityId() {},
      },
    },
  },
);
initializeInAppMessaging();

window.__amp = { identifyUser, syncMessages, dispatchEvent, notifyMessageInteraction, received: [] };
onMessageReceived((m) => window.__amp.received.push(m));
window.__ready = true;
