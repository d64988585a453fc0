// walkthrough.mjs: the seed walk-through (reference seeds 000 and 002)
// through the real AWS SDK for JavaScript v3 Pinpoint client
// (@aws-sdk/client-pinpoint), pointed at inappd with `endpoint`.
//
//   cd test/jssdk && npm ci
//   INAPPD_URL=http://127.0.0.1:8080 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//     [INAPPD_STREAM_DIR=/srv/inappd-streams] node walkthrough.mjs
//
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are an inappd root key.
// INAPPD_STREAM_DIR is the server's --stream-dir: the event stream part
// puts a file:// stream under it and reads the records back; without it
// that part is skipped. Every check prints "ok: ..."; the first failure
// prints what was expected and what came back, and the script exits 1
// (later steps build on earlier ones). test/jssdk/jssdk_test.go runs it
// against a fresh server (go test ./test/jssdk -v).
//
// Node 20+, ES module, no build step. What is checked is what an app's
// code sees: the SDK's parsed output (numbers as numbers, the KPI range as
// Date objects) and its typed exceptions.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { randomUUID } from "node:crypto";

import {
  PinpointClient,
  PinpointServiceException,
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  CreateAppCommand,
  DeleteAppCommand,
  UpdateApplicationSettingsCommand,
  CreateInAppTemplateCommand,
  GetInAppTemplateCommand,
  DeleteInAppTemplateCommand,
  CreateSegmentCommand,
  UpdateEndpointCommand,
  CreateCampaignCommand,
  GetCampaignCommand,
  GetInAppMessagesCommand,
  PutEventsCommand,
  GetCampaignDateRangeKpiCommand,
  PutEventStreamCommand,
  GetEventStreamCommand,
  DeleteEventStreamCommand,
  GetAppCommand,
} from "@aws-sdk/client-pinpoint";

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`set ${name} (see the comment at the top of walkthrough.mjs)`);
    process.exit(2);
  }
  return v;
};

const BASE = env("INAPPD_URL").replace(/\/+$/, "");
const ROOT = { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") };
const STREAM_DIR = process.env.INAPPD_STREAM_DIR || "";
// inappd accepts any region; the client needs one to sign for.
const REGION = "us-east-1";
// Template names belong to the account: a suffix lets the script run twice
// against one server.
const RUN = randomUUID().slice(0, 8);
const SDK_VERSION = createRequire(import.meta.url)("@aws-sdk/client-pinpoint/package.json").version;

// One attempt per call: every error shows up exactly as the server sent it.
function client(credentials) {
  return new PinpointClient({ endpoint: BASE, region: REGION, credentials, maxAttempts: 1 });
}

// ------------------------------------------------------------ checking

let passed = 0;

class Failure extends Error {}

function show(v) {
  const s = JSON.stringify(v, (k, x) => (x instanceof Date ? `Date(${x.toISOString()})` : x));
  return s === undefined ? String(v) : s.length > 1500 ? s.slice(0, 1500) + "..." : s;
}

function ok(what) {
  passed++;
  console.log("ok:", what);
}

function fail(what, want, got) {
  throw new Failure(`${what}\n  expected: ${want}\n  got:      ${got}`);
}

function eq(what, want, got) {
  if (!isDeepStrictEqual(want, got)) fail(what, show(want), show(got));
  ok(what);
}

function check(what, cond, context) {
  if (!cond) fail(what, "true", context === undefined ? "false" : `false; context: ${show(context)}`);
  ok(what);
}

// expectError sends cmd and wants the SDK to throw its typed exception
// Type with this HTTP status. The server's own words reach the app as
// err.message (the SDK folds the model's Message member into it and drops
// Message), its request ID as $metadata.requestId and as err.RequestID
// (the model's member, from the body). Returns the exception.
async function expectError(what, c, cmd, Type, status) {
  let r;
  try {
    r = await c.send(cmd);
  } catch (e) {
    if (!(e instanceof Type)) {
      fail(what, `${Type.name} (an instance of the SDK's class)`, `${e?.constructor?.name} ${e?.name}: ${e?.message} ${show(e?.$metadata)}`);
    }
    const problems = [];
    if (!(e instanceof PinpointServiceException)) problems.push("not a PinpointServiceException");
    if (e.name !== Type.name) problems.push(`name ${e.name}`);
    if (e.$fault !== "client") problems.push(`$fault ${e.$fault}`);
    if (e.$metadata?.httpStatusCode !== status) problems.push(`$metadata.httpStatusCode ${e.$metadata?.httpStatusCode}`);
    if (!e.message || e.message === "UnknownError" || e.message === Type.name) problems.push(`message ${show(e.message)}`);
    if (!e.$metadata?.requestId) problems.push("no $metadata.requestId");
    if (e.RequestID !== e.$metadata?.requestId) problems.push(`RequestID ${show(e.RequestID)} != $metadata.requestId ${show(e.$metadata?.requestId)}`);
    if (problems.length) fail(what, `${Type.name} ${status} with the server's message and request ID`, problems.join("; "));
    ok(`${what} -> ${Type.name} ${status}: ${e.message}`);
    return e;
  }
  fail(what, `${Type.name} (${status})`, `success: ${show(r)}`);
}

// ------------------------------------------------------------ extension calls

// signedFetch calls one of inappd's own endpoints (/inappd/v1/...), which
// no Pinpoint client has, signed by the client's own SigV4 signer: the one
// it signs its commands with (its credentials, region and signing name
// "mobiletargeting"). Returns { status, headers, body }.
async function signedFetch(c, method, path, body) {
  const url = new URL(path, BASE + "/");
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { host: url.host };
  if (payload !== undefined) headers["content-type"] = "application/json";
  const signer = await c.config.signer();
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: payload,
  });
  // fetch sets Host itself, to the same url.host that was signed.
  const { host: _, ...send } = signed.headers;
  const resp = await fetch(url, { method, headers: send, body: payload });
  const text = await resp.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text, to show it
  }
  return { status: resp.status, headers: resp.headers, body: parsed };
}

// ------------------------------------------------------------ the seed data

const SEED_CONTENT = [
  {
    BackgroundColor: "#FFFFFF",
    BodyConfig: { Alignment: "CENTER", Body: "Welcome to our app! Check out these features to get started.", TextColor: "#333333" },
    HeaderConfig: { Alignment: "CENTER", Header: "Welcome!", TextColor: "#000000" },
    ImageUrl: "https://example.com/welcome-image.png",
    PrimaryBtn: {
      DefaultConfig: {
        BackgroundColor: "#4CAF50",
        BorderRadius: 8,
        ButtonAction: "DEEP_LINK",
        Link: "myapp://onboarding",
        Text: "Get Started",
        TextColor: "#FFFFFF",
      },
    },
    SecondaryBtn: {
      DefaultConfig: { BackgroundColor: "#CCCCCC", BorderRadius: 8, ButtonAction: "CLOSE", Text: "Maybe Later", TextColor: "#333333" },
    },
  },
];

function inappEvent(type, campaignId) {
  return {
    EventType: type,
    Timestamp: new Date().toISOString(),
    Attributes: { campaign_id: campaignId, treatment_id: "0", delivery_type: "IN_APP_MESSAGE" },
  };
}

// putEvents sends one endpoint's events and wants 202 for the request, the
// endpoint and every event.
async function putEvents(c, app, ep, events, what) {
  const r = await c.send(new PutEventsCommand({ ApplicationId: app, EventsRequest: { BatchItem: { [ep]: { Endpoint: {}, Events: events } } } }));
  const item = r.EventsResponse?.Results?.[ep];
  const got = {
    http: r.$metadata.httpStatusCode,
    endpoint: item?.EndpointItemResponse?.StatusCode,
    events: Object.fromEntries(Object.entries(item?.EventsItemResponse ?? {}).map(([id, v]) => [id, v.StatusCode])),
  };
  const want = { http: 202, endpoint: 202, events: Object.fromEntries(Object.keys(events).map((id) => [id, 202])) };
  eq(what, want, got);
  return r;
}

// readRecords waits (up to 15 s) until the stream file holds a record for
// each of the event IDs, and returns those records by event ID.
async function readRecords(file, ids) {
  const deadline = Date.now() + 15000;
  let found = {};
  for (;;) {
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
    found = {};
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      if (ids.includes(rec.event_id)) found[rec.event_id] = rec;
    }
    if (Object.keys(found).length === ids.length || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ------------------------------------------------------------ the walk-through

async function walkthrough() {
  const pp = client(ROOT);

  // CreateApp
  let r = await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: "shop", tags: { env: "test" } } }));
  const app = r.ApplicationResponse.Id;
  eq("CreateApp: 201, the name and tags", [201, "shop", { env: "test" }], [r.$metadata.httpStatusCode, r.ApplicationResponse.Name, r.ApplicationResponse.tags]);
  check("CreateApp: Arn arn:aws:mobiletargeting:...:apps/<id>, $metadata.requestId", r.ApplicationResponse.Arn?.startsWith("arn:aws:mobiletargeting:") && r.ApplicationResponse.Arn.endsWith(`:apps/${app}`) && !!r.$metadata.requestId, r);

  // UpdateApplicationSettings: the app's default caps, used where a
  // campaign sets none (here: Session).
  r = await pp.send(new UpdateApplicationSettingsCommand({ ApplicationId: app, WriteApplicationSettingsRequest: { Limits: { Daily: 4, Session: 1 } } }));
  eq("UpdateApplicationSettings Limits Daily 4 / Session 1: 200, echoed as numbers", [200, app, 4, 1], [r.$metadata.httpStatusCode, r.ApplicationSettingsResource?.ApplicationId, r.ApplicationSettingsResource?.Limits?.Daily, r.ApplicationSettingsResource?.Limits?.Session]);

  // The client key, through the extension endpoint, signed by the SDK's signer.
  const created = await signedFetch(pp, "POST", `/inappd/v1/apps/${app}/keys`, { Description: `js sdk ${RUN}` });
  check("POST /inappd/v1/apps/{id}/keys (signed with the client's SigV4 signer): 201, AccessKeyId, SecretAccessKey, ApplicationId", created.status === 201 && created.body?.AccessKeyId && created.body?.SecretAccessKey && created.body?.ApplicationId === app, created);
  const unsigned = await fetch(`${BASE}/inappd/v1/apps/${app}/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  eq("the same call unsigned: 403", 403, unsigned.status);
  const kc = client({ accessKeyId: created.body.AccessKeyId, secretAccessKey: created.body.SecretAccessKey });

  // CreateInAppTemplate + GetInAppTemplate
  const tname = `welcome-${RUN}`;
  r = await pp.send(new CreateInAppTemplateCommand({
    TemplateName: tname,
    InAppTemplateRequest: { Content: SEED_CONTENT, Layout: "MIDDLE_BANNER", CustomConfig: { screen: "home" }, TemplateDescription: "seed 000" },
  }));
  check("CreateInAppTemplate: 201, Arn .../templates/<name>/INAPP", r.$metadata.httpStatusCode === 201 && r.TemplateCreateMessageBody?.Arn?.endsWith(`:templates/${tname}/INAPP`), r);
  r = await pp.send(new GetInAppTemplateCommand({ TemplateName: tname }));
  const t = r.InAppTemplateResponse;
  eq("GetInAppTemplate: name, INAPP, Version \"1\" (a string), MIDDLE_BANNER, CustomConfig", [tname, "INAPP", "1", "MIDDLE_BANNER", { screen: "home" }, "seed 000"], [t.TemplateName, t.TemplateType, t.Version, t.Layout, t.CustomConfig, t.TemplateDescription]);
  eq("GetInAppTemplate: the content round-trips (BorderRadius a number)", SEED_CONTENT, t.Content);
  check("GetInAppTemplate: CreationDate and LastModifiedDate are ISO 8601 strings (the model's __string)", typeof t.CreationDate === "string" && !Number.isNaN(Date.parse(t.CreationDate)) && typeof t.LastModifiedDate === "string", t);

  // CreateSegment with dimensions
  r = await pp.send(new CreateSegmentCommand({
    ApplicationId: app,
    WriteSegmentRequest: {
      Name: "web pros",
      Dimensions: {
        Demographic: { Platform: { DimensionType: "INCLUSIVE", Values: ["web"] } },
        Attributes: { plan: { AttributeType: "INCLUSIVE", Values: ["pro"] } },
      },
    },
  }));
  const seg = r.SegmentResponse.Id;
  eq("CreateSegment (Demographic.Platform web, Attributes plan pro): 201, DIMENSIONAL, Version 1", [201, "DIMENSIONAL", 1, ["pro"]], [r.$metadata.httpStatusCode, r.SegmentResponse.SegmentType, r.SegmentResponse.Version, r.SegmentResponse.Dimensions?.Attributes?.plan?.Values]);

  // UpdateEndpoint with the client key
  r = await kc.send(new UpdateEndpointCommand({
    ApplicationId: app,
    EndpointId: "device-1",
    EndpointRequest: {
      ChannelType: "IN_APP",
      Demographic: { Platform: "web", Locale: "en_US" },
      Attributes: { plan: ["pro"] },
      User: { UserId: "user-1", UserAttributes: { CreatedDate: ["2026-02-10T08:00:00Z"] } },
    },
  }));
  check("UpdateEndpoint device-1 (client key): 202 with a MessageBody", r.$metadata.httpStatusCode === 202 && !!r.MessageBody?.Message, r);
  r = await kc.send(new UpdateEndpointCommand({ ApplicationId: app, EndpointId: "device-2", EndpointRequest: { ChannelType: "IN_APP", Demographic: { Platform: "ios" }, Attributes: { plan: ["pro"] } } }));
  eq("UpdateEndpoint device-2 (ios, outside the segment; client key): 202", 202, r.$metadata.httpStatusCode);

  // CreateCampaign from the template, with an event filter
  const end = new Date(Date.now() + 30 * 86400e3);
  end.setUTCMilliseconds(0);
  const endISO = end.toISOString().replace(".000Z", "Z");
  const filter = {
    FilterType: "ENDPOINT",
    Dimensions: {
      EventType: { DimensionType: "INCLUSIVE", Values: ["app_launch"] },
      Attributes: { screen: { AttributeType: "INCLUSIVE", Values: ["home"] } },
      Metrics: { cart_value: { ComparisonOperator: "GREATER_THAN", Value: 500 } },
    },
  };
  r = await pp.send(new CreateCampaignCommand({
    ApplicationId: app,
    WriteCampaignRequest: {
      Name: "Promo for web pros",
      SegmentId: seg,
      TemplateConfiguration: { InAppTemplate: { Name: tname } },
      Limits: { Daily: 2, Total: 3 },
      Priority: 1,
      Schedule: { StartTime: "IMMEDIATE", EndTime: endISO, Frequency: "IN_APP_EVENT", QuietTime: { Start: "22:00", End: "06:00" }, EventFilter: filter },
      tags: { team: "growth" },
    },
  }));
  const cid = r.CampaignResponse.Id;
  const c = r.CampaignResponse;
  eq("CreateCampaign (InAppTemplate, segment, Limits, Priority): 201", [201, seg, tname, 2, 3, 1, 1], [r.$metadata.httpStatusCode, c.SegmentId, c.TemplateConfiguration?.InAppTemplate?.Name, c.Limits?.Daily, c.Limits?.Total, c.Priority, c.Version]);
  r = await pp.send(new GetCampaignCommand({ ApplicationId: app, CampaignId: cid }));
  eq("GetCampaign: EXECUTING, the event filter as sent", ["EXECUTING", filter], [r.CampaignResponse.State?.CampaignStatus, r.CampaignResponse.Schedule?.EventFilter]);

  // GetInAppMessages with the client key
  r = await kc.send(new GetInAppMessagesCommand({ ApplicationId: app, EndpointId: "device-1" }));
  const msgs = r.InAppMessagesResponse?.InAppMessageCampaigns ?? [];
  eq("GetInAppMessages device-1 (client key): 200, the campaign", [200, [cid]], [r.$metadata.httpStatusCode, msgs.map((m) => m.CampaignId)]);
  const m = msgs[0];
  eq("... TreatmentId \"0\", Priority 1, DailyCap 2, TotalCap 3 (the campaign's), SessionCap 1 (the app's default), all numbers",
    ["0", 1, 2, 3, 1], [m.TreatmentId, m.Priority, m.DailyCap, m.TotalCap, m.SessionCap]);
  eq("... InAppMessage: the template's content, layout and custom config", { Content: SEED_CONTENT, Layout: "MIDDLE_BANNER", CustomConfig: { screen: "home" } }, m.InAppMessage);
  eq("... Schedule.EventFilter as configured (Metrics Value the number 500)", filter, m.Schedule?.EventFilter);
  eq("... Schedule.EndDate (a string in the model) and QuietTime", [endISO, { Start: "22:00", End: "06:00" }], [m.Schedule?.EndDate, m.Schedule?.QuietTime]);
  r = await kc.send(new GetInAppMessagesCommand({ ApplicationId: app, EndpointId: "device-2" }));
  eq("GetInAppMessages device-2 (ios, not in the segment): nothing", [], r.InAppMessagesResponse?.InAppMessageCampaigns ?? []);

  // The event stream, before the events, so that they land in it.
  let streamFile = "";
  if (STREAM_DIR) {
    streamFile = join(STREAM_DIR, `jssdk-${RUN}.jsonl`);
    const dest = `file://${streamFile}`;
    r = await pp.send(new PutEventStreamCommand({ ApplicationId: app, WriteEventStream: { DestinationStreamArn: dest, RoleArn: "arn:aws:iam::000000000000:role/unused" } }));
    const s = r.EventStream;
    eq("PutEventStream file:// under the stream dir: 200, the destination, the role, LastUpdatedBy the root key", [200, app, dest, "arn:aws:iam::000000000000:role/unused", ROOT.accessKeyId],
      [r.$metadata.httpStatusCode, s?.ApplicationId, s?.DestinationStreamArn, s?.RoleArn, s?.LastUpdatedBy]);
    r = await pp.send(new GetEventStreamCommand({ ApplicationId: app }));
    eq("GetEventStream: the same stream", [dest, ROOT.accessKeyId, s.LastModifiedDate], [r.EventStream?.DestinationStreamArn, r.EventStream?.LastUpdatedBy, r.EventStream?.LastModifiedDate]);
  } else {
    console.log("skip: PutEventStream/GetEventStream/DeleteEventStream (INAPPD_STREAM_DIR not set)");
  }

  // PutEvents with the client key: seed 002's displayed, and a click.
  const displayed = `${RUN}-displayed`;
  const clicked = `${RUN}-clicked`;
  await putEvents(kc, app, "device-1", { [displayed]: inappEvent("_inapp.message_displayed", cid), [clicked]: inappEvent("_inapp.message_clicked", cid) },
    "PutEvents _inapp.message_displayed + _inapp.message_clicked (client key): 202, EndpointItemResponse 202, each event 202");
  r = await kc.send(new GetInAppMessagesCommand({ ApplicationId: app, EndpointId: "device-1" }));
  eq("after one display (Daily 2): still there", [cid], (r.InAppMessagesResponse?.InAppMessageCampaigns ?? []).map((x) => x.CampaignId));
  const displayed2 = `${RUN}-displayed-2`;
  await putEvents(kc, app, "device-1", { [displayed2]: inappEvent("_inapp.message_displayed", cid) }, "PutEvents a second display: 202");
  r = await kc.send(new GetInAppMessagesCommand({ ApplicationId: app, EndpointId: "device-1" }));
  eq("after the second display today: DailyCap 2 reached, nothing for device-1", [], r.InAppMessagesResponse?.InAppMessageCampaigns ?? []);

  // GetCampaignDateRangeKpi: the request's range goes out from Date objects,
  // the answer's comes back as Date objects.
  const start = new Date(Date.now() - 86400e3);
  start.setUTCMilliseconds(0);
  const now = new Date();
  now.setUTCMilliseconds(0);
  r = await pp.send(new GetCampaignDateRangeKpiCommand({ ApplicationId: app, CampaignId: cid, KpiName: "unique-deliveries", StartTime: start, EndTime: now }));
  const k = r.CampaignDateRangeKpiResponse;
  eq("GetCampaignDateRangeKpi unique-deliveries: 200, one row UniqueDeliveries Double \"1.0\" (one endpoint shown it twice)",
    [200, app, cid, "unique-deliveries", [{ Values: [{ Key: "UniqueDeliveries", Type: "Double", Value: "1.0" }] }]],
    [r.$metadata.httpStatusCode, k?.ApplicationId, k?.CampaignId, k?.KpiName, k?.KpiResult?.Rows]);
  check("... StartTime and EndTime are Date objects (the model's timestamps), the range asked for",
    k.StartTime instanceof Date && k.EndTime instanceof Date && k.StartTime.getTime() === start.getTime() && k.EndTime.getTime() === now.getTime(), { StartTime: k.StartTime, EndTime: k.EndTime, asked: [start, now] });
  r = await pp.send(new GetCampaignDateRangeKpiCommand({ ApplicationId: app, CampaignId: cid, KpiName: "clicks" }));
  eq("GetCampaignDateRangeKpi clicks (no range: the default): Clicks \"1.0\"", [{ Values: [{ Key: "Clicks", Type: "Double", Value: "1.0" }] }], r.CampaignDateRangeKpiResponse?.KpiResult?.Rows);
  check("... and the default range comes back as Dates, start before end", r.CampaignDateRangeKpiResponse.StartTime instanceof Date && r.CampaignDateRangeKpiResponse.StartTime < r.CampaignDateRangeKpiResponse.EndTime, r.CampaignDateRangeKpiResponse);

  if (STREAM_DIR) {
    const ids = [displayed, clicked, displayed2];
    const recs = await readRecords(streamFile, ids);
    eq("the stream file holds a record for each event", ids.slice().sort(), Object.keys(recs).sort());
    const d = recs[displayed];
    eq("... a record is the event: type, app, client, campaign attributes",
      ["_inapp.message_displayed", app, "device-1", cid, "0", "web"],
      [d.event_type, d.application?.app_id, d.client?.client_id, d.attributes?.campaign_id, d.attributes?.treatment_id, d.device?.platform?.name]);
    r = await pp.send(new DeleteEventStreamCommand({ ApplicationId: app }));
    eq("DeleteEventStream: 200, the deleted stream", [200, `file://${streamFile}`], [r.$metadata.httpStatusCode, r.EventStream?.DestinationStreamArn]);
    await expectError("GetEventStream after DeleteEventStream", pp, new GetEventStreamCommand({ ApplicationId: app }), NotFoundException, 404);
  }

  // Errors, as the SDK's typed exceptions.
  const missing = "0123456789abcdef0123456789abcdef";
  const nf = await expectError("GetApp of an unknown app", pp, new GetAppCommand({ ApplicationId: missing }), NotFoundException, 404);
  const raw = await signedFetch(pp, "GET", `/v1/apps/${missing}`);
  eq("... err.message is the server's Message (the same call, raw)", [404, raw.body?.Message], [nf.$metadata.httpStatusCode, nf.message]);
  await expectError("GetCampaign of an unknown campaign", pp, new GetCampaignCommand({ ApplicationId: app, CampaignId: missing }), NotFoundException, 404);
  await expectError("GetCampaignDateRangeKpi with an unknown metric", pp, new GetCampaignDateRangeKpiCommand({ ApplicationId: app, CampaignId: cid, KpiName: "no-such-metric" }), BadRequestException, 400);
  const bad = await expectError("GetCampaignDateRangeKpi with the start after the end", pp,
    new GetCampaignDateRangeKpiCommand({ ApplicationId: app, CampaignId: cid, KpiName: "unique-deliveries", StartTime: now, EndTime: start }), BadRequestException, 400);
  const rawBad = await signedFetch(pp, "GET", `/v1/apps/${app}/campaigns/${cid}/kpis/daterange/unique-deliveries?start-time=${now.toISOString()}&end-time=${start.toISOString()}`);
  eq("... err.message is the server's Message (the same call, raw)", [400, rawBad.body?.Message], [bad.$metadata.httpStatusCode, bad.message]);
  await expectError("CreateInAppTemplate with a name that exists", pp,
    new CreateInAppTemplateCommand({ TemplateName: tname, InAppTemplateRequest: { Content: SEED_CONTENT, Layout: "MIDDLE_BANNER" } }), BadRequestException, 400);
  await expectError("CreateApp with the client key", kc, new CreateAppCommand({ CreateApplicationRequest: { Name: "evil" } }), ForbiddenException, 403);
  await expectError("GetCampaignDateRangeKpi with the client key", kc, new GetCampaignDateRangeKpiCommand({ ApplicationId: app, CampaignId: cid, KpiName: "unique-deliveries" }), ForbiddenException, 403);
  const esc = await signedFetch(kc, "POST", `/inappd/v1/apps/${app}/keys`, { Description: "escalate" });
  eq("POST /inappd/v1/apps/{id}/keys with the client key: 403 ForbiddenException with a Message", [403, "ForbiddenException", true],
    [esc.status, esc.headers.get("x-amzn-errortype"), !!esc.body?.Message]);

  // Clean up: the template is the account's; the app takes the rest with it.
  r = await pp.send(new DeleteAppCommand({ ApplicationId: app }));
  eq("DeleteApp: 200, the app", [200, app], [r.$metadata.httpStatusCode, r.ApplicationResponse?.Id]);
  r = await pp.send(new DeleteInAppTemplateCommand({ TemplateName: tname }));
  eq("DeleteInAppTemplate: 202", 202, r.$metadata.httpStatusCode);
  await expectError("GetInAppTemplate after delete", pp, new GetInAppTemplateCommand({ TemplateName: tname }), NotFoundException, 404);
}

// ------------------------------------------------------------ main

console.log(`inappd JS SDK v3 walk-through against ${BASE} (@aws-sdk/client-pinpoint ${SDK_VERSION}, node ${process.version})`);
try {
  await walkthrough();
} catch (e) {
  if (e instanceof Failure) {
    console.error(`\nFAIL: ${e.message}\n`);
  } else {
    // An SDK error nobody expected: show what the SDK made of the answer.
    const detail = e?.$metadata ? `\n  $metadata: ${show(e.$metadata)}\n  name: ${e.name}, $fault: ${e.$fault}` : "";
    console.error(`\nFAIL: unexpected ${e?.name ?? "error"}: ${e?.message}${detail}\n${e?.stack ?? ""}\n`);
  }
  console.error(`FAIL: JS SDK walk-through: ${passed} checks passed, then one failed`);
  process.exit(1);
}
console.log(`PASS: JS SDK walk-through (@aws-sdk/client-pinpoint ${SDK_VERSION}): ${passed} checks`);
