package inapp

// The resource model. Field names and JSON names follow Pinpoint's service
// model (pinpoint-service-2.json) exactly; shapes that only carry a request
// or a response envelope live in package pinpointapi.
//
// Pointers mark members whose absence differs from their zero value
// (required members we must reject when missing, or values a client may set
// to zero on purpose).

// App is an application (a Pinpoint project).
type App struct {
	Arn          string            `json:"Arn"`
	ID           string            `json:"Id"`
	Name         string            `json:"Name"`
	Tags         map[string]string `json:"tags,omitempty"`
	CreationDate string            `json:"CreationDate,omitempty"`
}

// AppSettings are an application's defaults (ApplicationSettingsResource).
type AppSettings struct {
	ApplicationID    string          `json:"ApplicationId"`
	CampaignHook     *CampaignHook   `json:"CampaignHook,omitempty"`
	LastModifiedDate string          `json:"LastModifiedDate,omitempty"`
	Limits           *CampaignLimits `json:"Limits,omitempty"`
	QuietTime        *QuietTime      `json:"QuietTime,omitempty"`
	JourneyLimits    *JourneyLimits  `json:"JourneyLimits,omitempty"`
	// Kept and echoed; inappd has no CloudWatch.
	CloudWatchMetricsEnabled *bool `json:"CloudWatchMetricsEnabled,omitempty"`
	EventTaggingEnabled      *bool `json:"EventTaggingEnabled,omitempty"`
}

type JourneyLimits struct {
	DailyCap     *int                 `json:"DailyCap,omitempty"`
	TimeframeCap *JourneyTimeframeCap `json:"TimeframeCap,omitempty"`
	TotalCap     *int                 `json:"TotalCap,omitempty"`
}

type JourneyTimeframeCap struct {
	Cap  *int `json:"Cap,omitempty"`
	Days *int `json:"Days,omitempty"`
}

type CampaignHook struct {
	LambdaFunctionName string `json:"LambdaFunctionName,omitempty"`
	Mode               string `json:"Mode,omitempty"`
	WebUrl             string `json:"WebUrl,omitempty"`
}

// CampaignLimits are per-campaign (or app default) caps.
type CampaignLimits struct {
	Daily             *int `json:"Daily,omitempty"`
	MaximumDuration   *int `json:"MaximumDuration,omitempty"`
	MessagesPerSecond *int `json:"MessagesPerSecond,omitempty"`
	Total             *int `json:"Total,omitempty"`
	Session           *int `json:"Session,omitempty"`
}

type QuietTime struct {
	End   string `json:"End,omitempty"`
	Start string `json:"Start,omitempty"`
}

// ---- endpoints ----

// Endpoint is a device (EndpointResponse). Only IN_APP endpoints receive
// in-app messages, but every channel type is stored as Pinpoint does.
type Endpoint struct {
	Address        string              `json:"Address,omitempty"`
	ApplicationID  string              `json:"ApplicationId,omitempty"`
	Attributes     map[string][]string `json:"Attributes,omitempty"`
	ChannelType    string              `json:"ChannelType,omitempty"`
	CohortID       string              `json:"CohortId,omitempty"`
	CreationDate   string              `json:"CreationDate,omitempty"`
	Demographic    *Demographic        `json:"Demographic,omitempty"`
	EffectiveDate  string              `json:"EffectiveDate,omitempty"`
	EndpointStatus string              `json:"EndpointStatus,omitempty"`
	ID             string              `json:"Id,omitempty"`
	Location       *Location           `json:"Location,omitempty"`
	Metrics        map[string]float64  `json:"Metrics,omitempty"`
	OptOut         string              `json:"OptOut,omitempty"`
	RequestID      string              `json:"RequestId,omitempty"`
	User           *EndpointUser       `json:"User,omitempty"`
}

// EndpointRequest is the body of UpdateEndpoint, one item of
// UpdateEndpointsBatch (with Id) and PutEvents' PublicEndpoint.
type EndpointRequest struct {
	Address        string              `json:"Address,omitempty"`
	Attributes     map[string][]string `json:"Attributes,omitempty"`
	ChannelType    string              `json:"ChannelType,omitempty"`
	Demographic    *Demographic        `json:"Demographic,omitempty"`
	EffectiveDate  string              `json:"EffectiveDate,omitempty"`
	EndpointStatus string              `json:"EndpointStatus,omitempty"`
	ID             string              `json:"Id,omitempty"`
	Location       *Location           `json:"Location,omitempty"`
	Metrics        map[string]float64  `json:"Metrics,omitempty"`
	OptOut         string              `json:"OptOut,omitempty"`
	RequestID      string              `json:"RequestId,omitempty"`
	User           *EndpointUser       `json:"User,omitempty"`
}

type Demographic struct {
	AppVersion      string `json:"AppVersion,omitempty"`
	Locale          string `json:"Locale,omitempty"`
	Make            string `json:"Make,omitempty"`
	Model           string `json:"Model,omitempty"`
	ModelVersion    string `json:"ModelVersion,omitempty"`
	Platform        string `json:"Platform,omitempty"`
	PlatformVersion string `json:"PlatformVersion,omitempty"`
	Timezone        string `json:"Timezone,omitempty"`
}

type Location struct {
	City       string   `json:"City,omitempty"`
	Country    string   `json:"Country,omitempty"`
	Latitude   *float64 `json:"Latitude,omitempty"`
	Longitude  *float64 `json:"Longitude,omitempty"`
	PostalCode string   `json:"PostalCode,omitempty"`
	Region     string   `json:"Region,omitempty"`
}

type EndpointUser struct {
	UserAttributes map[string][]string `json:"UserAttributes,omitempty"`
	UserID         string              `json:"UserId,omitempty"`
}

// ---- segments ----

// Segment is one version of a segment (SegmentResponse).
type Segment struct {
	ApplicationID    string             `json:"ApplicationId"`
	Arn              string             `json:"Arn"`
	CreationDate     string             `json:"CreationDate"`
	Dimensions       *SegmentDimensions `json:"Dimensions,omitempty"`
	ID               string             `json:"Id"`
	ImportDefinition *SegmentImport     `json:"ImportDefinition,omitempty"`
	LastModifiedDate string             `json:"LastModifiedDate,omitempty"`
	Name             string             `json:"Name,omitempty"`
	SegmentGroups    *SegmentGroupList  `json:"SegmentGroups,omitempty"`
	SegmentType      string             `json:"SegmentType"`
	Tags             map[string]string  `json:"tags,omitempty"`
	Version          int                `json:"Version"`
}

// SegmentRequest is WriteSegmentRequest.
type SegmentRequest struct {
	Dimensions    *SegmentDimensions `json:"Dimensions,omitempty"`
	Name          *string            `json:"Name,omitempty"`
	SegmentGroups *SegmentGroupList  `json:"SegmentGroups,omitempty"`
	Tags          map[string]string  `json:"tags,omitempty"`
}

type SegmentImport struct {
	ChannelCounts map[string]int `json:"ChannelCounts,omitempty"`
	ExternalID    string         `json:"ExternalId"`
	Format        string         `json:"Format"`
	RoleArn       string         `json:"RoleArn"`
	S3Url         string         `json:"S3Url"`
	Size          int            `json:"Size"`
}

type SegmentDimensions struct {
	Attributes     map[string]*AttributeDimension `json:"Attributes,omitempty"`
	Behavior       *SegmentBehaviors              `json:"Behavior,omitempty"`
	Demographic    *SegmentDemographics           `json:"Demographic,omitempty"`
	Location       *SegmentLocation               `json:"Location,omitempty"`
	Metrics        map[string]*MetricDimension    `json:"Metrics,omitempty"`
	UserAttributes map[string]*AttributeDimension `json:"UserAttributes,omitempty"`
}

type AttributeDimension struct {
	AttributeType string   `json:"AttributeType,omitempty"`
	Values        []string `json:"Values"`
}

type SetDimension struct {
	DimensionType string   `json:"DimensionType,omitempty"`
	Values        []string `json:"Values"`
}

type MetricDimension struct {
	ComparisonOperator string   `json:"ComparisonOperator"`
	Value              *float64 `json:"Value"`
}

type SegmentBehaviors struct {
	Recency *RecencyDimension `json:"Recency,omitempty"`
}

type RecencyDimension struct {
	Duration    string `json:"Duration"`
	RecencyType string `json:"RecencyType"`
}

type SegmentDemographics struct {
	AppVersion *SetDimension `json:"AppVersion,omitempty"`
	Channel    *SetDimension `json:"Channel,omitempty"`
	DeviceType *SetDimension `json:"DeviceType,omitempty"`
	Make       *SetDimension `json:"Make,omitempty"`
	Model      *SetDimension `json:"Model,omitempty"`
	Platform   *SetDimension `json:"Platform,omitempty"`
}

type SegmentLocation struct {
	Country  *SetDimension      `json:"Country,omitempty"`
	GPSPoint *GPSPointDimension `json:"GPSPoint,omitempty"`
}

type GPSPointDimension struct {
	Coordinates       *GPSCoordinates `json:"Coordinates"`
	RangeInKilometers *float64        `json:"RangeInKilometers,omitempty"`
}

type GPSCoordinates struct {
	Latitude  *float64 `json:"Latitude"`
	Longitude *float64 `json:"Longitude"`
}

type SegmentGroupList struct {
	Groups  []*SegmentGroup `json:"Groups,omitempty"`
	Include string          `json:"Include,omitempty"`
}

type SegmentGroup struct {
	Dimensions     []*SegmentDimensions `json:"Dimensions,omitempty"`
	SourceSegments []*SegmentReference  `json:"SourceSegments,omitempty"`
	SourceType     string               `json:"SourceType,omitempty"`
	Type           string               `json:"Type,omitempty"`
}

type SegmentReference struct {
	ID      string `json:"Id"`
	Version *int   `json:"Version,omitempty"`
}

// ---- in-app content ----

type InAppMessageContent struct {
	BackgroundColor string                    `json:"BackgroundColor,omitempty"`
	BodyConfig      *InAppMessageBodyConfig   `json:"BodyConfig,omitempty"`
	HeaderConfig    *InAppMessageHeaderConfig `json:"HeaderConfig,omitempty"`
	ImageUrl        string                    `json:"ImageUrl,omitempty"`
	PrimaryBtn      *InAppMessageButton       `json:"PrimaryBtn,omitempty"`
	SecondaryBtn    *InAppMessageButton       `json:"SecondaryBtn,omitempty"`
}

type InAppMessageBodyConfig struct {
	Alignment string `json:"Alignment"`
	Body      string `json:"Body"`
	TextColor string `json:"TextColor"`
}

type InAppMessageHeaderConfig struct {
	Alignment string `json:"Alignment"`
	Header    string `json:"Header"`
	TextColor string `json:"TextColor"`
}

type InAppMessageButton struct {
	Android       *OverrideButtonConfiguration `json:"Android,omitempty"`
	DefaultConfig *DefaultButtonConfiguration  `json:"DefaultConfig,omitempty"`
	IOS           *OverrideButtonConfiguration `json:"IOS,omitempty"`
	Web           *OverrideButtonConfiguration `json:"Web,omitempty"`
}

type DefaultButtonConfiguration struct {
	BackgroundColor string `json:"BackgroundColor,omitempty"`
	BorderRadius    *int   `json:"BorderRadius,omitempty"`
	ButtonAction    string `json:"ButtonAction"`
	Link            string `json:"Link,omitempty"`
	Text            string `json:"Text"`
	TextColor       string `json:"TextColor,omitempty"`
}

type OverrideButtonConfiguration struct {
	ButtonAction string `json:"ButtonAction"`
	Link         string `json:"Link,omitempty"`
}

// ---- templates ----

// Template is one version of an in-app template (InAppTemplateResponse).
// Templates belong to the account, not to an app, as in Pinpoint.
type Template struct {
	Arn                 string                 `json:"Arn,omitempty"`
	Content             []*InAppMessageContent `json:"Content,omitempty"`
	CreationDate        string                 `json:"CreationDate"`
	CustomConfig        map[string]string      `json:"CustomConfig,omitempty"`
	LastModifiedDate    string                 `json:"LastModifiedDate"`
	Layout              string                 `json:"Layout,omitempty"`
	Tags                map[string]string      `json:"tags,omitempty"`
	TemplateDescription string                 `json:"TemplateDescription,omitempty"`
	TemplateName        string                 `json:"TemplateName"`
	TemplateType        string                 `json:"TemplateType"`
	Version             string                 `json:"Version,omitempty"`
}

// TemplateRequest is InAppTemplateRequest.
type TemplateRequest struct {
	Content             []*InAppMessageContent `json:"Content,omitempty"`
	CustomConfig        map[string]string      `json:"CustomConfig,omitempty"`
	Layout              string                 `json:"Layout,omitempty"`
	Tags                map[string]string      `json:"tags,omitempty"`
	TemplateDescription string                 `json:"TemplateDescription,omitempty"`
}

// ---- campaigns ----

// Campaign is one version of a campaign (CampaignResponse).
type Campaign struct {
	AdditionalTreatments        []*Treatment                 `json:"AdditionalTreatments,omitempty"`
	ApplicationID               string                       `json:"ApplicationId"`
	Arn                         string                       `json:"Arn"`
	CreationDate                string                       `json:"CreationDate"`
	CustomDeliveryConfiguration *CustomDeliveryConfiguration `json:"CustomDeliveryConfiguration,omitempty"`
	DefaultState                *CampaignState               `json:"DefaultState,omitempty"`
	Description                 string                       `json:"Description,omitempty"`
	HoldoutPercent              int                          `json:"HoldoutPercent"`
	Hook                        *CampaignHook                `json:"Hook,omitempty"`
	ID                          string                       `json:"Id"`
	IsPaused                    bool                         `json:"IsPaused"`
	LastModifiedDate            string                       `json:"LastModifiedDate"`
	Limits                      *CampaignLimits              `json:"Limits,omitempty"`
	MessageConfiguration        *MessageConfiguration        `json:"MessageConfiguration,omitempty"`
	Name                        string                       `json:"Name,omitempty"`
	Schedule                    *Schedule                    `json:"Schedule,omitempty"`
	SegmentID                   string                       `json:"SegmentId"`
	SegmentVersion              int                          `json:"SegmentVersion"`
	State                       *CampaignState               `json:"State,omitempty"`
	Tags                        map[string]string            `json:"tags,omitempty"`
	TemplateConfiguration       *TemplateConfiguration       `json:"TemplateConfiguration,omitempty"`
	TreatmentDescription        string                       `json:"TreatmentDescription,omitempty"`
	TreatmentName               string                       `json:"TreatmentName,omitempty"`
	Version                     int                          `json:"Version"`
	Priority                    int                          `json:"Priority,omitempty"`
}

// CampaignRequest is WriteCampaignRequest.
type CampaignRequest struct {
	AdditionalTreatments        []*TreatmentRequest          `json:"AdditionalTreatments,omitempty"`
	CustomDeliveryConfiguration *CustomDeliveryConfiguration `json:"CustomDeliveryConfiguration,omitempty"`
	Description                 *string                      `json:"Description,omitempty"`
	HoldoutPercent              *int                         `json:"HoldoutPercent,omitempty"`
	Hook                        *CampaignHook                `json:"Hook,omitempty"`
	IsPaused                    *bool                        `json:"IsPaused,omitempty"`
	Limits                      *CampaignLimits              `json:"Limits,omitempty"`
	MessageConfiguration        *MessageConfiguration        `json:"MessageConfiguration,omitempty"`
	Name                        *string                      `json:"Name,omitempty"`
	Schedule                    *Schedule                    `json:"Schedule,omitempty"`
	SegmentID                   *string                      `json:"SegmentId,omitempty"`
	SegmentVersion              *int                         `json:"SegmentVersion,omitempty"`
	Tags                        map[string]string            `json:"tags,omitempty"`
	TemplateConfiguration       *TemplateConfiguration       `json:"TemplateConfiguration,omitempty"`
	TreatmentDescription        *string                      `json:"TreatmentDescription,omitempty"`
	TreatmentName               *string                      `json:"TreatmentName,omitempty"`
	Priority                    *int                         `json:"Priority,omitempty"`
}

type TreatmentRequest struct {
	CustomDeliveryConfiguration *CustomDeliveryConfiguration `json:"CustomDeliveryConfiguration,omitempty"`
	MessageConfiguration        *MessageConfiguration        `json:"MessageConfiguration,omitempty"`
	Schedule                    *Schedule                    `json:"Schedule,omitempty"`
	SizePercent                 *int                         `json:"SizePercent"`
	TemplateConfiguration       *TemplateConfiguration       `json:"TemplateConfiguration,omitempty"`
	TreatmentDescription        string                       `json:"TreatmentDescription,omitempty"`
	TreatmentName               string                       `json:"TreatmentName,omitempty"`
}

// Treatment is TreatmentResource: an additional (A/B) treatment.
type Treatment struct {
	CustomDeliveryConfiguration *CustomDeliveryConfiguration `json:"CustomDeliveryConfiguration,omitempty"`
	ID                          string                       `json:"Id"`
	MessageConfiguration        *MessageConfiguration        `json:"MessageConfiguration,omitempty"`
	Schedule                    *Schedule                    `json:"Schedule,omitempty"`
	SizePercent                 int                          `json:"SizePercent"`
	State                       *CampaignState               `json:"State,omitempty"`
	TemplateConfiguration       *TemplateConfiguration       `json:"TemplateConfiguration,omitempty"`
	TreatmentDescription        string                       `json:"TreatmentDescription,omitempty"`
	TreatmentName               string                       `json:"TreatmentName,omitempty"`
}

type CampaignState struct {
	CampaignStatus string `json:"CampaignStatus,omitempty"`
}

// Campaign statuses as Pinpoint reports them.
const (
	StatusScheduled = "SCHEDULED"
	StatusExecuting = "EXECUTING"
	StatusCompleted = "COMPLETED"
	StatusPaused    = "PAUSED"
	StatusDeleted   = "DELETED"
)

type CustomDeliveryConfiguration struct {
	DeliveryUri   string   `json:"DeliveryUri"`
	EndpointTypes []string `json:"EndpointTypes,omitempty"`
}

// MessageConfiguration keeps the in-app message typed and every other
// channel's message as raw JSON: inappd delivers only in-app, but echoes
// what it was given.
type MessageConfiguration struct {
	ADMMessage     any                   `json:"ADMMessage,omitempty"`
	APNSMessage    any                   `json:"APNSMessage,omitempty"`
	BaiduMessage   any                   `json:"BaiduMessage,omitempty"`
	CustomMessage  any                   `json:"CustomMessage,omitempty"`
	DefaultMessage any                   `json:"DefaultMessage,omitempty"`
	EmailMessage   any                   `json:"EmailMessage,omitempty"`
	GCMMessage     any                   `json:"GCMMessage,omitempty"`
	SMSMessage     any                   `json:"SMSMessage,omitempty"`
	InAppMessage   *CampaignInAppMessage `json:"InAppMessage,omitempty"`
}

type CampaignInAppMessage struct {
	Body         string                 `json:"Body,omitempty"`
	Content      []*InAppMessageContent `json:"Content,omitempty"`
	CustomConfig map[string]string      `json:"CustomConfig,omitempty"`
	Layout       string                 `json:"Layout,omitempty"`
}

type TemplateConfiguration struct {
	EmailTemplate *TemplateRef `json:"EmailTemplate,omitempty"`
	PushTemplate  *TemplateRef `json:"PushTemplate,omitempty"`
	SMSTemplate   *TemplateRef `json:"SMSTemplate,omitempty"`
	VoiceTemplate *TemplateRef `json:"VoiceTemplate,omitempty"`
	InAppTemplate *TemplateRef `json:"InAppTemplate,omitempty"`
}

// TemplateRef is the model's Template shape: a name and optional version.
type TemplateRef struct {
	Name    string `json:"Name,omitempty"`
	Version string `json:"Version,omitempty"`
}

type Schedule struct {
	EndTime     string               `json:"EndTime,omitempty"`
	EventFilter *CampaignEventFilter `json:"EventFilter,omitempty"`
	Frequency   string               `json:"Frequency,omitempty"`
	IsLocalTime *bool                `json:"IsLocalTime,omitempty"`
	QuietTime   *QuietTime           `json:"QuietTime,omitempty"`
	StartTime   string               `json:"StartTime"`
	Timezone    string               `json:"Timezone,omitempty"`
}

type CampaignEventFilter struct {
	Dimensions *EventDimensions `json:"Dimensions"`
	FilterType string           `json:"FilterType,omitempty"`
}

type EventDimensions struct {
	Attributes map[string]*AttributeDimension `json:"Attributes"`
	EventType  *SetDimension                  `json:"EventType,omitempty"`
	Metrics    map[string]*MetricDimension    `json:"Metrics"`
}

// ---- delivery ----

// InAppMessageCampaign is one entry of GetInAppMessages' answer.
type InAppMessageCampaign struct {
	CampaignID   string         `json:"CampaignId"`
	DailyCap     int            `json:"DailyCap"`
	InAppMessage *InAppMessage  `json:"InAppMessage"`
	Priority     int            `json:"Priority"`
	Schedule     *InAppSchedule `json:"Schedule"`
	SessionCap   int            `json:"SessionCap"`
	TotalCap     int            `json:"TotalCap"`
	TreatmentID  string         `json:"TreatmentId"`
}

type InAppMessage struct {
	Content      []*InAppMessageContent `json:"Content"`
	CustomConfig map[string]string      `json:"CustomConfig,omitempty"`
	Layout       string                 `json:"Layout"`
}

type InAppSchedule struct {
	EndDate     string               `json:"EndDate,omitempty"`
	EventFilter *CampaignEventFilter `json:"EventFilter"`
	QuietTime   *QuietTime           `json:"QuietTime,omitempty"`
}

// ---- events ----

// Event is one event of PutEvents, as stored.
type Event struct {
	AppPackageName   string             `json:"AppPackageName,omitempty"`
	AppTitle         string             `json:"AppTitle,omitempty"`
	AppVersionCode   string             `json:"AppVersionCode,omitempty"`
	Attributes       map[string]string  `json:"Attributes,omitempty"`
	ClientSdkVersion string             `json:"ClientSdkVersion,omitempty"`
	EventType        string             `json:"EventType"`
	Metrics          map[string]float64 `json:"Metrics,omitempty"`
	SdkName          string             `json:"SdkName,omitempty"`
	Session          *Session           `json:"Session,omitempty"`
	Timestamp        string             `json:"Timestamp"`
}

type Session struct {
	Duration       *int   `json:"Duration,omitempty"`
	ID             string `json:"Id"`
	StartTimestamp string `json:"StartTimestamp"`
	StopTimestamp  string `json:"StopTimestamp,omitempty"`
}

// In-app interaction event types (what Amplify and our SDK report).
const (
	EventDisplayed = "_inapp.message_displayed"
	EventDismissed = "_inapp.message_dismissed"
	EventClicked   = "_inapp.message_clicked"
)
