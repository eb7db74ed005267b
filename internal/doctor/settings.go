package doctor

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rollcall/rollcall/internal/config"
)

func configProblems(problems []string) Check {
	return Check{Name: CheckConfig, Status: Fail,
		Detail: "invalid configuration: " + strings.Join(problems, "; "),
		Fix:    "correct the variables named, then run rollcall doctor again"}
}

// configCheck shows every variable, secrets masked.
func configCheck(c config.Config) Check {
	settings := c.Settings()
	parts := make([]string, len(settings))
	for i, v := range settings {
		parts[i] = v.Name + "=" + v.Value
	}
	return Check{Name: CheckConfig, Status: OK, Detail: "valid: " + strings.Join(parts, " ")}
}

func identityCheck(ctx context.Context, s Setup) Check {
	src, st := s.Config.Source, s.Config.Store
	sheetsCalls := src.Kind == config.SourceSheets && src.SheetsEndpoint == ""
	if !sheetsCalls && (st.Kind != config.StoreFirestore || s.Config.FirestoreEmulator) {
		detail := "no Google calls: the source is a file and the store is " + st.Kind
		if src.Kind == config.SourceSheets || st.Kind == config.StoreFirestore {
			detail = "no Google credentials in use: ROLLCALL_SHEETS_ENDPOINT or FIRESTORE_EMULATOR_HOST points at a local fake"
		}
		return Check{Name: CheckIdentity, Status: OK, Detail: detail}
	}
	switch account, err := s.Account(ctx); {
	case err != nil:
		return Check{Name: CheckIdentity, Status: Fail, Detail: err.Error(),
			Fix: fixOf(err, "give rollcall Google credentials (gcloud auth application-default login)")}
	case account != "":
		return Check{Name: CheckIdentity, Status: OK, Detail: "the Google calls run as " + account +
			" (share the sheet with this account)"}
	}
	return Check{Name: CheckIdentity, Status: Warn,
		Detail: "the Google account of the credentials is not known here",
		Fix: "run on Cloud Run (GET /internal/doctor) or with a service account key or impersonation, " +
			"so that the account to share the sheet with can be named"}
}

func kakaoCheck(ctx context.Context, c config.Config, probe func(context.Context) error) Check {
	origins, kind := strings.Join(c.Kakao.Origins.Strings(), ","), "default"
	if origins != config.DefaultKakaoOrigins {
		kind = "custom"
	}
	settings := fmt.Sprintf("%s origins %s; time-out %s", kind, origins, c.Kakao.Timeout)
	if c.Kakao.RESTAPIKey == "" {
		// A deployment (Cloud Run) cannot verify anyone without the key.
		status := Warn
		if c.CloudRun {
			status = Fail
		}
		return Check{Name: CheckKakao, Status: status, Detail: "ROLLCALL_KAKAO_REST_API_KEY is not set: every verification answers ERROR; " + settings,
			Fix: "set ROLLCALL_KAKAO_REST_API_KEY to the Kakao app's REST API key (Kakao Developers > the app > App Keys)"}
	}
	if probe == nil {
		return Check{Name: CheckKakao, Status: OK, Detail: "REST API key set; " + settings}
	}
	ctx, cancel := context.WithTimeout(ctx, kakaoTimeout)
	defer cancel()
	switch err := probe(ctx); {
	case err == nil:
		return Check{Name: CheckKakao, Status: OK, Detail: "REST API key set, and Kakao did not refuse it from this machine (asked for a never-issued OTP); " + settings}
	case fixOf(err, "") != "":
		return Check{Name: CheckKakao, Status: Fail, Detail: "REST API key set; " + err.Error() + "; " + settings, Fix: fixOf(err, "")}
	default:
		return Check{Name: CheckKakao, Status: Warn, Detail: "REST API key set but not checked: " + err.Error() + "; " + settings,
			Fix: "check this machine's network access to Kakao, then run rollcall doctor again"}
	}
}

// StartChecks are the checks that call nothing out, which serve logs at start-up.
func StartChecks(ctx context.Context, c config.Config) []Check {
	return []Check{kakaoCheck(ctx, c, nil), protectionCheck(c)}
}

func protectionCheck(c config.Config) Check {
	k, sync := c.Kakao, c.Sync
	if c.SkillSecretMissing() {
		return Check{Name: CheckProtection, Status: Fail,
			Detail: "no skill secret on Cloud Run: rollcall serve refuses to start",
			Fix:    "set ROLLCALL_SKILL_SECRET to the secret Open Builder sends, or to off to leave /kakao/* open on purpose"}
	}
	var found, missing, fixes []string
	// note records what is set, or what is missing and the variable to set.
	note := func(set bool, shown, lacking, variable string) {
		if set {
			found = append(found, shown)
		} else {
			missing, fixes = append(missing, lacking), append(fixes, variable)
		}
	}
	skillSecret := "skill secret set"
	if k.SkillOpen {
		skillSecret = "skill secret off (open on purpose)"
	}
	note(k.SkillOpen || k.SkillSecret != "", skillSecret, "no skill secret", "ROLLCALL_SKILL_SECRET (and the same header in Open Builder's skills)")
	note(k.BotID != "", "bot id "+k.BotID, "no bot id", "ROLLCALL_BOT_ID")
	noInvokers := "no sync token or invokers: /internal/sync is refused"
	if sync.Token != "" {
		noInvokers = "no sync invokers"
		if len(sync.Invokers) == 0 {
			found = append(found, "sync token set, no invokers")
		}
	}
	// Counted, not listed: serve logs this check, and logs carry no addresses.
	note(len(sync.Invokers) > 0, fmt.Sprintf("%d sync invoker(s)", len(sync.Invokers)), noInvokers, "ROLLCALL_SYNC_INVOKERS (Cloud Scheduler's service account)")
	if len(sync.Invokers) > 0 {
		note(sync.Audience != "", "audience "+sync.Audience, "no sync audience (the request's own URL is taken)", "ROLLCALL_SYNC_AUDIENCE")
	}
	note(c.Bindings.AuthBlockID != "", "auth block id set", "no auth block id (the gate offers no button)", "ROLLCALL_AUTH_BLOCK_ID")
	check := Check{Name: CheckProtection, Status: OK, Detail: strings.Join(append(found, missing...), "; ")}
	if len(missing) > 0 {
		check.Status, check.Fix = Warn, "for production, set "+strings.Join(fixes, ", ")
	}
	return check
}

// maxTextShown is how much of a text the texts check repeats.
const maxTextShown = 60

func textsCheck(texts []config.Setting) Check {
	parts := make([]string, len(texts))
	custom := 0
	for i, t := range texts {
		name := strings.TrimPrefix(t.Name, "ROLLCALL_TEXT_")
		if t.Value == "" {
			parts[i] = name + " (default)"
			continue
		}
		custom++
		v := t.Value
		if utf8.RuneCountInString(v) > maxTextShown {
			v = string([]rune(v)[:maxTextShown]) + "…"
		}
		parts[i] = fmt.Sprintf("%s %q", name, v)
	}
	return Check{Name: CheckTexts, Status: OK,
		Detail: fmt.Sprintf("%d of %d texts set by the deployment: %s", custom, len(texts), strings.Join(parts, "; "))}
}
