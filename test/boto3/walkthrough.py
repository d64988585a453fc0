#!/usr/bin/python3
"""The seed walk-through (reference seeds 000 and 002) and inappd's in-app
semantics, driven through the real boto3 (Debian python3-boto3).

    INAPPD_URL=http://127.0.0.1:8080 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \\
        /usr/bin/python3 test/boto3/walkthrough.py [SECTION ...]

AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY must be an inappd root key.
INAPPD_STREAM_DIR is the server's --stream-dir: the event_streams section
puts a file:// stream under it and reads the records back (without it,
that section checks only what needs no file). Every check prints
"ok: ..."; the first failure in a section prints what was expected and
what came back, and the script exits 1. SECTION names (walkthrough, caps,
priority, treatments, schedule, targeting, segment_versions, client_key,
bad_input, wire, event_streams) run a subset. cmd/inappd/clients_test.go
runs it against a fresh server.
"""

import atexit
import collections
import copy
import datetime
import hashlib
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid

import boto3
import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

URL = os.environ["INAPPD_URL"].rstrip("/")
REGION = "us-east-1"
ROOT_KEY = os.environ["AWS_ACCESS_KEY_ID"]
ROOT_SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
# The server's --stream-dir, where file:// event streams may write.
STREAM_DIR = os.environ.get("INAPPD_STREAM_DIR", "")
# Template names belong to the account: a suffix lets the script run twice
# against one server.
RUN = uuid.uuid4().hex[:8]


# --------------------------------------------------------------- checking


class Failure(Exception):
    pass


def ok(what):
    print("ok:", what, flush=True)


def fail(what, want, got):
    raise Failure("%s\n  expected: %s\n  got:      %s" % (what, want, got))


def eq(what, want, got, context=None):
    if want != got:
        fail(what, repr(want), repr(got) + ("" if context is None else "\n  context:  %s" % short(context)))
    ok(what)


def check(what, cond, context=None):
    if not cond:
        fail(what, "true", "false" + ("" if context is None else "; context: %s" % short(context)))
    ok(what)


def short(v, n=1500):
    s = json.dumps(v, default=str, sort_keys=True) if not isinstance(v, str) else v
    return s if len(s) <= n else s[:n] + "..."


# Debian's python3-boto3 (botocore 1.29) carries a Pinpoint model from before
# campaigns could name an in-app template (TemplateConfiguration.InAppTemplate):
# botocore refuses such a request itself. STOCK is botocore as installed;
# SESSION is the same with that one member added to botocore's own model
# through the data_path setting (AWS_DATA_PATH), as a user of these packages
# would have to do. Everything else is the stock model.
STOCK = botocore.session.Session()
SESSION = STOCK
MODEL_NOTE = None
if "InAppTemplate" not in STOCK.get_service_model("pinpoint").shape_for("TemplateConfiguration").members:
    _models = tempfile.mkdtemp(prefix="inappd-boto3-models-")
    atexit.register(shutil.rmtree, _models, True)
    _loader = STOCK.get_component("data_loader")
    _version = _loader.determine_latest_version("pinpoint", "service-2")
    _model = copy.deepcopy(_loader.load_service_model("pinpoint", "service-2", _version))  # the loader caches it
    _model["shapes"]["TemplateConfiguration"]["members"]["InAppTemplate"] = {
        "shape": "Template", "documentation": "<p>The InApp template to use for the message.</p>"}
    os.makedirs(os.path.join(_models, "pinpoint", _version))
    with open(os.path.join(_models, "pinpoint", _version, "service-2.json"), "w") as _f:
        json.dump(_model, _f)
    SESSION = botocore.session.Session()
    SESSION.set_config_variable("data_path", _models)
    MODEL_NOTE = "botocore %s's Pinpoint model (%s) lacks TemplateConfiguration.InAppTemplate; added through data_path %s" % (
        botocore.__version__, _version, _models)


def client(key=ROOT_KEY, secret=ROOT_SECRET, session=None):
    # One attempt per call: every error shows up exactly as the server sent it.
    return boto3.session.Session(botocore_session=session or SESSION).client(
        "pinpoint",
        endpoint_url=URL,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


pp = client()


def expect_error(what, code, status, fn, **kwargs):
    """fn(**kwargs) must raise ClientError with this code and HTTP status,
    a message, the modelled exception class and a request ID."""
    try:
        r = fn(**kwargs)
    except ClientError as e:
        err = e.response.get("Error", {})
        md = e.response.get("ResponseMetadata", {})
        headers = md.get("HTTPHeaders", {})
        got = (err.get("Code"), md.get("HTTPStatusCode"))
        if got != (code, status):
            fail(what, (code, status), "%r: %s" % (got, err.get("Message")))
        if not err.get("Message"):
            fail(what + ": Error.Message", "a message", e.response)
        rid = headers.get("x-amzn-requestid")
        if not rid:
            fail(what + ": x-amzn-requestid header", "a request ID", headers)
        if md.get("RequestId") != rid:
            fail(what + ": ResponseMetadata.RequestId", rid, md.get("RequestId"))
        if "RequestID" in e.response and e.response["RequestID"] != rid:
            fail(what + ": body RequestID = x-amzn-requestid", rid, e.response["RequestID"])
        etype = headers.get("x-amzn-errortype", "")
        if etype.split(":")[0] != code:
            fail(what + ": X-Amzn-ErrorType header", code, etype or "(missing)")
        modelled = getattr(fn.__self__.exceptions, code, None) if hasattr(fn, "__self__") else None
        if modelled is not None and not isinstance(e, modelled):
            fail(what + ": modelled exception class", modelled.__name__, type(e).__name__)
        ok("%s -> %s %d: %s" % (what, code, status, err["Message"]))
        return e
    fail(what, "ClientError %s (%d)" % (code, status), "success: %s" % short(r))


def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def iso(delta=datetime.timedelta(0)):
    return (datetime.datetime.now(datetime.timezone.utc) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_timestamp():
    # Seed 002's PutEvents timestamp: local time, no zone.
    return datetime.datetime.fromtimestamp(time.time()).isoformat()


DAY = datetime.timedelta(days=1)


def utc_day():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def activity_id(campaign_id, treatment_id="0"):
    # README, "Analytics": the first 32 hex digits of SHA-256("{campaign-id}/{treatment-id}").
    return hashlib.sha256(("%s/%s" % (campaign_id, treatment_id)).encode()).hexdigest()[:32]


def kpi_row(key, value, group_key=None, group_type="String", group=None):
    """A KpiResult row as the wire has it: Values are strings, a Double
    written as Java writes one ("2.0"); a single value has no GroupedBys."""
    row = {"Values": [{"Key": key, "Type": "Double", "Value": value}]}
    if group_key:
        row["GroupedBys"] = [{"Key": group_key, "Type": group_type, "Value": group}]
    return row


# --------------------------------------------------------------- builders

SEED_CONTENT = [
    {
        "BackgroundColor": "#FFFFFF",
        "BodyConfig": {
            "Alignment": "CENTER",
            "Body": "Welcome to our app! Check out these features to get started.",
            "TextColor": "#333333",
        },
        "HeaderConfig": {"Alignment": "CENTER", "Header": "Welcome!", "TextColor": "#000000"},
        "ImageUrl": "https://example.com/welcome-image.png",
        "PrimaryBtn": {
            "DefaultConfig": {
                "BackgroundColor": "#4CAF50",
                "BorderRadius": 8,
                "ButtonAction": "DEEP_LINK",
                "Link": "myapp://onboarding",
                "Text": "Get Started",
                "TextColor": "#FFFFFF",
            }
        },
        "SecondaryBtn": {
            "DefaultConfig": {
                "BackgroundColor": "#CCCCCC",
                "BorderRadius": 8,
                "ButtonAction": "CLOSE",
                "Text": "Maybe Later",
                "TextColor": "#333333",
            }
        },
    }
]

# Seed 000's create-campaign request, as written there.
SEED_CAMPAIGN = {
    "Name": "Welcome New Users",
    "Description": "Show welcome message to new users",
    "MessageConfiguration": {"InAppMessage": {"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"}},
    "Schedule": {
        "EventFilter": {
            "Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["app_launched"]}},
            "FilterType": "ENDPOINT",
        },
        "Frequency": "ONCE",
        "StartTime": "2026-02-12T00:00:00Z",
    },
}

# Seed 000's create-segment request.
SEED_SEGMENT = {
    "Name": "New Users (Last 7 Days)",
    "SegmentGroups": {
        "Groups": [
            {
                "Dimensions": [{"UserAttributes": {"CreatedDate": {"AttributeType": "AFTER", "Values": ["2026-02-05"]}}}],
                "SourceType": "ALL",
            }
        ],
        "Include": "ALL",
    },
}


def message(header, layout="TOP_BANNER"):
    return {
        "InAppMessage": {
            "Layout": layout,
            "Content": [
                {
                    "BackgroundColor": "#FFFFFF",
                    "HeaderConfig": {"Alignment": "LEFT", "Header": header, "TextColor": "#000000"},
                    "BodyConfig": {"Alignment": "LEFT", "Body": header + " body", "TextColor": "#000000"},
                }
            ],
        }
    }


def event_filter(event_type="app_launch"):
    return {"FilterType": "ENDPOINT", "Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": [event_type]}}}


def new_app(name):
    r = pp.create_app(CreateApplicationRequest={"Name": name})
    eq("create_app %s: 201" % name, 201, status(r))
    return r["ApplicationResponse"]["Id"]


def endpoint(app, ep, c=None, **fields):
    req = {"ChannelType": "IN_APP"}
    req.update(fields)
    r = (c or pp).update_endpoint(ApplicationId=app, EndpointId=ep, EndpointRequest=req)
    if status(r) != 202:
        fail("update_endpoint %s: 202" % ep, 202, status(r))
    return r


def campaign(app, name, header=None, schedule=None, **fields):
    req = {
        "Name": name,
        "MessageConfiguration": message(header or name),
        "Schedule": schedule or {"StartTime": "IMMEDIATE", "Frequency": "IN_APP_EVENT", "EventFilter": event_filter()},
    }
    req.update(fields)
    r = pp.create_campaign(ApplicationId=app, WriteCampaignRequest=req)
    if status(r) != 201:
        fail("create_campaign %s: 201" % name, 201, status(r))
    return r["CampaignResponse"]["Id"]


def segment(app, req):
    r = pp.create_segment(ApplicationId=app, WriteSegmentRequest=req)
    if status(r) != 201:
        fail("create_segment %s: 201" % req.get("Name"), 201, status(r))
    return r["SegmentResponse"]["Id"]


def messages(app, ep, c=None):
    r = (c or pp).get_in_app_messages(ApplicationId=app, EndpointId=ep)
    if status(r) != 200:
        fail("get_in_app_messages %s: 200" % ep, 200, status(r))
    return r["InAppMessagesResponse"]["InAppMessageCampaigns"]


def campaign_ids(app, ep, c=None):
    return [m["CampaignId"] for m in messages(app, ep, c)]


def find(msgs, cid):
    for m in msgs:
        if m["CampaignId"] == cid:
            return m
    fail("campaign %s in get_in_app_messages" % cid, "present", [m["CampaignId"] for m in msgs])


def inapp_event(event_type, campaign_id, treatment_id="0", timestamp=None):
    attrs = {"campaign_id": campaign_id, "delivery_type": "IN_APP_MESSAGE"}
    if treatment_id is not None:
        attrs["treatment_id"] = treatment_id
    return {"EventType": event_type, "Timestamp": timestamp or seed_timestamp(), "Attributes": attrs}


def put_events(app, ep, events, c=None, what=None):
    """PutEvents for one endpoint; every event must come back 202."""
    req = {"BatchItem": {ep: {"Endpoint": {}, "Events": events}}}
    r = (c or pp).put_events(ApplicationId=app, EventsRequest=req)
    if status(r) != 202:
        fail("put_events: HTTP 202", 202, status(r))
    res = r["EventsResponse"]["Results"].get(ep)
    if res is None:
        fail("put_events: a result for endpoint %s" % ep, ep, r["EventsResponse"])
    if res.get("EndpointItemResponse", {}).get("StatusCode") != 202:
        fail("put_events: EndpointItemResponse.StatusCode", 202, res)
    got = {k: v.get("StatusCode") for k, v in res.get("EventsItemResponse", {}).items()}
    want = {k: 202 for k in events}
    if got != want:
        fail("put_events: every event accepted", want, res)
    if what:
        ok(what)
    return r


def signed(method, path, body=None, key=ROOT_KEY, secret=ROOT_SECRET):
    """A raw request signed with botocore's SigV4Auth (service
    mobiletargeting); returns (status, headers, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    req = AWSRequest(method=method, url=URL + path, data=data, headers={"Content-Type": "application/json"} if data else {})
    if key is not None:
        SigV4Auth(Credentials(key, secret), "mobiletargeting", REGION).add_auth(req)
    p = req.prepare()
    hreq = urllib.request.Request(p.url, data=p.body, headers=dict(p.headers.items()), method=method)
    try:
        with urllib.request.urlopen(hreq, timeout=30) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers.items()), json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return e.code, dict(e.headers.items()), parsed


# --------------------------------------------------------------- sections


def walkthrough():
    """Seeds 000 and 002 end to end, then the CRUD around them."""
    print("-- walkthrough (seeds 000 and 002)")
    r = pp.create_app(CreateApplicationRequest={"Name": "shop", "tags": {"env": "test"}})
    eq("create_app: 201", 201, status(r))
    app = r["ApplicationResponse"]["Id"]
    app_arn = r["ApplicationResponse"]["Arn"]
    check("create_app: Arn arn:aws:mobiletargeting:...:apps/<id>", app_arn.startswith("arn:aws:mobiletargeting:") and app_arn.endswith(":apps/" + app), r)
    eq("get_app: the app", ("shop", app), (lambda a: (a["Name"], a["Id"]))(pp.get_app(ApplicationId=app)["ApplicationResponse"]))
    check("get_apps: lists the app", app in [a["Id"] for a in pp.get_apps()["ApplicationsResponse"]["Item"]])

    tname = "welcome-" + RUN
    r = pp.create_in_app_template(
        TemplateName=tname,
        InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER", "CustomConfig": {"screen": "home"}, "TemplateDescription": "seed 000"},
    )
    eq("create_in_app_template: 201", 201, status(r))
    check("create_in_app_template: Arn .../templates/<name>/INAPP", r["TemplateCreateMessageBody"]["Arn"].endswith(":templates/%s/INAPP" % tname), r)
    t = pp.get_in_app_template(TemplateName=tname)["InAppTemplateResponse"]
    eq("get_in_app_template: Version \"1\", INAPP, MIDDLE_BANNER", ("1", "INAPP", "MIDDLE_BANNER"), (t.get("Version"), t.get("TemplateType"), t.get("Layout")))
    eq("get_in_app_template: content round-trips", SEED_CONTENT, t["Content"])

    endpoint(app, "111", User={"UserId": "user-1", "UserAttributes": {"CreatedDate": ["2026-02-10T08:00:00Z"]}}, Demographic={"Platform": "ios"})
    endpoint(app, "222", User={"UserId": "user-2", "UserAttributes": {"CreatedDate": ["2026-01-15T08:00:00Z"]}}, Demographic={"Platform": "android"})
    ok("update_endpoint 111 and 222 (IN_APP, no Address): 202")
    e = pp.get_endpoint(ApplicationId=app, EndpointId="111")["EndpointResponse"]
    eq("get_endpoint 111", ("IN_APP", "ACTIVE", "user-1", "ios"), (e.get("ChannelType"), e.get("EndpointStatus"), e["User"]["UserId"], e["Demographic"]["Platform"]))

    r = pp.create_segment(ApplicationId=app, WriteSegmentRequest=SEED_SEGMENT)
    eq("create_segment (seed 000): 201", 201, status(r))
    seg = r["SegmentResponse"]["Id"]
    eq("create_segment: DIMENSIONAL, Version 1", ("DIMENSIONAL", 1), (r["SegmentResponse"]["SegmentType"], r["SegmentResponse"]["Version"]))

    r = pp.create_campaign(ApplicationId=app, WriteCampaignRequest=SEED_CAMPAIGN)
    eq("create_campaign (seed 000: inline, Frequency ONCE, no SegmentId): 201", 201, status(r))
    a = r["CampaignResponse"]["Id"]
    end = iso(30 * DAY)
    b_request = {
        "Name": "Promo for new users",
        "SegmentId": seg,
        "TemplateConfiguration": {"InAppTemplate": {"Name": tname}},
        "Limits": {"Daily": 2, "Total": 3, "Session": 1},
        "Priority": 1,
        "Schedule": {
            "StartTime": "IMMEDIATE",
            "EndTime": end,
            "Frequency": "IN_APP_EVENT",
            "QuietTime": {"Start": "22:00", "End": "06:00"},
            "EventFilter": {
                "FilterType": "ENDPOINT",
                "Dimensions": {
                    "EventType": {"DimensionType": "INCLUSIVE", "Values": ["app_launch"]},
                    "Attributes": {"screen": {"AttributeType": "INCLUSIVE", "Values": ["home"]}},
                    "Metrics": {"cart_value": {"ComparisonOperator": "GREATER_THAN", "Value": 500.0}},
                },
            },
        },
        "tags": {"team": "growth"},
    }
    if MODEL_NOTE:
        try:
            client(session=STOCK).create_campaign(ApplicationId=app, WriteCampaignRequest=b_request)
            fail("stock botocore refuses TemplateConfiguration.InAppTemplate", "ParamValidationError", "the request went out")
        except botocore.exceptions.ParamValidationError as e:
            ok("stock botocore refuses a template-based campaign client-side: %s" % str(e).splitlines()[-1])
        print("note:", MODEL_NOTE, flush=True)
    r = pp.create_campaign(ApplicationId=app, WriteCampaignRequest=b_request)
    b = r["CampaignResponse"]["Id"]
    b_arn = r["CampaignResponse"]["Arn"]
    c = r["CampaignResponse"]
    eq("create_campaign B (template, segment, caps, priority)", (seg, tname, 2, 3, 1, 1), (c["SegmentId"], c["TemplateConfiguration"]["InAppTemplate"]["Name"], c["Limits"]["Daily"], c["Limits"]["Total"], c["Limits"]["Session"], c["Priority"]))
    eq("get_campaign B: EXECUTING, Version 1", ("EXECUTING", 1), (lambda c: (c["State"]["CampaignStatus"], c["Version"]))(pp.get_campaign(ApplicationId=app, CampaignId=b)["CampaignResponse"]))

    msgs = messages(app, "111")
    eq("get_in_app_messages 111: B (priority 1) then A (no priority)", [b, a], [m["CampaignId"] for m in msgs])
    mb = find(msgs, b)
    eq("B: TreatmentId \"0\", Priority 1, caps Daily 2 / Total 3 / Session 1", ("0", 1, 2, 3, 1), (mb.get("TreatmentId"), mb.get("Priority"), mb.get("DailyCap"), mb.get("TotalCap"), mb.get("SessionCap")))
    dims = mb["Schedule"]["EventFilter"]["Dimensions"]
    eq("B: Schedule.EventFilter.Dimensions as configured",
       (["app_launch"], {"screen": {"AttributeType": "INCLUSIVE", "Values": ["home"]}}, {"cart_value": {"ComparisonOperator": "GREATER_THAN", "Value": 500.0}}),
       (dims["EventType"]["Values"], dims.get("Attributes"), dims.get("Metrics")))
    eq("B: Schedule.EndDate and QuietTime", (end, {"Start": "22:00", "End": "06:00"}), (mb["Schedule"].get("EndDate"), mb["Schedule"].get("QuietTime")))
    eq("B: the template's message", {"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER", "CustomConfig": {"screen": "home"}}, mb["InAppMessage"])
    ma = find(msgs, a)
    da = ma["Schedule"]["EventFilter"]["Dimensions"]
    eq("A: EventFilter.Dimensions with EventType app_launched and empty Attributes/Metrics", (["app_launched"], {}, {}), (da["EventType"]["Values"], da.get("Attributes"), da.get("Metrics")))
    eq("A: TreatmentId \"0\", the seed's inline message", ("0", SEED_CONTENT, "MIDDLE_BANNER"), (ma.get("TreatmentId"), ma["InAppMessage"]["Content"], ma["InAppMessage"]["Layout"]))
    eq("get_in_app_messages 222 (not a new user): only A", [a], campaign_ids(app, "222"))

    # Seed 002's put_events, as written there (no treatment_id, timestamp without a zone).
    first_day = utc_day()
    response = pp.put_events(
        ApplicationId=app,
        EventsRequest={
            "BatchItem": {
                "111": {
                    "Endpoint": {},
                    "Events": {
                        "seed-002-" + RUN: {
                            "Attributes": {"campaign_id": a, "delivery_type": "IN_APP_MESSAGE"},
                            "EventType": "_inapp.message_displayed",
                            "Timestamp": datetime.datetime.fromtimestamp(time.time()).isoformat(),
                        }
                    },
                }
            }
        },
    )
    eq("put_events (seed 002 style): 202, event 202",
       (202, 202), (status(response), response["EventsResponse"]["Results"]["111"]["EventsItemResponse"]["seed-002-" + RUN]["StatusCode"]))
    put_events(app, "111", {
        RUN + "-dismissed-a": inapp_event("_inapp.message_dismissed", a),
        RUN + "-displayed-b": inapp_event("_inapp.message_displayed", b),
        RUN + "-clicked-b": inapp_event("_inapp.message_clicked", b),
    }, what="put_events _inapp.message_dismissed/_displayed/_clicked with campaign_id/treatment_id/delivery_type: all 202")
    eq("after one display: the ONCE campaign A is gone for 111, B stays", [b], campaign_ids(app, "111"))
    eq("222 still gets A (ONCE is per endpoint)", [a], campaign_ids(app, "222"))
    put_events(app, "111", {RUN + "-displayed-b-2": inapp_event("_inapp.message_displayed", b)})
    eq("after B's second display today (Daily 2): nothing for 111", [], campaign_ids(app, "111"))
    walkthrough_analytics(app, a, b, sorted({first_day, utc_day()}))

    # Template versions: a campaign uses the active version.
    endpoint(app, "333", User={"UserId": "user-3", "UserAttributes": {"CreatedDate": ["2026-03-01T00:00:00Z"]}})
    v2 = copy.deepcopy(SEED_CONTENT)
    v2[0]["HeaderConfig"]["Header"] = "Welcome back!"
    r = pp.update_in_app_template(TemplateName=tname, CreateNewVersion=True, InAppTemplateRequest={"Content": v2, "Layout": "MIDDLE_BANNER", "TemplateDescription": "v2"})
    eq("update_in_app_template CreateNewVersion: 202 MessageBody", (202, True), (status(r), bool(r["MessageBody"].get("Message"))))
    eq("get_in_app_template: the active version is still \"1\"", "1", pp.get_in_app_template(TemplateName=tname)["InAppTemplateResponse"]["Version"])
    eq("get_in_app_template Version 2: the new header", "Welcome back!", pp.get_in_app_template(TemplateName=tname, Version="2")["InAppTemplateResponse"]["Content"][0]["HeaderConfig"]["Header"])
    vs = pp.list_template_versions(TemplateName=tname, TemplateType="INAPP")["TemplateVersionsResponse"]["Item"]
    eq("list_template_versions INAPP: \"1\" and \"2\"", ["1", "2"], sorted(v["Version"] for v in vs))
    eq("333 gets B with version 1's header", "Welcome!", find(messages(app, "333"), b)["InAppMessage"]["Content"][0]["HeaderConfig"]["Header"])
    r = pp.update_template_active_version(TemplateName=tname, TemplateType="INAPP", TemplateActiveVersionRequest={"Version": "2"})
    eq("update_template_active_version: 200", 200, status(r))
    eq("333 gets B with the newly active version 2", "Welcome back!", find(messages(app, "333"), b)["InAppMessage"]["Content"][0]["HeaderConfig"]["Header"])
    lt = pp.list_templates(TemplateType="INAPP", Prefix=tname)["TemplatesResponse"]["Item"]
    eq("list_templates INAPP prefix: the template, active version 2", [(tname, "INAPP", "2")], [(x["TemplateName"], x["TemplateType"], x.get("Version")) for x in lt])

    # Segment versions.
    r = pp.update_segment(ApplicationId=app, SegmentId=seg, WriteSegmentRequest=dict(SEED_SEGMENT, Name="New users v2"))
    eq("update_segment: 200, Version 2", (200, 2), (status(r), r["SegmentResponse"]["Version"]))
    eq("get_segment_versions: 1 and 2", [1, 2], sorted(s["Version"] for s in pp.get_segment_versions(ApplicationId=app, SegmentId=seg)["SegmentsResponse"]["Item"]))
    eq("get_segment_version 1: the old name", "New Users (Last 7 Days)", pp.get_segment_version(ApplicationId=app, SegmentId=seg, Version="1")["SegmentResponse"]["Name"])

    # Campaign versions, pause and resume.
    r = pp.update_campaign(ApplicationId=app, CampaignId=b, WriteCampaignRequest={"IsPaused": True})
    eq("update_campaign IsPaused: 200, Version 2, PAUSED", (200, 2, True, "PAUSED"), (status(r), r["CampaignResponse"]["Version"], r["CampaignResponse"].get("IsPaused"), r["CampaignResponse"]["State"]["CampaignStatus"]))
    eq("paused B is not returned to 333 (A, never displayed to 333, still is)", [a], campaign_ids(app, "333"))
    eq("get_campaign_activities B while paused: its activity is PAUSED", ["PAUSED"],
       [x["State"] for x in pp.get_campaign_activities(ApplicationId=app, CampaignId=b)["ActivitiesResponse"]["Item"]])
    eq("get_campaign_versions B: 1 and 2", [1, 2], sorted(c["Version"] for c in pp.get_campaign_versions(ApplicationId=app, CampaignId=b)["CampaignsResponse"]["Item"]))
    eq("get_campaign_version B 1: Priority 1, not paused", (1, False), (lambda c: (c["Priority"], bool(c.get("IsPaused"))))(pp.get_campaign_version(ApplicationId=app, CampaignId=b, Version="1")["CampaignResponse"]))
    pp.update_campaign(ApplicationId=app, CampaignId=b, WriteCampaignRequest={"IsPaused": False})
    eq("resumed B is returned to 333 again", [b, a], campaign_ids(app, "333"))

    # Tags.
    eq("list_tags_for_resource (app, tagged at creation)", {"env": "test"}, pp.list_tags_for_resource(ResourceArn=app_arn)["TagsModel"]["tags"])
    eq("tag_resource: 204", 204, status(pp.tag_resource(ResourceArn=app_arn, TagsModel={"tags": {"owner": "growth-team", "cost": "42"}})))
    eq("list_tags_for_resource after tag", {"env": "test", "owner": "growth-team", "cost": "42"}, pp.list_tags_for_resource(ResourceArn=app_arn)["TagsModel"]["tags"])
    eq("untag_resource two keys: 204", 204, status(pp.untag_resource(ResourceArn=app_arn, TagKeys=["owner", "cost"])))
    eq("list_tags_for_resource after untag", {"env": "test"}, pp.list_tags_for_resource(ResourceArn=app_arn)["TagsModel"]["tags"])
    eq("list_tags_for_resource (campaign B)", {"team": "growth"}, pp.list_tags_for_resource(ResourceArn=b_arn)["TagsModel"]["tags"])

    # Users and endpoints.
    eq("get_user_endpoints user-1", ["111"], [x["Id"] for x in pp.get_user_endpoints(ApplicationId=app, UserId="user-1")["EndpointsResponse"]["Item"]])
    r = pp.delete_endpoint(ApplicationId=app, EndpointId="222")
    eq("delete_endpoint 222: 202 with the endpoint", (202, "222"), (status(r), r["EndpointResponse"].get("Id")))
    expect_error("get_endpoint after delete_endpoint", "NotFoundException", 404, pp.get_endpoint, ApplicationId=app, EndpointId="222")
    try:
        left = pp.get_user_endpoints(ApplicationId=app, UserId="user-2")["EndpointsResponse"]["Item"]
        eq("get_user_endpoints user-2 after its only endpoint was deleted: none", [], [x["Id"] for x in left])
    except ClientError as e:
        if e.response["Error"]["Code"] != "NotFoundException":
            raise
        ok("get_user_endpoints user-2 after its only endpoint was deleted -> NotFoundException")

    r = pp.delete_campaign(ApplicationId=app, CampaignId=a)
    eq("delete_campaign A: 200 with the campaign", (200, a), (status(r), r["CampaignResponse"]["Id"]))
    expect_error("get_campaign after delete_campaign", "NotFoundException", 404, pp.get_campaign, ApplicationId=app, CampaignId=a)
    r = pp.delete_app(ApplicationId=app)
    eq("delete_app: 200 with the app", (200, app), (status(r), r["ApplicationResponse"]["Id"]))
    expect_error("get_app after delete_app", "NotFoundException", 404, pp.get_app, ApplicationId=app)
    r = pp.delete_in_app_template(TemplateName=tname)
    eq("delete_in_app_template: 202", 202, status(r))
    expect_error("get_in_app_template after delete", "NotFoundException", 404, pp.get_in_app_template, TemplateName=tname)


def walkthrough_analytics(app, a, b, days):
    """The KPI operations and GetCampaignActivities over the walk-through's
    events. On endpoint 111: A displayed once (seed 002) and dismissed,
    B displayed twice and clicked once. days: the UTC days those events
    were sent on (two only when the walk-through crossed midnight)."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = now - DAY, now

    def rows(r):
        k = r.get("CampaignDateRangeKpiResponse") or r["ApplicationDateRangeKpiResponse"]
        return k["KpiResult"]["Rows"]

    def campaign_kpi(cid, name):
        return rows(pp.get_campaign_date_range_kpi(ApplicationId=app, CampaignId=cid, KpiName=name, StartTime=start, EndTime=end))

    def app_kpi(name):
        return rows(pp.get_application_date_range_kpi(ApplicationId=app, KpiName=name, StartTime=start, EndTime=end))

    def dated(what, got, key, value):
        if len(days) == 1:
            eq(what, [kpi_row(key, value, "Date", "Date", days[0])], got)
            return
        # Past midnight the events may sit on either day: the rows are those days'.
        by_day = {r["GroupedBys"][0]["Value"]: float(r["Values"][0]["Value"]) for r in got}
        check("%s (events on %s)" % (what, " and ".join(days)),
              set(by_day) <= set(days) and sum(by_day.values()) >= float(value) and all(r["Values"][0]["Key"] == key for r in got), got)

    r = pp.get_campaign_date_range_kpi(ApplicationId=app, CampaignId=b, KpiName="unique-deliveries-grouped-by-date", StartTime=start, EndTime=end)
    k = r["CampaignDateRangeKpiResponse"]
    eq("get_campaign_date_range_kpi B unique-deliveries-grouped-by-date: 200, ApplicationId, CampaignId, KpiName",
       (200, app, b, "unique-deliveries-grouped-by-date"), (status(r), k.get("ApplicationId"), k.get("CampaignId"), k.get("KpiName")))
    eq("... StartTime and EndTime parse (timestamps) to the range asked for", (start, end), (k.get("StartTime"), k.get("EndTime")))
    dated("... one row: UniqueDeliveries 1.0 (endpoint 111) on the day of the events", k["KpiResult"]["Rows"], "UniqueDeliveries", "1.0")
    dated("B successful-deliveries-grouped-by-date: 2 displays", campaign_kpi(b, "successful-deliveries-grouped-by-date"), "SuccessfulDeliveries", "2.0")
    dated("B clicks-grouped-by-date: 1 click", campaign_kpi(b, "clicks-grouped-by-date"), "Clicks", "1.0")
    eq("B successful-deliveries (a single value: no GroupedBys)", [kpi_row("SuccessfulDeliveries", "2.0")], campaign_kpi(b, "successful-deliveries"))
    eq("B successful-deliveries-grouped-by-campaign-activity: the main treatment's activity",
       [kpi_row("SuccessfulDeliveries", "2.0", "CampaignActivityId", "String", activity_id(b))], campaign_kpi(b, "successful-deliveries-grouped-by-campaign-activity"))
    eq("A attempted-deliveries 1.0 (seed 002's display), successful-delivery-rate 1.0",
       ([kpi_row("AttemptedDeliveries", "1.0")], [kpi_row("SuccessfulDeliveryRate", "1.0")]),
       (campaign_kpi(a, "attempted-deliveries"), campaign_kpi(a, "successful-delivery-rate")))
    eq("A clicks: none (dismissed is no click): Rows []", [], campaign_kpi(a, "clicks"))

    eq("get_application_date_range_kpi successful-deliveries-grouped-by-campaign: A 1.0, B 2.0, by campaign ID",
       [kpi_row("SuccessfulDeliveries", {a: "1.0", b: "2.0"}[c], "CampaignId", "String", c) for c in sorted([a, b])],
       app_kpi("successful-deliveries-grouped-by-campaign"))
    eq("get_application_date_range_kpi clicks-grouped-by-campaign: B 1.0", [kpi_row("Clicks", "1.0", "CampaignId", "String", b)],
       app_kpi("clicks-grouped-by-campaign"))
    dated("get_application_date_range_kpi successful-deliveries-grouped-by-date: 3 displays", app_kpi("successful-deliveries-grouped-by-date"),
          "SuccessfulDeliveries", "3.0")
    eq("get_application_date_range_kpi email-open-rate (another channel's metric): 200, Rows []", [], app_kpi("email-open-rate"))
    r = pp.get_application_date_range_kpi(ApplicationId=app, KpiName="unique-deliveries")
    k = r["ApplicationDateRangeKpiResponse"]
    eq("get_application_date_range_kpi unique-deliveries without a range: UniqueDeliveries 1.0", [kpi_row("UniqueDeliveries", "1.0")], k["KpiResult"]["Rows"])
    s, e = k.get("StartTime"), k.get("EndTime")
    check("... the default range: StartTime a UTC midnight 30 days before EndTime's day, EndTime now",
          isinstance(s, datetime.datetime) and isinstance(e, datetime.datetime) and (s.hour, s.minute, s.second) == (0, 0, 0)
          and (e.date() - s.date()).days == 30 and abs((e - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 300, k)

    r = pp.get_campaign_activities(ApplicationId=app, CampaignId=b)
    items = r["ActivitiesResponse"]["Item"]
    eq("get_campaign_activities B: one activity, the main treatment's, RUNNING, shown to 1 endpoint",
       [(activity_id(b), app, b, "0", "RUNNING", 1, 1)],
       [(x.get("Id"), x.get("ApplicationId"), x.get("CampaignId"), x.get("TreatmentId"), x.get("State"), x.get("TotalEndpointCount"), x.get("SuccessfulEndpointCount")) for x in items])
    check("... ScheduledStart and Start are ISO 8601 UTC (IMMEDIATE: the creation time)",
          all(isinstance(items[0].get(f), str) and ISO_UTC.match(items[0][f]) for f in ("ScheduledStart", "Start")), items)
    x = pp.get_campaign_activities(ApplicationId=app, CampaignId=a, PageSize="5")["ActivitiesResponse"]["Item"]
    eq("get_campaign_activities A: ScheduledStart = Start = the seed's StartTime, 1 endpoint",
       [(activity_id(a), "RUNNING", "2026-02-12T00:00:00", "2026-02-12T00:00:00", 1)],
       [(y["Id"], y["State"], y.get("ScheduledStart", "")[:19], y.get("Start", "")[:19], y.get("TotalEndpointCount")) for y in x])

    e = expect_error("get_application_date_range_kpi with a misspelt kpi name", "BadRequestException", 400, pp.get_application_date_range_kpi,
                     ApplicationId=app, KpiName="sucessful-deliveries", StartTime=start, EndTime=end)
    check("... the message names it and lists the in-app metrics",
          '"sucessful-deliveries"' in e.response["Error"]["Message"] and "successful-deliveries" in e.response["Error"]["Message"], e.response["Error"])
    expect_error("get_campaign_date_range_kpi with an application grouping (-grouped-by-campaign)", "BadRequestException", 400,
                 pp.get_campaign_date_range_kpi, ApplicationId=app, CampaignId=b, KpiName="clicks-grouped-by-campaign")
    e = expect_error("get_campaign_date_range_kpi with StartTime after EndTime", "BadRequestException", 400, pp.get_campaign_date_range_kpi,
                     ApplicationId=app, CampaignId=b, KpiName="clicks", StartTime=end, EndTime=start)
    check("... the message says so", "is after end-time" in e.response["Error"]["Message"], e.response["Error"])
    e = expect_error("get_application_date_range_kpi over 41 days", "BadRequestException", 400, pp.get_application_date_range_kpi,
                     ApplicationId=app, KpiName="clicks", StartTime=end - 40 * DAY, EndTime=end)
    check("... the message gives the limit (31 days)", "at most 31" in e.response["Error"]["Message"], e.response["Error"])
    expect_error("get_campaign_date_range_kpi of an unknown campaign", "NotFoundException", 404, pp.get_campaign_date_range_kpi,
                 ApplicationId=app, CampaignId="no-such-campaign", KpiName="clicks")
    expect_error("get_campaign_activities of an unknown campaign", "NotFoundException", 404, pp.get_campaign_activities,
                 ApplicationId=app, CampaignId="no-such-campaign")


def caps():
    print("-- caps")
    app = new_app("caps")
    for ep in ("c1", "c2", "c3"):
        endpoint(app, ep)
    d = campaign(app, "daily-2-total-3", Limits={"Daily": 2, "Total": 3}, Priority=1)
    t = campaign(app, "total-2", Limits={"Total": 2}, Priority=2)
    msgs = messages(app, "c1")
    eq("c1 gets both capped campaigns", [d, t], [m["CampaignId"] for m in msgs])
    md, mt = find(msgs, d), find(msgs, t)
    eq("Daily=2/Total=3 campaign: DailyCap 2, TotalCap 3, SessionCap 0", (2, 3, 0), (md.get("DailyCap", 0), md.get("TotalCap", 0), md.get("SessionCap", 0)))
    eq("Total=2 campaign: DailyCap 0, TotalCap 2", (0, 2), (mt.get("DailyCap", 0), mt.get("TotalCap", 0)))

    first = {RUN + "-d1": inapp_event("_inapp.message_displayed", d), RUN + "-t1": inapp_event("_inapp.message_displayed", t)}
    put_events(app, "c1", first, what="displayed once each")
    eq("after 1 display each: both still there", [d, t], campaign_ids(app, "c1"))
    put_events(app, "c1", first, what="the same PutEvents batch retried (same event IDs): 202 again")
    eq("a retried batch does not count twice: both still there", [d, t], campaign_ids(app, "c1"))
    put_events(app, "c1", {
        RUN + "-d-dismissed": inapp_event("_inapp.message_dismissed", d),
        RUN + "-d-clicked": inapp_event("_inapp.message_clicked", d),
        RUN + "-t-clicked": inapp_event("_inapp.message_clicked", t),
        RUN + "-other": {"EventType": "app_launch", "Timestamp": seed_timestamp(), "Attributes": {"campaign_id": d}},
    }, what="dismissed/clicked/custom events")
    eq("only _inapp.message_displayed counts: both still there", [d, t], campaign_ids(app, "c1"))
    put_events(app, "c1", {RUN + "-d2": inapp_event("_inapp.message_displayed", d), RUN + "-t2": inapp_event("_inapp.message_displayed", t)})
    eq("after 2 displays: the Daily=2 and the Total=2 campaigns are gone for c1", [], campaign_ids(app, "c1"))
    eq("c2 (no displays) still gets both: caps count per endpoint", [d, t], campaign_ids(app, "c2"))
    put_events(app, "c3", {RUN + "-c3-a": inapp_event("_inapp.message_displayed", d, timestamp=iso()),
                           RUN + "-c3-b": inapp_event("_inapp.message_displayed", d, timestamp=iso())})
    eq("two displays in one batch (UTC Z timestamps) reach Daily=2 for c3", [t], campaign_ids(app, "c3"))

    # Project default caps (ApplicationSettings.Limits) apply where a campaign has none.
    app2 = new_app("caps-default")
    r = pp.update_application_settings(ApplicationId=app2, WriteApplicationSettingsRequest={"Limits": {"Daily": 1}})
    eq("update_application_settings Limits.Daily=1: 200", 200, status(r))
    endpoint(app2, "p1")
    p = campaign(app2, "no-own-limits")
    own = campaign(app2, "own-daily-3", Limits={"Daily": 3})
    msgs = messages(app2, "p1")
    eq("DailyCap: project default 1 for the campaign without Limits, its own 3 otherwise", {p: 1, own: 3}, {m["CampaignId"]: m.get("DailyCap", 0) for m in msgs})
    put_events(app2, "p1", {RUN + "-p1": inapp_event("_inapp.message_displayed", p), RUN + "-own1": inapp_event("_inapp.message_displayed", own)})
    eq("after one display: the project default cap hides the first, not the second", [own], campaign_ids(app2, "p1"))

    # Event IDs: a retry repeats an ID of the same endpoint; another endpoint
    # may use the same ID for its own event (clients number events per device).
    app3 = new_app("caps-ids")
    endpoint(app3, "k1")
    endpoint(app3, "k2")
    once = campaign(app3, "total-1", Limits={"Total": 1})
    put_events(app3, "k1", {"evt-1": inapp_event("_inapp.message_displayed", once)})
    put_events(app3, "k2", {"evt-1": inapp_event("_inapp.message_displayed", once)})
    eq("the same event ID from two endpoints counts for each: Total=1 reached for k1 and k2", ([], []), (campaign_ids(app3, "k1"), campaign_ids(app3, "k2")))

    # Daily counts the displays of the endpoint's day; Total counts them all.
    endpoint(app3, "k3")
    dt = campaign(app3, "daily-1-total-2", Limits={"Daily": 1, "Total": 2})
    put_events(app3, "k3", {RUN + "-y": inapp_event("_inapp.message_displayed", dt, timestamp=iso(-DAY))})
    eq("a display stamped yesterday does not count toward today's Daily=1", [dt], [c for c in campaign_ids(app3, "k3") if c == dt])
    put_events(app3, "k3", {RUN + "-t": inapp_event("_inapp.message_displayed", dt, timestamp=iso())})
    eq("one display today reaches Daily=1", [], [c for c in campaign_ids(app3, "k3") if c == dt])
    endpoint(app3, "k4")
    put_events(app3, "k4", {RUN + "-y1": inapp_event("_inapp.message_displayed", dt, timestamp=iso(-2 * DAY)),
                            RUN + "-y2": inapp_event("_inapp.message_displayed", dt, timestamp=iso(-DAY))})
    eq("two displays on earlier days reach Total=2", [], [c for c in campaign_ids(app3, "k4") if c == dt])


def priority():
    print("-- priority")
    app = new_app("priority")
    endpoint(app, "e1")
    p3 = campaign(app, "p3", Priority=3)
    p1_late = campaign(app, "p1-late", Priority=1, schedule={"StartTime": "IMMEDIATE", "EndTime": iso(20 * DAY), "EventFilter": event_filter()})
    p2 = campaign(app, "p2", Priority=2)
    p1_early = campaign(app, "p1-early", Priority=1, schedule={"StartTime": "IMMEDIATE", "EndTime": iso(10 * DAY), "EventFilter": event_filter()})
    msgs = messages(app, "e1")
    eq("lower Priority first; ties by the earlier EndTime", [p1_early, p1_late, p2, p3], [m["CampaignId"] for m in msgs])
    eq("each carries its Priority", [1, 1, 2, 3], [m.get("Priority") for m in msgs])
    more = [campaign(app, "p%d" % n, Priority=n) for n in range(11, 3, -1)]  # p11 ... p4
    msgs = messages(app, "e1")
    eq("12 eligible campaigns: the 10 best, in order", [p1_early, p1_late, p2, p3] + list(reversed(more))[:6], [m["CampaignId"] for m in msgs])


def treatments():
    print("-- treatments")
    app = new_app("ab")
    n = 200
    ids = ["ab-%03d" % i for i in range(n)]
    for i in range(0, n, 100):
        r = pp.update_endpoints_batch(ApplicationId=app, EndpointBatchRequest={"Item": [{"Id": ep, "ChannelType": "IN_APP"} for ep in ids[i:i + 100]]})
        eq("update_endpoints_batch of 100: 202", 202, status(r))
    cid = campaign(app, "ab-test", header="Variant A", HoldoutPercent=10, TreatmentName="A", AdditionalTreatments=[
        {"SizePercent": 30, "TreatmentName": "B", "MessageConfiguration": message("Variant B")},
        {"SizePercent": 20, "TreatmentName": "C", "MessageConfiguration": message("Variant C", layout="BOTTOM_BANNER")},
    ])
    c = pp.get_campaign(ApplicationId=app, CampaignId=cid)["CampaignResponse"]
    at = c.get("AdditionalTreatments") or []
    eq("get_campaign: two AdditionalTreatments (SizePercent 30, 20), HoldoutPercent 10", ([30, 20], ["B", "C"], 10),
       ([x["SizePercent"] for x in at], [x.get("TreatmentName") for x in at], c.get("HoldoutPercent")))
    tid = {"0": "Variant A", at[0]["Id"]: "Variant B", at[1]["Id"]: "Variant C"}
    check("treatment Ids are distinct strings, none of them \"0\"", len(tid) == 3 and all(isinstance(x["Id"], str) for x in at), at)

    got = {}
    for ep in ids:
        msgs = messages(app, ep)
        if not msgs:
            got[ep] = None
            continue
        if len(msgs) != 1:
            fail("one message for %s" % ep, 1, msgs)
        m = msgs[0]
        want_header = tid.get(m.get("TreatmentId"))
        if want_header is None:
            fail("TreatmentId of %s is one of %s" % (ep, sorted(tid)), sorted(tid), m.get("TreatmentId"))
        if m["InAppMessage"]["Content"][0]["HeaderConfig"]["Header"] != want_header:
            fail("%s: treatment %s carries its own message" % (ep, m["TreatmentId"]), want_header, m["InAppMessage"])
        got[ep] = m["TreatmentId"]
    ok("every returned message is its treatment's message (%s)" % ", ".join("%s=%s" % kv for kv in sorted(tid.items())))
    for ep in ids:
        again = [m.get("TreatmentId") for m in messages(app, ep)]
        if again != ([got[ep]] if got[ep] else []):
            fail("%s gets the same treatment on every call" % ep, got[ep], again)
    ok("each of the %d endpoints gets the same treatment (or nothing) on a second call" % n)

    counts = collections.Counter(got.values())
    shares = {"0": 40, at[0]["Id"]: 30, at[1]["Id"]: 20, None: 10}
    for key, pct in shares.items():
        p = pct / 100
        want = n * p
        tol = 4 * math.sqrt(n * p * (1 - p))
        if abs(counts.get(key, 0) - want) > tol:
            fail("treatment %s gets about %d%% of %d endpoints" % (key or "holdout", pct, n), "%.0f +/- %.0f" % (want, tol), dict(counts))
    ok("split over %d endpoints roughly 40/30/20 + 10%% holdout: %s" % (n, {("holdout" if k is None else k): v for k, v in counts.items()}))
    holdout = [ep for ep, v in got.items() if v is None]
    check("holdout endpoints get nothing (%d of them)" % len(holdout), len(holdout) > 0)

    # A displayed event carrying a treatment_id counts against that endpoint.
    ep = next(ep for ep, v in got.items() if v == at[0]["Id"])
    pp.update_campaign(ApplicationId=app, CampaignId=cid, WriteCampaignRequest={"Limits": {"Total": 1}})
    put_events(app, ep, {RUN + "-ab": inapp_event("_inapp.message_displayed", cid, treatment_id=at[0]["Id"])})
    eq("a displayed event with treatment_id %s counts against Total=1" % at[0]["Id"], [], campaign_ids(app, ep))


def schedule():
    print("-- schedule")
    app = new_app("schedule")
    endpoint(app, "s1")
    future = campaign(app, "future", schedule={"StartTime": iso(DAY), "EndTime": iso(2 * DAY), "EventFilter": event_filter()})
    past = campaign(app, "past", schedule={"StartTime": iso(-2 * DAY), "EndTime": iso(-DAY), "EventFilter": event_filter()})
    immediate = campaign(app, "immediate", schedule={"StartTime": "IMMEDIATE", "EventFilter": event_filter(), "QuietTime": {"Start": "23:00", "End": "07:00"}})
    window = campaign(app, "window", schedule={"StartTime": iso(-datetime.timedelta(hours=1)), "EndTime": iso(DAY), "EventFilter": event_filter()})
    paused = campaign(app, "paused", IsPaused=True)
    msgs = messages(app, "s1")
    eq("returned: IMMEDIATE and the open window; not the future, past or paused ones", sorted([immediate, window]), sorted(m["CampaignId"] for m in msgs))
    eq("QuietTime goes to the client", {"Start": "23:00", "End": "07:00"}, find(msgs, immediate)["Schedule"].get("QuietTime"))
    states = {name: pp.get_campaign(ApplicationId=app, CampaignId=cid)["CampaignResponse"]["State"]["CampaignStatus"]
              for name, cid in [("future", future), ("past", past), ("immediate", immediate), ("window", window), ("paused", paused)]}
    eq("State.CampaignStatus", {"future": "SCHEDULED", "past": "COMPLETED", "immediate": "EXECUTING", "window": "EXECUTING", "paused": "PAUSED"}, states)
    pp.update_campaign(ApplicationId=app, CampaignId=future, WriteCampaignRequest={"Schedule": {"StartTime": "IMMEDIATE", "EventFilter": event_filter()}})
    eq("moving the future campaign's StartTime to IMMEDIATE makes it live", sorted([immediate, window, future]), sorted(campaign_ids(app, "s1")))
    eq("... and EXECUTING", "EXECUTING", pp.get_campaign(ApplicationId=app, CampaignId=future)["CampaignResponse"]["State"]["CampaignStatus"])

    # IsLocalTime: StartTime/EndTime are wall-clock times in each endpoint's
    # Demographic.Timezone (else the campaign's Timezone offset). Starting 3
    # hours from now (UTC wall clock), the campaign has started where the
    # clocks are 5 hours ahead, not yet in UTC or New York.
    app2 = new_app("schedule-local")
    local = campaign(app2, "local", schedule={"StartTime": iso(datetime.timedelta(hours=3)), "EndTime": iso(datetime.timedelta(hours=15)),
                                              "IsLocalTime": True, "Timezone": "UTC+05", "EventFilter": event_filter()})
    got = {}
    for ep, tz in [("l-karachi", "Asia/Karachi"), ("l-utc", "UTC"), ("l-new-york", "America/New_York"), ("l-no-zone", None)]:
        endpoint(app2, ep, **({"Demographic": {"Timezone": tz}} if tz else {}))
        got[ep] = campaign_ids(app2, ep) == [local]
    eq("IsLocalTime, start at UTC now+3h: live for Asia/Karachi (UTC+5) and for an endpoint without a zone (campaign Timezone UTC+05), not for UTC or New York",
       {"l-karachi": True, "l-utc": False, "l-new-york": False, "l-no-zone": True}, got)


def targeting():
    print("-- targeting")
    app = new_app("targeting")
    segs = {
        "attr": {"Name": "attr", "Dimensions": {"Attributes": {"plan": {"AttributeType": "INCLUSIVE", "Values": ["pro"]}}}},
        "excl": {"Name": "excl", "Dimensions": {"Attributes": {"plan": {"AttributeType": "EXCLUSIVE", "Values": ["free"]}}}},
        "user": {"Name": "user", "Dimensions": {"UserAttributes": {"tier": {"AttributeType": "INCLUSIVE", "Values": ["gold"]}}}},
        "platform": {"Name": "platform", "Dimensions": {"Demographic": {"Platform": {"DimensionType": "INCLUSIVE", "Values": ["android"]}}}},
        "country": {"Name": "country", "Dimensions": {"Location": {"Country": {"DimensionType": "INCLUSIVE", "Values": ["DE"]}}}},
        "metric": {"Name": "metric", "Dimensions": {"Metrics": {"purchases": {"ComparisonOperator": "GREATER_THAN", "Value": 5.0}}}},
        "after": dict(SEED_SEGMENT, Name="after"),
    }
    camp = {}
    for name, req in segs.items():
        camp[name] = campaign(app, "to-" + name, SegmentId=segment(app, req))
    ok("7 segments (endpoint attribute, EXCLUSIVE, user attribute, platform, country, metric, the seed's AFTER date) with a campaign each")
    name_of = {v: k for k, v in camp.items()}

    base = {
        "Attributes": {"plan": ["free"]},
        "User": {"UserId": "u", "UserAttributes": {"tier": ["silver"], "CreatedDate": ["2026-01-01T00:00:00Z"]}},
        "Demographic": {"Platform": "ios"},
        "Location": {"Country": "US"},
        "Metrics": {"purchases": 1.0},
    }

    def as_user(fields, uid):
        # One user per endpoint: Pinpoint allows at most 15 endpoints per user.
        f = copy.deepcopy(fields)
        f["User"]["UserId"] = "user-" + uid
        return f

    def variant(**over):
        v = copy.deepcopy(base)
        for k, val in over.items():
            v[k] = val
        return v

    everything = variant(
        Attributes={"plan": ["pro"]},
        User={"UserId": "u", "UserAttributes": {"tier": ["gold"], "CreatedDate": ["2026-03-01T00:00:00Z"]}},
        Demographic={"Platform": "android"},
        Location={"Country": "DE"},
        Metrics={"purchases": 7.0},
    )
    cases = {
        "t-none": (base, []),
        "t-all": (everything, sorted(camp)),
        "t-attr": (variant(Attributes={"plan": ["pro"]}), ["attr", "excl"]),
        "t-user": (variant(User={"UserId": "u", "UserAttributes": {"tier": ["gold"], "CreatedDate": ["2026-01-01T00:00:00Z"]}}), ["user"]),
        "t-platform": (variant(Demographic={"Platform": "android"}), ["platform"]),
        "t-country": (variant(Location={"Country": "DE"}), ["country"]),
        "t-metric": (variant(Metrics={"purchases": 7.0}), ["metric"]),
        "t-after": (variant(User={"UserId": "u", "UserAttributes": {"tier": ["silver"], "CreatedDate": ["2026-02-06T00:00:00Z"]}}), ["after"]),
    }
    for ep, (fields, want) in cases.items():
        endpoint(app, ep, **as_user(fields, ep))
        eq("%s gets the campaigns of %s" % (ep, want or "no segment"), sorted(want), sorted(name_of[c] for c in campaign_ids(app, ep)))

    endpoint(app, "t-attr", Attributes={"plan": ["free"]})
    eq("UpdateEndpoint replaces attribute values: t-attr with plan [free] now gets nothing", [], campaign_ids(app, "t-attr"))

    endpoint(app, "t-email", ChannelType="EMAIL", Address="someone@example.com", **as_user(everything, "t-email"))
    eq("an EMAIL endpoint matching every segment gets no in-app messages", [], campaign_ids(app, "t-email"))
    endpoint(app, "t-optout", OptOut="ALL", **as_user(everything, "t-optout"))
    eq("an opted-out (OptOut ALL) IN_APP endpoint gets nothing", [], campaign_ids(app, "t-optout"))
    endpoint(app, "t-inactive", EndpointStatus="INACTIVE", **as_user(everything, "t-inactive"))
    eq("an INACTIVE IN_APP endpoint gets nothing", [], campaign_ids(app, "t-inactive"))
    eq("an unknown endpoint gets an empty list", [], campaign_ids(app, "t-nobody-" + RUN))

    # UpdateEndpoint changes only the members it gives.
    endpoint(app, "t-all", Metrics={"purchases": 9.0})
    e = pp.get_endpoint(ApplicationId=app, EndpointId="t-all")["EndpointResponse"]
    eq("an UpdateEndpoint with only Metrics keeps Attributes, Demographic, Location and User",
       (["pro"], "android", "DE", ["gold"], 9.0),
       (e.get("Attributes", {}).get("plan"), e.get("Demographic", {}).get("Platform"), e.get("Location", {}).get("Country"),
        e.get("User", {}).get("UserAttributes", {}).get("tier"), e.get("Metrics", {}).get("purchases")))
    eq("... and t-all still gets every campaign", sorted(camp), sorted(name_of[c] for c in campaign_ids(app, "t-all")))

    # A date-only attribute value compares as a date.
    endpoint(app, "t-date-only", **as_user(variant(User={"UserId": "x", "UserAttributes": {"tier": ["silver"], "CreatedDate": ["2026-02-06"]}}), "t-date-only"))
    eq("CreatedDate 2026-02-06 (a bare date) is AFTER 2026-02-05", ["after"], sorted(name_of[c] for c in campaign_ids(app, "t-date-only")))

    # Segment groups built on other segments.
    app2 = new_app("targeting-groups")
    ios = segment(app2, {"Name": "ios", "Dimensions": {"Demographic": {"Platform": {"Values": ["ios"]}}}})
    pro = segment(app2, {"Name": "pro", "Dimensions": {"Attributes": {"plan": {"Values": ["pro"]}}}})
    groups = {
        "ios-and-de": {"Name": "ios-and-de", "SegmentGroups": {"Include": "ALL", "Groups": [
            {"SourceSegments": [{"Id": ios}], "SourceType": "ALL", "Type": "ALL",
             "Dimensions": [{"Location": {"Country": {"Values": ["DE"]}}}]}]}},
        "ios-or-pro": {"Name": "ios-or-pro", "SegmentGroups": {"Include": "ALL", "Groups": [
            {"SourceSegments": [{"Id": ios}, {"Id": pro}], "SourceType": "ANY"}]}},
        "not-ios": {"Name": "not-ios", "SegmentGroups": {"Include": "NONE", "Groups": [
            {"Dimensions": [{"Demographic": {"Platform": {"Values": ["ios"]}}}]}]}},
        "de-or-pro": {"Name": "de-or-pro", "SegmentGroups": {"Include": "ALL", "Groups": [
            {"Type": "ANY", "Dimensions": [{"Location": {"Country": {"Values": ["DE"]}}}, {"Attributes": {"plan": {"Values": ["pro"]}}}]}]}},
    }
    gcamp = {campaign(app2, "to-" + name, SegmentId=segment(app2, req)): name for name, req in groups.items()}
    ok("4 segments with SegmentGroups: SourceSegments ALL/ANY, Include NONE, Type ANY")
    for ep, fields, want in [
        ("g-ios-de", {"Demographic": {"Platform": "ios"}, "Location": {"Country": "DE"}}, ["de-or-pro", "ios-and-de", "ios-or-pro"]),
        ("g-ios-us", {"Demographic": {"Platform": "ios"}, "Location": {"Country": "US"}}, ["ios-or-pro"]),
        ("g-android-pro", {"Demographic": {"Platform": "android"}, "Attributes": {"plan": ["pro"]}}, ["de-or-pro", "ios-or-pro", "not-ios"]),
        ("g-android", {"Demographic": {"Platform": "android"}}, ["not-ios"]),
    ]:
        endpoint(app2, ep, **fields)
        eq("%s gets %s" % (ep, want), want, sorted(gcamp[c] for c in campaign_ids(app2, ep)))



def client_key():
    print("-- client key")
    x = new_app("keys-x")
    y = new_app("keys-y")
    code, headers, body = signed("POST", "/inappd/v1/apps/%s/keys" % x, {"Description": "iOS app " + RUN})
    if code != 201:
        fail("POST /inappd/v1/apps/{id}/keys (SigV4, root key): 201", 201, (code, body))
    check("client key: AccessKeyId, SecretAccessKey, ApplicationId", body.get("AccessKeyId") and body.get("SecretAccessKey") and body.get("ApplicationId") == x, body)
    key, secret = body["AccessKeyId"], body["SecretAccessKey"]
    code, _, listed = signed("GET", "/inappd/v1/apps/%s/keys" % x)
    eq("GET /inappd/v1/apps/{id}/keys lists it, without the secret", (200, [key], [None]),
       (code, [k["AccessKeyId"] for k in (listed or {}).get("Item", [])], [k.get("SecretAccessKey") for k in (listed or {}).get("Item", [])]))
    code, _, body = signed("POST", "/inappd/v1/apps/%s/keys" % x, {"Description": "x"}, key=None)
    eq("an unsigned request: 403", 403, code)

    kc = client(key, secret)
    cid = campaign(x, "for-devices")
    r = kc.update_endpoint(ApplicationId=x, EndpointId="dev-1", EndpointRequest={"ChannelType": "IN_APP", "Demographic": {"Platform": "web"}})
    eq("client key: update_endpoint on its app: 202", 202, status(r))
    r = kc.update_endpoints_batch(ApplicationId=x, EndpointBatchRequest={"Item": [{"Id": "dev-2", "ChannelType": "IN_APP"}]})
    eq("client key: update_endpoints_batch on its app: 202", 202, status(r))
    eq("client key: get_in_app_messages on its app", [cid], campaign_ids(x, "dev-1", c=kc))
    put_events(x, "dev-1", {RUN + "-kc": inapp_event("_inapp.message_displayed", cid)}, c=kc, what="client key: put_events on its app: 202")

    expect_error("client key: get_app (its own app)", "ForbiddenException", 403, kc.get_app, ApplicationId=x)
    expect_error("client key: get_apps", "ForbiddenException", 403, kc.get_apps)
    expect_error("client key: get_endpoint", "ForbiddenException", 403, kc.get_endpoint, ApplicationId=x, EndpointId="dev-1")
    expect_error("client key: create_campaign", "ForbiddenException", 403, kc.create_campaign, ApplicationId=x,
                 WriteCampaignRequest={"Name": "evil", "MessageConfiguration": message("evil"), "Schedule": {"StartTime": "IMMEDIATE"}})
    expect_error("client key: get_in_app_messages of another app", "ForbiddenException", 403, kc.get_in_app_messages, ApplicationId=y, EndpointId="dev-1")
    expect_error("client key: put_events to another app", "ForbiddenException", 403, kc.put_events, ApplicationId=y,
                 EventsRequest={"BatchItem": {"dev-1": {"Endpoint": {}, "Events": {"e": inapp_event("_inapp.message_displayed", cid)}}}})
    expect_error("client key: update_endpoint in another app", "ForbiddenException", 403, kc.update_endpoint, ApplicationId=y, EndpointId="dev-1",
                 EndpointRequest={"ChannelType": "IN_APP"})
    check("... and the forbidden update_endpoint stored nothing in the other app", _no_endpoint(y, "dev-1"))
    code, _, body = signed("POST", "/inappd/v1/apps/%s/keys" % x, {"Description": "escalate"}, key=key, secret=secret)
    eq("client key: creating more keys (an extension operation): 403", 403, code)

    bad = client(key, "wrong" + secret[5:])
    try:
        bad.get_in_app_messages(ApplicationId=x, EndpointId="dev-1")
        fail("a wrong secret", "HTTP 403", "success")
    except ClientError as e:
        eq("a wrong secret: HTTP 403 (%s: %s)" % (e.response["Error"].get("Code"), e.response["Error"].get("Message")), 403, e.response["ResponseMetadata"]["HTTPStatusCode"])

    code, _, _ = signed("DELETE", "/inappd/v1/keys/%s" % key)
    eq("DELETE /inappd/v1/keys/{id}: 200", 200, code)
    try:
        kc.get_in_app_messages(ApplicationId=x, EndpointId="dev-1")
        fail("a deleted client key", "HTTP 403", "success")
    except ClientError as e:
        eq("a deleted client key: HTTP 403 (%s)" % e.response["Error"].get("Code"), 403, e.response["ResponseMetadata"]["HTTPStatusCode"])


def _no_endpoint(app, ep):
    try:
        pp.get_endpoint(ApplicationId=app, EndpointId=ep)
        return False
    except ClientError as e:
        return e.response["Error"]["Code"] == "NotFoundException"


def bad_input():
    print("-- bad input")
    app = new_app("bad-input")
    tname = "ok-" + RUN
    pp.create_in_app_template(TemplateName=tname, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
    seg = segment(app, SEED_SEGMENT)
    endpoint(app, "b1", Demographic={"Platform": "ios"}, User={"UserId": "b1", "UserAttributes": {"CreatedDate": ["2026-03-01T00:00:00Z"]}})
    good = campaign(app, "good", SegmentId=seg)

    six = "six-" + RUN
    expect_error("create_in_app_template with 6 content cards", "BadRequestException", 400, pp.create_in_app_template,
                 TemplateName=six, InAppTemplateRequest={"Content": SEED_CONTENT * 6, "Layout": "CAROUSEL"})
    expect_error("... nothing stored: get_in_app_template", "NotFoundException", 404, pp.get_in_app_template, TemplateName=six)
    r = pp.create_in_app_template(TemplateName=six, InAppTemplateRequest={"Content": SEED_CONTENT * 5, "Layout": "CAROUSEL"})
    eq("5 content cards are fine (CAROUSEL): 201", 201, status(r))
    expect_error("update_in_app_template to 6 cards", "BadRequestException", 400, pp.update_in_app_template,
                 TemplateName=six, InAppTemplateRequest={"Content": SEED_CONTENT * 6, "Layout": "CAROUSEL"})
    eq("... nothing stored: still 5 cards, version 1", (5, "1"), (lambda t: (len(t["Content"]), t["Version"]))(pp.get_in_app_template(TemplateName=six)["InAppTemplateResponse"]))

    for bad_name in ("bad.name-" + RUN, "_starts-with-underscore-" + RUN, "x" * 129):
        expect_error("create_in_app_template named %r" % (bad_name[:40] + ("..." if len(bad_name) > 40 else "")), "BadRequestException", 400,
                     pp.create_in_app_template, TemplateName=bad_name, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
    names = [t["TemplateName"] for t in pp.list_templates(TemplateType="INAPP")["TemplatesResponse"]["Item"]]
    check("... nothing stored: list_templates has no bad names", not any(n.startswith(("bad.", "_", "xxx")) for n in names), names)

    layout = "layout-" + RUN
    expect_error("create_in_app_template with Layout SIDEWAYS_BANNER", "BadRequestException", 400, pp.create_in_app_template,
                 TemplateName=layout, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "SIDEWAYS_BANNER"})
    expect_error("... nothing stored", "NotFoundException", 404, pp.get_in_app_template, TemplateName=layout)
    bad_btn = copy.deepcopy(SEED_CONTENT)
    bad_btn[0]["PrimaryBtn"]["DefaultConfig"]["ButtonAction"] = "TELEPORT"
    expect_error("create_in_app_template with ButtonAction TELEPORT", "BadRequestException", 400, pp.create_in_app_template,
                 TemplateName=layout, InAppTemplateRequest={"Content": bad_btn, "Layout": "MIDDLE_BANNER"})

    def campaigns_state():
        return sorted((c["Id"], c["Version"]) for c in pp.get_campaigns(ApplicationId=app)["CampaignsResponse"]["Item"])

    before = campaigns_state()
    base = {"Name": "bad", "Schedule": {"StartTime": "IMMEDIATE", "EventFilter": event_filter()}}
    expect_error("create_campaign with an unknown SegmentId", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, SegmentId="no-such-segment", MessageConfiguration=message("x")))
    expect_error("create_campaign with an unknown template", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, SegmentId=seg, TemplateConfiguration={"InAppTemplate": {"Name": "no-such-template-" + RUN}}))
    expect_error("create_campaign with Limits.Daily 101 (Pinpoint's maximum is 100)", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, MessageConfiguration=message("x"), Limits={"Daily": 101}))
    expect_error("create_campaign with Frequency FORTNIGHTLY", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, MessageConfiguration=message("x"), Schedule={"StartTime": "IMMEDIATE", "Frequency": "FORTNIGHTLY"}))
    expect_error("create_campaign with StartTime 'tomorrow'", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, MessageConfiguration=message("x"), Schedule={"StartTime": "tomorrow"}))
    expect_error("update_campaign to an unknown template", "BadRequestException", 400, pp.update_campaign, ApplicationId=app, CampaignId=good,
                 WriteCampaignRequest={"TemplateConfiguration": {"InAppTemplate": {"Name": "no-such-template-" + RUN}}})
    eq("... nothing stored: same campaigns, same versions", before, campaigns_state())
    eq("... and the campaign is still delivered", [good], campaign_ids(app, "b1"))

    def segments_state():
        return sorted((s["Id"], s["Version"]) for s in pp.get_segments(ApplicationId=app)["SegmentsResponse"]["Item"])

    before = segments_state()
    expect_error("create_segment with DimensionType SOMETIMES", "BadRequestException", 400, pp.create_segment, ApplicationId=app,
                 WriteSegmentRequest={"Name": "bad", "Dimensions": {"Demographic": {"Platform": {"DimensionType": "SOMETIMES", "Values": ["ios"]}}}})
    expect_error("create_segment with AttributeType NEWER", "BadRequestException", 400, pp.create_segment, ApplicationId=app,
                 WriteSegmentRequest={"Name": "bad", "Dimensions": {"UserAttributes": {"CreatedDate": {"AttributeType": "NEWER", "Values": ["2026-02-05"]}}}})
    expect_error("create_segment with ComparisonOperator ABOUT", "BadRequestException", 400, pp.create_segment, ApplicationId=app,
                 WriteSegmentRequest={"Name": "bad", "Dimensions": {"Metrics": {"purchases": {"ComparisonOperator": "ABOUT", "Value": 1.0}}}})
    expect_error("create_segment with both Dimensions and SegmentGroups", "BadRequestException", 400, pp.create_segment, ApplicationId=app,
                 WriteSegmentRequest=dict(SEED_SEGMENT, Dimensions={"Demographic": {"Platform": {"Values": ["ios"]}}}))
    expect_error("update_segment with RecencyType SOMETIMES", "BadRequestException", 400, pp.update_segment, ApplicationId=app, SegmentId=seg,
                 WriteSegmentRequest={"Dimensions": {"Behavior": {"Recency": {"Duration": "DAY_7", "RecencyType": "SOMETIMES"}}}})
    eq("... nothing stored: same segments, same versions", before, segments_state())

    expect_error("update_endpoint with ChannelType CARRIER_PIGEON", "BadRequestException", 400, pp.update_endpoint, ApplicationId=app, EndpointId="b1",
                 EndpointRequest={"ChannelType": "CARRIER_PIGEON", "Demographic": {"Platform": "android"}})
    e = pp.get_endpoint(ApplicationId=app, EndpointId="b1")["EndpointResponse"]
    eq("... nothing stored: the endpoint is unchanged", ("IN_APP", "ios"), (e["ChannelType"], e["Demographic"]["Platform"]))

    expect_error("get_app with an unknown id", "NotFoundException", 404, pp.get_app, ApplicationId="0123456789abcdef0123456789abcdef")
    expect_error("get_in_app_messages of an unknown app", "NotFoundException", 404, pp.get_in_app_messages, ApplicationId="0123456789abcdef0123456789abcdef", EndpointId="b1")
    expect_error("get_segment with an unknown id", "NotFoundException", 404, pp.get_segment, ApplicationId=app, SegmentId="no-such-segment")
    expect_error("get_campaign_version 99", "NotFoundException", 404, pp.get_campaign_version, ApplicationId=app, CampaignId=good, Version="99")

    # PutEvents answers per event: 202 for the good ones, 400 for the bad.
    r = pp.put_events(ApplicationId=app, EventsRequest={"BatchItem": {"b1": {"Endpoint": {}, "Events": {
        "good": inapp_event("_inapp.message_displayed", good),
        "bad-time": {"EventType": "_inapp.message_displayed", "Timestamp": "yesterday", "Attributes": {"campaign_id": good}},
    }}}})
    items = r["EventsResponse"]["Results"]["b1"]["EventsItemResponse"]
    eq("put_events with one bad Timestamp: HTTP 202, good 202, bad 400", (202, 202, 400),
       (status(r), items["good"]["StatusCode"], items["bad-time"]["StatusCode"]))
    check("... the bad event says why", bool(items["bad-time"].get("Message")), items)
    many = {"e%03d" % i: inapp_event("app_launch", good) for i in range(101)}
    expect_error("put_events with 101 events (the limit is 100)", "BadRequestException", 400, pp.put_events, ApplicationId=app,
                 EventsRequest={"BatchItem": {"b1": {"Endpoint": {}, "Events": many}}})

    # Template versions: what the model documents for the version parameter.
    pp.update_in_app_template(TemplateName=six, CreateNewVersion=True, InAppTemplateRequest={"Content": SEED_CONTENT * 2, "Layout": "CAROUSEL"})
    expect_error("update_in_app_template with create-new-version=true and a version (\"don't specify a value for the version parameter. Otherwise, an error will occur.\")",
                 "BadRequestException", 400, pp.update_in_app_template, TemplateName=six, CreateNewVersion=True, Version="2",
                 InAppTemplateRequest={"Content": SEED_CONTENT * 3, "Layout": "CAROUSEL"})
    expect_error("update_in_app_template Version=1 when the latest is 2 (\"must match the identifier for the latest existing version\")",
                 "BadRequestException", 400, pp.update_in_app_template, TemplateName=six, Version="1",
                 InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
    vs = pp.list_template_versions(TemplateName=six, TemplateType="INAPP")["TemplateVersionsResponse"]["Item"]
    eq("... nothing stored: versions 1 (5 cards) and 2 (2 cards)", [("1", 5), ("2", 2)],
       sorted((v["Version"], len(pp.get_in_app_template(TemplateName=six, Version=v["Version"])["InAppTemplateResponse"]["Content"])) for v in vs))
    expect_error("get_in_app_template Version=9", "NotFoundException", 404, pp.get_in_app_template, TemplateName=six, Version="9")
    expect_error("create_in_app_template with a name that exists", "BadRequestException", 400, pp.create_in_app_template,
                 TemplateName=six, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
    upper = six.upper()
    r = pp.create_in_app_template(TemplateName=upper, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "TOP_BANNER"})
    eq("template names are case sensitive: %s next to %s: 201" % (upper, six), (201, "TOP_BANNER", "CAROUSEL"),
       (status(r), pp.get_in_app_template(TemplateName=upper)["InAppTemplateResponse"]["Layout"], pp.get_in_app_template(TemplateName=six)["InAppTemplateResponse"]["Layout"]))
    pp.delete_in_app_template(TemplateName=upper)
    expect_error("create_campaign with both an inline message and a template", "BadRequestException", 400, pp.create_campaign, ApplicationId=app,
                 WriteCampaignRequest=dict(base, MessageConfiguration=message("x"), TemplateConfiguration={"InAppTemplate": {"Name": tname}}))
    expect_error("update_endpoints_batch with 101 items (the limit is 100)", "BadRequestException", 400, pp.update_endpoints_batch, ApplicationId=app,
                 EndpointBatchRequest={"Item": [{"Id": "batch-%d" % i, "ChannelType": "IN_APP"} for i in range(101)]})
    check("... nothing stored: batch-0 does not exist", _no_endpoint(app, "batch-0"))

    pp.delete_in_app_template(TemplateName=six)
    pp.delete_in_app_template(TemplateName=tname)


def segment_versions():
    """Campaigns and the versions of their segments."""
    print("-- segment versions")
    app = new_app("segment-versions")
    # A campaign pinned to a segment version keeps that version's rule.
    seg = segment(app, {"Name": "pinned", "Dimensions": {"Demographic": {"Platform": {"Values": ["web"]}}}})
    pp.update_segment(ApplicationId=app, SegmentId=seg, WriteSegmentRequest={"Name": "pinned", "Dimensions": {"Demographic": {"Platform": {"Values": ["tv"]}}}})
    pinned = campaign(app, "pinned-v1", SegmentId=seg, SegmentVersion=1)
    eq("create_campaign SegmentVersion=1 of a segment now at version 2: the campaign says version 1", 1,
       pp.get_campaign(ApplicationId=app, CampaignId=pinned)["CampaignResponse"].get("SegmentVersion"))
    endpoint(app, "g-web", Demographic={"Platform": "web"})
    endpoint(app, "g-tv", Demographic={"Platform": "tv"})
    eq("the campaign pinned to segment version 1 (web) reaches the web endpoint, not the tv one", ([pinned], []),
       ([c for c in campaign_ids(app, "g-web") if c == pinned], [c for c in campaign_ids(app, "g-tv") if c == pinned]))

    # Deleting a campaign's segment: the campaign stops, its state is DELETED.
    gone = segment(app, {"Name": "doomed", "Dimensions": {"Demographic": {"Platform": {"Values": ["watch"]}}}})
    doomed = campaign(app, "doomed", SegmentId=gone)
    endpoint(app, "g-watch", Demographic={"Platform": "watch"})
    eq("the watch endpoint gets the campaign of the watch segment", [doomed], campaign_ids(app, "g-watch"))
    pp.delete_segment(ApplicationId=app, SegmentId=gone)
    eq("after delete_segment: the campaign is no longer delivered", [], campaign_ids(app, "g-watch"))
    eq("... and its State.CampaignStatus is DELETED", "DELETED",
       pp.get_campaign(ApplicationId=app, CampaignId=doomed)["CampaignResponse"]["State"]["CampaignStatus"])


ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


def wire():
    """What boto3 passes through untouched: request IDs, JSON types, date
    formats, paging parameters, percent-encoded path labels, raw errors."""
    print("-- wire details")
    app = new_app("wire")
    r = pp.get_app(ApplicationId=app)
    md = r["ResponseMetadata"]
    check("a success carries x-amzn-requestid (ResponseMetadata.RequestId)", bool(md.get("RequestId")) and md["HTTPHeaders"].get("x-amzn-requestid") == md["RequestId"], md)
    check("Content-Type: application/json", md["HTTPHeaders"].get("content-type", "").startswith("application/json"), md["HTTPHeaders"])

    tname = "wire-" + RUN
    pp.create_in_app_template(TemplateName=tname, InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
    seg = segment(app, {"Name": "all-ios", "Dimensions": {"Demographic": {"Platform": {"Values": ["ios"]}}}})
    endpoint(app, "w1", Demographic={"Platform": "ios"}, EffectiveDate=iso(), RequestId=str(uuid.uuid4()))
    cids = [campaign(app, "page-%d" % i, SegmentId=seg, Priority=i + 1, Limits={"Daily": 5}) for i in range(5)]

    dates = {
        "ApplicationResponse.CreationDate": r["ApplicationResponse"].get("CreationDate"),
        "SegmentResponse.CreationDate": pp.get_segment(ApplicationId=app, SegmentId=seg)["SegmentResponse"].get("CreationDate"),
        "CampaignResponse.CreationDate": pp.get_campaign(ApplicationId=app, CampaignId=cids[0])["CampaignResponse"].get("CreationDate"),
        "CampaignResponse.LastModifiedDate": pp.get_campaign(ApplicationId=app, CampaignId=cids[0])["CampaignResponse"].get("LastModifiedDate"),
        "InAppTemplateResponse.CreationDate": pp.get_in_app_template(TemplateName=tname)["InAppTemplateResponse"].get("CreationDate"),
        "InAppTemplateResponse.LastModifiedDate": pp.get_in_app_template(TemplateName=tname)["InAppTemplateResponse"].get("LastModifiedDate"),
        "EndpointResponse.CreationDate": pp.get_endpoint(ApplicationId=app, EndpointId="w1")["EndpointResponse"].get("CreationDate"),
    }
    bad = {k: v for k, v in dates.items() if not (isinstance(v, str) and ISO_UTC.match(v))}
    eq("dates are ISO 8601 UTC strings ending in Z (%s)" % dates["CampaignResponse.CreationDate"], {}, bad)

    c = pp.get_campaign(ApplicationId=app, CampaignId=cids[0])["CampaignResponse"]
    s = pp.get_segment(ApplicationId=app, SegmentId=seg)["SegmentResponse"]
    t = pp.get_in_app_template(TemplateName=tname)["InAppTemplateResponse"]
    m = messages(app, "w1")[0]
    pe = put_events(app, "w1", {"t": inapp_event("app_launch", cids[0])})["EventsResponse"]["Results"]["w1"]
    types = {
        "CampaignResponse.Version": (c.get("Version"), int),
        "CampaignResponse.SegmentVersion": (c.get("SegmentVersion"), int),
        "CampaignResponse.Priority": (c.get("Priority"), int),
        "CampaignResponse.Limits.Daily": (c["Limits"].get("Daily"), int),
        "SegmentResponse.Version": (s.get("Version"), int),
        "InAppTemplateResponse.Version": (t.get("Version"), str),
        "InAppMessageCampaign.TreatmentId": (m.get("TreatmentId"), str),
        "InAppMessageCampaign.DailyCap": (m.get("DailyCap"), int),
        "InAppMessageCampaign.Priority": (m.get("Priority"), int),
        "InAppMessageContent.PrimaryBtn.DefaultConfig.BorderRadius": (t["Content"][0]["PrimaryBtn"]["DefaultConfig"]["BorderRadius"], int),
        "EndpointItemResponse.StatusCode": (pe["EndpointItemResponse"]["StatusCode"], int),
        "EventItemResponse.StatusCode": (pe["EventsItemResponse"]["t"]["StatusCode"], int),
    }
    bad = {k: repr(v) for k, (v, typ) in types.items() if type(v) is not typ}
    eq("JSON types as the model has them (integers are numbers, versions of templates and TreatmentId strings)", {}, bad)

    # Paging: page-size and token (next-token for templates), as the clients send them.
    seen, token, pages = [], None, 0
    while True:
        kw = {"ApplicationId": app, "PageSize": "2"}
        if token:
            kw["Token"] = token
        page = pp.get_campaigns(**kw)["CampaignsResponse"]
        pages += 1
        if len(page["Item"]) > 2:
            fail("get_campaigns PageSize 2: at most 2 items", 2, len(page["Item"]))
        seen += [x["Id"] for x in page["Item"]]
        token = page.get("NextToken")
        if not token or pages > 10:
            break
    eq("get_campaigns PageSize=2 then Token=NextToken: every campaign once, in 3 pages", (sorted(cids), 3), (sorted(seen), pages))
    names = []
    for i in range(3):
        pp.create_in_app_template(TemplateName="%s-page-%d" % (tname, i), InAppTemplateRequest={"Content": SEED_CONTENT, "Layout": "MIDDLE_BANNER"})
        names.append("%s-page-%d" % (tname, i))
    seen, token, pages = [], None, 0
    while True:
        kw = {"Prefix": tname + "-page-", "PageSize": "2", "TemplateType": "INAPP"}
        if token:
            kw["NextToken"] = token
        page = pp.list_templates(**kw)["TemplatesResponse"]
        pages += 1
        seen += [x["TemplateName"] for x in page["Item"]]
        token = page.get("NextToken")
        if not token or pages > 10:
            break
    eq("list_templates PageSize=2 then NextToken: every template once", (sorted(names), 2), (sorted(seen), pages))

    # Path labels arrive percent-encoded; the endpoint ID round-trips.
    odd = "user:42+tag é~x@example.com"
    endpoint(app, odd, Demographic={"Platform": "ios"})
    eq("an endpoint ID with : + space é ~ @ round-trips through UpdateEndpoint/GetEndpoint", odd, pp.get_endpoint(ApplicationId=app, EndpointId=odd)["EndpointResponse"].get("Id"))
    eq("... and GetInAppMessages finds it", sorted(cids), sorted(campaign_ids(app, odd)))
    r = put_events(app, odd, {"x": inapp_event("_inapp.message_displayed", cids[0])})
    eq("... and PutEvents answers under the same key", [odd], list(r["EventsResponse"]["Results"]))

    # PutEvents with a full PublicEndpoint creates or updates the endpoint.
    r = pp.put_events(ApplicationId=app, EventsRequest={"BatchItem": {"pe-1": {
        "Endpoint": {"ChannelType": "IN_APP", "Demographic": {"Platform": "ios"}, "Attributes": {"plan": ["pro"]}, "User": {"UserId": "pe-user"}},
        "Events": {"s": {"EventType": "_session.start", "Timestamp": iso(), "Session": {"Id": str(uuid.uuid4()), "StartTimestamp": iso()}}}}}})
    eq("put_events with a PublicEndpoint and a session event: 202/202", (202, 202), (r["EventsResponse"]["Results"]["pe-1"]["EndpointItemResponse"]["StatusCode"], r["EventsResponse"]["Results"]["pe-1"]["EventsItemResponse"]["s"]["StatusCode"]))
    e = pp.get_endpoint(ApplicationId=app, EndpointId="pe-1")["EndpointResponse"]
    eq("... the endpoint was created from it", ("IN_APP", ["pro"], "pe-user"), (e.get("ChannelType"), e.get("Attributes", {}).get("plan"), e.get("User", {}).get("UserId")))
    eq("... and it receives the campaigns of its segment", sorted(cids), sorted(campaign_ids(app, "pe-1")))

    # A raw error, as Go v2 and Amplify read it.
    code, headers, body = signed("GET", "/v1/apps/0123456789abcdef0123456789abcdef")
    hdr = {k.lower(): v for k, v in headers.items()}
    eq("raw 404: status, X-Amzn-ErrorType, JSON body with Message and RequestID", (404, "NotFoundException", True, True, True),
       (code, hdr.get("x-amzn-errortype", "").split(":")[0], hdr.get("content-type", "").startswith("application/json"),
        isinstance(body, dict) and bool(body.get("Message")), isinstance(body, dict) and body.get("RequestID") == hdr.get("x-amzn-requestid")))
    check("... and no body key named code/Code (Go v2 would take it as the error code)", isinstance(body, dict) and not ({"code", "Code"} & set(body)), body)

    for n in names + [tname]:
        pp.delete_in_app_template(TemplateName=n)


def event_streams():
    """PutEventStream to a file:// destination under the server's
    --stream-dir, the records PutEvents sends there, DeleteEventStream."""
    print("-- event streams")
    app = new_app("streams")
    role = "arn:aws:iam::123456789012:role/pinpoint-events"
    expect_error("get_event_stream before any put_event_stream", "NotFoundException", 404, pp.get_event_stream, ApplicationId=app)
    e = expect_error("put_event_stream with a Kinesis ARN", "BadRequestException", 400, pp.put_event_stream, ApplicationId=app,
                     WriteEventStream={"DestinationStreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/pinpoint-events", "RoleArn": role})
    check("... the message says what to give instead (https://, nats://, file://)",
          all(w in e.response["Error"]["Message"] for w in ("Kinesis", "https://", "nats://", "file://")), e.response["Error"])
    expect_error("... nothing stored: get_event_stream", "NotFoundException", 404, pp.get_event_stream, ApplicationId=app)
    if not STREAM_DIR:
        print("note: INAPPD_STREAM_DIR is not set: no file:// stream to read back", flush=True)
        return

    outside = os.path.join(os.path.dirname(os.path.abspath(STREAM_DIR)), "outside-%s.jsonl" % RUN)
    e = expect_error("put_event_stream file:// outside the stream directory", "BadRequestException", 400, pp.put_event_stream, ApplicationId=app,
                     WriteEventStream={"DestinationStreamArn": "file://" + outside, "RoleArn": role})
    check("... the message says so", "outside the stream directory" in e.response["Error"]["Message"], e.response["Error"])
    path = os.path.join(STREAM_DIR, "boto3-%s.jsonl" % RUN)
    dest = "file://" + path
    r = pp.put_event_stream(ApplicationId=app, WriteEventStream={"DestinationStreamArn": dest, "RoleArn": role})
    es = r["EventStream"]
    eq("put_event_stream file://<stream dir>/boto3-%s.jsonl: 200, the stream, put by the root key" % RUN, (200, app, dest, role, ROOT_KEY),
       (status(r), es.get("ApplicationId"), es.get("DestinationStreamArn"), es.get("RoleArn"), es.get("LastUpdatedBy")))
    check("... LastModifiedDate is ISO 8601 UTC", ISO_UTC.match(es.get("LastModifiedDate") or ""), es)
    eq("get_event_stream: the same stream", es, pp.get_event_stream(ApplicationId=app)["EventStream"])

    endpoint(app, "s1", Demographic={"Platform": "ios", "Make": "apple", "Model": "iPhone", "Locale": "en_US"})
    cid = campaign(app, "streamed")
    at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=250000)
    sent = {}
    for i, et in enumerate(("_inapp.message_displayed", "_inapp.message_clicked", "_inapp.message_dismissed")):
        sent["%s-s%d" % (RUN, i)] = inapp_event(et, cid, timestamp=(at + i * datetime.timedelta(milliseconds=1)).isoformat().replace("+00:00", "Z"))
    put_events(app, "s1", sent, what="put_events displayed/clicked/dismissed on s1 with the stream in place: all 202")

    deadline, lines = time.time() + 10, []
    while True:
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= len(sent) or time.time() > deadline:
            break
        time.sleep(0.1)
    eq("within 10 s the file holds one JSON line per event", len(sent), len(lines), lines)
    records = {}
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            fail("every line is a JSON record", "JSON", line)
        records[rec.get("event_id")] = rec
    eq("... one record per event ID", sorted(sent), sorted(records))
    want, got = {}, {}
    for eid, ev in sent.items():
        ts = datetime.datetime.fromisoformat(ev["Timestamp"].replace("Z", "+00:00"))
        want[eid] = (ev["EventType"], int(round(ts.timestamp() * 1000)), "3.1", app, "s1", cid, "0", "IN_APP_MESSAGE", "ios", "000000000000")
        rec = records[eid]
        got[eid] = (rec.get("event_type"), rec.get("event_timestamp"), rec.get("event_version"), rec.get("application", {}).get("app_id"),
                    rec.get("client", {}).get("client_id"), rec.get("attributes", {}).get("campaign_id"), rec.get("attributes", {}).get("treatment_id"),
                    rec.get("attributes", {}).get("delivery_type"), rec.get("device", {}).get("platform", {}).get("name"), rec.get("awsAccountId"))
    eq("... Pinpoint's record format: event_type, event_timestamp (ms), event_version, application.app_id, client.client_id, "
       "attributes.campaign_id/treatment_id/delivery_type, device.platform.name, awsAccountId", want, got)

    r = pp.delete_event_stream(ApplicationId=app)
    eq("delete_event_stream: 200 with the deleted stream", (200, es), (status(r), r["EventStream"]))
    expect_error("get_event_stream after delete_event_stream", "NotFoundException", 404, pp.get_event_stream, ApplicationId=app)
    put_events(app, "s1", {RUN + "-after": inapp_event("_inapp.message_displayed", cid, timestamp=iso())})
    time.sleep(1.5)  # several rounds of the stream worker (250 ms)
    with open(path) as f:
        after = f.read().splitlines()
    eq("an event sent after delete_event_stream is not written (1.5 s later)", len(sent), len(after), after[len(sent):])


SECTIONS = [walkthrough, caps, priority, treatments, schedule, targeting, segment_versions, client_key, bad_input, wire, event_streams]


def main(argv):
    chosen = [s for s in SECTIONS if not argv or s.__name__ in argv]
    unknown = set(argv) - {s.__name__ for s in SECTIONS}
    if unknown:
        print("unknown sections: %s (have: %s)" % (", ".join(sorted(unknown)), ", ".join(s.__name__ for s in SECTIONS)), file=sys.stderr)
        return 2
    print("inappd boto3 walk-through against %s (boto3 %s, botocore %s, %s)" % (URL, boto3.__version__, botocore.__version__, sys.executable))
    # A failure ends its section (later checks build on earlier ones); the
    # other sections still run, each in its own app.
    failed = []
    for section in chosen:
        try:
            section()
            continue
        except Failure as f:
            msg = str(f)
        except ClientError as e:
            msg = "unexpected error from %s: %s\n  response: %s\n%s" % (e.operation_name, e, short(e.response), traceback.format_exc())
        except Exception:
            msg = traceback.format_exc()
        print("\nFAIL [%s]: %s\n" % (section.__name__, msg), file=sys.stderr, flush=True)
        failed.append(section.__name__)
    if failed:
        print("FAIL: boto3 walk-through: %d of %d sections failed: %s" % (len(failed), len(chosen), ", ".join(failed)), file=sys.stderr)
        return 1
    print("PASS: boto3 walk-through (%s)" % ", ".join(s.__name__ for s in chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
