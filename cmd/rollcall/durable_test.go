package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	gfs "cloud.google.com/go/firestore"

	"github.com/rollcall/rollcall/internal/bolt"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/storetest"
	"github.com/rollcall/rollcall/internal/userkey"
)

// TestSuccessIsDurableBeforeTheAnswer is issue 20's last acceptance: a
// crash right after a SUCCESS never leaves the user unbound, because the
// bind is durable before the answer (Open Builder calls the auth block's
// own skill right after, maybe on another instance). At the moment each
// SUCCESS arrives the test takes what a crash would leave: on bolt, a copy
// of the store's files as they are on disk then, opened as a new process
// would; on Firestore, the binding document read by another client.
func TestSuccessIsDurableBeforeTheAnswer(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"bolt", "firestore"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			e := bindingEnv(t, store)
			c, _, _, ctx := startBindingService(t, e, kakaotest.NewServer(t))

			var crashed func(user string) bool
			if store == "bolt" {
				crashed = func(user string) bool {
					copyPath := storetest.CrashCopy(t, filepath.Join(e.dir, "rollcall.db"))
					s, err := bolt.Open(copyPath)
					if err != nil {
						t.Fatalf("open the store a crash left: %v", err)
					}
					defer s.Close()
					_, found, err := s.Binding(ctx, userkey.Of(user))
					if err != nil {
						t.Fatal(err)
					}
					return found
				}
			} else {
				client, err := gfs.NewClient(ctx, strings.TrimPrefix(e.vars["ROLLCALL_STORE"], "firestore:"))
				if err != nil {
					t.Fatal(err)
				}
				defer client.Close()
				crashed = func(user string) bool {
					snap, err := client.Collection("bindings").Doc(userkey.Of(user)).Get(ctx)
					return err == nil && snap.Exists()
				}
			}
			for i := range 20 {
				user := fmt.Sprintf("%064x", i+1)
				if got := c.as(user).validate(exampleEmployee); !strings.Contains(got, `"status":"SUCCESS"`) {
					t.Fatalf("user %d: validate = %s, want SUCCESS", i+1, got)
				}
				if !crashed(user) {
					t.Errorf("user %d: answered SUCCESS, but a crash then leaves them unbound", i+1)
				}
			}
		})
	}
}
