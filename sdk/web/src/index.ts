// inappd browser SDK: the API of aws-amplify/in-app-messaging, against
// inappd (or any Pinpoint-compatible server), with a default renderer.
//
//   import { init, syncMessages, dispatchEvent } from '@inappd/web';
//   init({ endpoint, appId, credentials: { accessKeyId, secretAccessKey } });
//   await syncMessages();
//   dispatchEvent({ name: 'add_to_cart' });

import { InAppClient, type Interaction, type Listener } from './client';
import { defaultRenderer } from './render/index';
import type { ButtonClick, Config, ConflictHandler, IdentifyUserInput, InAppEvent, InAppMessage, Renderer } from './types';

export { InAppClient, VERSION } from './client';
export type { InAppError, Interaction, Listener } from './client';
export { defaultRenderer } from './render/index';
// The SigV4 signer, for pages that call inappd's API themselves (the console).
export { sign as signRequest } from './sigv4';
export { matchesEvent, matchesAttribute, matchesMetric, isQuietTime, earliestEndDate, normalize } from './match';
export type * from './types';

let client: InAppClient | undefined;

/** A client of its own (several apps on one page); init() makes the shared one. */
export function createClient(config: Config): InAppClient {
  return new InAppClient({ ...config, renderer: config.renderer ?? defaultRenderer });
}

/** Configures the SDK (replacing any earlier client) and, with autoSession, starts or resumes the session. */
export function init(config: Config): InAppClient {
  client?.destroy();
  return (client = createClient(config));
}

function c(): InAppClient {
  if (!client) throw Object.assign(new Error('inappd: call init() first'), { name: 'NotInitialized' });
  return client;
}

/** The shared client (after init). */
export const getClient = () => c();
export const identifyUser = (input: IdentifyUserInput) => c().identifyUser(input);
export const syncMessages = () => c().syncMessages();
export const dispatchEvent = (event: InAppEvent) => c().dispatchEvent(event);
export const record = (event: InAppEvent) => c().record(event);
export const flushEvents = () => c().flush();
export const clearMessages = () => c().clearMessages();
export const setConflictHandler = (fn: ConflictHandler) => c().setConflictHandler(fn);
export const setRenderer = (r: Renderer | false) => c().setRenderer(r);
export const startSession = (): void => c().startSession();
export const stopSession = () => c().stopSession();
export const notifyMessageInteraction = (a: { type: Interaction; message: InAppMessage; click?: ButtonClick }) =>
  c().notifyMessageInteraction(a);

const listen = (type: Interaction) => (fn: Listener) => c().on(type, fn);
export const onMessageReceived = listen('messageReceived');
export const onMessageDisplayed = listen('messageDisplayed');
export const onMessageDismissed = listen('messageDismissed');
export const onMessageActionTaken = listen('messageActionTaken');
