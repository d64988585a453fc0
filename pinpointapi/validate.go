package pinpointapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Validation of request members that are about the wire and the content of
// messages. Segment, event filter and schedule rules live in package
// targeting, where they are compiled.

func missing(member string) error {
	return inapp.Errorf(inapp.EINVALID, "Missing required member: %s.", member)
}

func oneOf(member, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return inapp.Errorf(inapp.EINVALID, "%s: %q is not one of %s.", member, value, strings.Join(allowed, ", "))
}

func marshalMap(m map[string]any) ([]byte, error) { return json.Marshal(m) }

var (
	layouts        = []string{"BOTTOM_BANNER", "TOP_BANNER", "OVERLAYS", "MOBILE_FEED", "MIDDLE_BANNER", "CAROUSEL"}
	alignments     = []string{"LEFT", "CENTER", "RIGHT"}
	buttonActions  = []string{"LINK", "DEEP_LINK", "CLOSE"}
	templateNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)
	hhmmRe         = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// MaxContentCards is the most content items an in-app message can carry.
const MaxContentCards = 5

func validateTemplateName(name string) error {
	if !templateNameRe.MatchString(name) {
		return inapp.Errorf(inapp.EINVALID, "Template name %q is not valid: it must start with a letter or digit and contain at most 128 letters, digits, underscores (_) and hyphens (-).", name)
	}
	return nil
}

func validateTags(tags map[string]string) error {
	if len(tags) > 50 {
		return inapp.Errorf(inapp.EINVALID, "A resource can have at most 50 tags; the request has %d.", len(tags))
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 {
			return inapp.Errorf(inapp.EINVALID, "Tag key %q must be 1 to 128 characters long.", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return inapp.Errorf(inapp.EINVALID, "Tag key %q uses the reserved prefix aws:.", k)
		}
		if len(v) > 256 {
			return inapp.Errorf(inapp.EINVALID, "The value of tag %q must be at most 256 characters long.", k)
		}
	}
	return nil
}

func validateLimits(l *inapp.CampaignLimits, path string) error {
	if l == nil {
		return nil
	}
	check := func(name string, v *int, lo, hi int) error {
		if v == nil || *v == 0 {
			return nil // 0 or absent: no cap / project default
		}
		if *v < lo || *v > hi {
			return inapp.Errorf(inapp.EINVALID, "%s.%s must be from %d to %d, got %d.", path, name, lo, hi, *v)
		}
		return nil
	}
	for _, err := range []error{
		check("Daily", l.Daily, 1, 100),
		check("Total", l.Total, 1, 100),
		check("Session", l.Session, 1, 100),
		check("MessagesPerSecond", l.MessagesPerSecond, 1, 20000),
		check("MaximumDuration", l.MaximumDuration, 60, 1<<31-1),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func validateQuietTime(q *inapp.QuietTime, path string) error {
	if q == nil {
		return nil
	}
	for name, v := range map[string]string{"Start": q.Start, "End": q.End} {
		if v != "" && !hhmmRe.MatchString(v) {
			return inapp.Errorf(inapp.EINVALID, "%s.%s must be a 24-hour time HH:MM, got %q.", path, name, v)
		}
	}
	if (q.Start == "") != (q.End == "") {
		return inapp.Errorf(inapp.EINVALID, "%s needs both Start and End.", path)
	}
	return nil
}

// validateInAppContent checks an in-app message's layout and cards.
func validateInAppContent(layout string, content []*inapp.InAppMessageContent, path string) error {
	if layout != "" {
		if err := oneOf(path+"Layout", layout, layouts...); err != nil {
			return err
		}
	}
	if len(content) > MaxContentCards {
		return inapp.Errorf(inapp.EINVALID, "%sContent has %d items; an in-app message can have at most %d.", path, len(content), MaxContentCards)
	}
	for i, card := range content {
		p := fmt.Sprintf("%sContent[%d]", path, i)
		if card == nil {
			return inapp.Errorf(inapp.EINVALID, "%s must be an object.", p)
		}
		if b := card.BodyConfig; b != nil {
			if err := textConfig(p+".BodyConfig", "Body", b.Body, b.Alignment, b.TextColor); err != nil {
				return err
			}
		}
		if h := card.HeaderConfig; h != nil {
			if err := textConfig(p+".HeaderConfig", "Header", h.Header, h.Alignment, h.TextColor); err != nil {
				return err
			}
		}
		if card.BodyConfig == nil && card.HeaderConfig == nil && card.ImageUrl == "" {
			return inapp.Errorf(inapp.EINVALID, "%s needs at least a HeaderConfig, a BodyConfig or an ImageUrl.", p)
		}
		for name, btn := range map[string]*inapp.InAppMessageButton{"PrimaryBtn": card.PrimaryBtn, "SecondaryBtn": card.SecondaryBtn} {
			if err := validateButton(btn, p+"."+name); err != nil {
				return err
			}
		}
	}
	return nil
}

func textConfig(path, textMember, text, alignment, color string) error {
	switch {
	case alignment == "":
		return missing(path + ".Alignment")
	case text == "":
		return missing(path + "." + textMember)
	case color == "":
		return missing(path + ".TextColor")
	}
	return oneOf(path+".Alignment", alignment, alignments...)
}

func validateButton(b *inapp.InAppMessageButton, path string) error {
	if b == nil {
		return nil
	}
	if d := b.DefaultConfig; d != nil {
		if d.ButtonAction == "" {
			return missing(path + ".DefaultConfig.ButtonAction")
		}
		if d.Text == "" {
			return missing(path + ".DefaultConfig.Text")
		}
		if err := buttonAction(path+".DefaultConfig", d.ButtonAction, d.Link); err != nil {
			return err
		}
	}
	for name, o := range map[string]*inapp.OverrideButtonConfiguration{"Android": b.Android, "IOS": b.IOS, "Web": b.Web} {
		if o == nil {
			continue
		}
		if o.ButtonAction == "" {
			return missing(path + "." + name + ".ButtonAction")
		}
		if err := buttonAction(path+"."+name, o.ButtonAction, o.Link); err != nil {
			return err
		}
	}
	return nil
}

func buttonAction(path, action, link string) error {
	if err := oneOf(path+".ButtonAction", action, buttonActions...); err != nil {
		return err
	}
	if action != "CLOSE" && link == "" {
		return inapp.Errorf(inapp.EINVALID, "%s.Link is required when ButtonAction is %s.", path, action)
	}
	return nil
}
