// Public types. The normalized message has the shape of Amplify's
// InAppMessage, so that code written for aws-amplify/in-app-messaging reads
// the same; the wire types mirror Pinpoint's InAppMessageCampaign.

export type Layout = 'TOP_BANNER' | 'MIDDLE_BANNER' | 'BOTTOM_BANNER' | 'FULL_SCREEN' | 'MODAL' | 'CAROUSEL';
export type ButtonAction = 'LINK' | 'DEEP_LINK' | 'CLOSE';
export type TextAlign = 'left' | 'center' | 'right';

export interface InAppMessageButton {
  title: string;
  action: ButtonAction;
  url?: string;
  style: { backgroundColor?: string; borderRadius?: number; color?: string };
}

export interface InAppMessageText {
  content: string;
  style: { color?: string; textAlign?: TextAlign };
}

export interface InAppMessageContent {
  container?: { style: { backgroundColor?: string } };
  header?: InAppMessageText;
  body?: InAppMessageText;
  image?: { src: string };
  primaryButton?: InAppMessageButton;
  secondaryButton?: InAppMessageButton;
}

export interface InAppMessage {
  /** The campaign ID. */
  id: string;
  layout: Layout;
  /** One card, or up to five for CAROUSEL. */
  content: InAppMessageContent[];
  metadata: {
    /** The campaign's CustomConfig, for the app. */
    customData?: Record<string, string>;
    endDate?: string;
    priority?: number;
    treatmentId?: string;
  };
}

export interface InAppEvent {
  name: string;
  attributes?: Record<string, string>;
  metrics?: Record<string, number>;
}

/** Which button of which card was used. */
export interface ButtonClick {
  button: 'primary' | 'secondary';
  /** The card's index (0 unless CAROUSEL). */
  card: number;
  action: ButtonAction;
  url?: string;
}

export type ConflictHandler = (messages: InAppMessage[]) => InAppMessage;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What a renderer is given besides the message. */
export interface RenderContext {
  /** Call once the message is visible: counts toward caps, records _inapp.message_displayed. */
  displayed(): void;
  /** Call when the user closed the message (close button, ESC, backdrop). */
  dismissed(): void;
  /** Call when a button was used; the SDK records it, runs the action and closes the message. */
  clicked(click: ButtonClick): void;
}

/**
 * Shows a message. It returns a function that removes what it showed; the
 * SDK calls it after dismissed() or clicked(), or when the message must go.
 */
export type Renderer = (message: InAppMessage, ctx: RenderContext) => (() => void) | void;

export interface UserProfile {
  email?: string;
  name?: string;
  plan?: string;
  customProperties?: Record<string, string[]>;
  demographic?: Record<string, string>;
  location?: Record<string, string | number>;
  metrics?: Record<string, number>;
}

export interface IdentifyUserInput {
  userId: string;
  userProfile?: UserProfile;
  options?: { address?: string; optOut?: 'ALL' | 'NONE'; userAttributes?: Record<string, string[]> };
}

export interface Config {
  /** inappd's base URL, e.g. https://inappd.example.com. */
  endpoint: string;
  /** The Pinpoint application (project) ID. */
  appId: string;
  /** An app-scoped client key (POST /inappd/v1/apps/{id}/keys). */
  credentials: Credentials;
  /** The SigV4 region (any; default us-east-1). */
  region?: string;
  /** The endpoint (device) ID; default: a random UUID kept in storage. */
  endpointId?: string;
  /** A session ends after this long without activity (ms, default 30 min). */
  sessionTimeout?: number;
  /** Sends buffered events at least this often (ms, default 5000). */
  flushInterval?: number;
  /** Events per PutEvents request (default 100, the Pinpoint limit). */
  batchSize?: number;
  /** Start sessions by themselves and re-sync messages when one starts (default true). */
  autoSession?: boolean;
  /** The default renderer, your own, or false to render nothing (headless). */
  renderer?: Renderer | false;
  /** Runs before the SDK's own handling of a LINK or DEEP_LINK button; return true to stop it. */
  onAction?: (click: ButtonClick, message: InAppMessage) => boolean | void;
  /** Where state is kept (default localStorage; memory when it is unavailable). */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** App version, sent with the endpoint. */
  appVersion?: string;
  /** For tests: the clock and the transport. */
  now?: () => number;
  fetch?: typeof fetch;
}

// ---- Wire (Pinpoint) ----

export interface AttributeDimension { AttributeType?: string; Values?: string[] }
export interface MetricDimension { ComparisonOperator?: string; Value?: number }
export interface EventDimensions {
  EventType?: { DimensionType?: string; Values?: string[] };
  Attributes?: Record<string, AttributeDimension>;
  Metrics?: Record<string, MetricDimension>;
}

export interface WireButtonConfig {
  BackgroundColor?: string;
  BorderRadius?: number;
  ButtonAction?: ButtonAction;
  Link?: string;
  Text?: string;
  TextColor?: string;
}

export interface WireContent {
  BackgroundColor?: string;
  BodyConfig?: { Alignment?: string; Body?: string; TextColor?: string };
  HeaderConfig?: { Alignment?: string; Header?: string; TextColor?: string };
  ImageUrl?: string;
  PrimaryBtn?: { DefaultConfig?: WireButtonConfig; Web?: WireButtonConfig };
  SecondaryBtn?: { DefaultConfig?: WireButtonConfig; Web?: WireButtonConfig };
}

export interface Campaign {
  CampaignId: string;
  DailyCap?: number;
  SessionCap?: number;
  TotalCap?: number;
  Priority?: number;
  TreatmentId?: string;
  InAppMessage?: { Content?: WireContent[]; CustomConfig?: Record<string, string>; Layout?: string };
  Schedule?: {
    EndDate?: string;
    EventFilter?: { FilterType?: string; Dimensions?: EventDimensions };
    QuietTime?: { Start?: string; End?: string };
  };
}
