// Command fakekakao serves a fake of Kakao's OTP profile API on plain http
// (127.0.0.1 only) for local demos of rollcall, with two reusable OTP URLs —
// an employee of the example directory and a stranger — and prints the
// environment rollcall needs and ready-to-paste curl commands.
//
//	go run ./internal/kakao/kakaotest/cmd/fakekakao [-port 8090] [-key demo-key] [-rollcall http://localhost:8080]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakekakao:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fakekakao", flag.ContinueOnError)
	port := fs.Int("port", 8090, "port to listen on, on 127.0.0.1")
	key := fs.String("key", "demo-key", "the REST API key the fake accepts")
	rollcall := fs.String("rollcall", "http://localhost:8080", "rollcall's base URL, for the printed curl commands")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := kakaotest.Start(kakaotest.PlainHTTP(), kakaotest.WithAPIKey(*key),
		kakaotest.ListenAddr(fmt.Sprintf("127.0.0.1:%d", *port)), kakaotest.Unrecorded())
	if err != nil {
		return err
	}
	defer srv.Close()

	employee := srv.IssueReusable(kakaotest.Profile{
		AppUserID: 3001234567, Nickname: "데모 임직원", PhoneNumber: "+82 10-1234-5678", Email: "employee@example.com",
	})
	stranger := srv.IssueReusable(kakaotest.Profile{
		AppUserID: 3009999000, Nickname: "데모 방문자", PhoneNumber: "+82 10-9999-0000", Email: "stranger@example.com",
	})

	fmt.Fprintf(stdout, "Fake Kakao OTP profile API on %s (REST API key %q).\n\n", srv.Origin(), srv.APIKey())
	fmt.Fprintf(stdout, "Start rollcall with:\n\n  ROLLCALL_KAKAO_REST_API_KEY=%s ROLLCALL_KAKAO_OTP_ORIGINS=%s go run ./cmd/rollcall serve\n\n",
		srv.APIKey(), srv.Origin())
	for _, c := range []struct{ who, otp string }{
		{"an employee (+82 10-1234-5678) → SUCCESS", employee},
		{"a stranger (+82 10-9999-0000) → FAIL", stranger},
	} {
		body, err := validationRequest(c.otp)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# %s\ncurl -sS -X POST %s/kakao/validate -H 'Content-Type: application/json' -d '%s'\n\n",
			c.who, *rollcall, body)
	}
	fmt.Fprintf(stdout, "(With ROLLCALL_SKILL_SECRET set, add -H 'X-Rollcall-Secret: <secret>'.)\nCtrl-C to stop.\n")
	<-ctx.Done()
	return nil
}

// validationRequest is a parameter validation request shaped like Open
// Builder's, carrying otp as the profile plugin's value.
func validationRequest(otp string) ([]byte, error) {
	return json.Marshal(map[string]any{
		"bot":             map[string]string{"id": "5f1a0b2a9c8d7e0001f0e1d2", "name": "사내 도우미"},
		"utterance":       "임직원 인증",
		"params":          map[string]string{"surface": "Kakaotalk.plusfriend"},
		"isInSlotFilling": false,
		"user": map[string]any{
			"id":   "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c",
			"type": "botUserKey",
			"properties": map[string]string{
				"botUserKey":        "a3f0c1d2e4b5968778a9b0c1d2e3f40516273849a0b1c2d3e4f5061728394a5b6c",
				"plusfriendUserKey": "Xy7-AbCdEf12",
			},
		},
		"value":    map[string]string{"origin": otp, "resolved": otp},
		"timezone": "Asia/Seoul",
		"lang":     "ko",
	})
}
