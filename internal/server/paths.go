package server

import (
	"net/http"
	"strings"
)

// canonical serves a request as the route it names, so that every answer
// is the route's JSON: a path's trailing slashes are dropped (gin would
// answer "/kakao/validate/" with a bodyless redirect, which a skill client
// does not follow), and HEAD is served as GET, whose body net/http then
// leaves out while keeping its Content-Length.
func canonical(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		slash := len(path) > 1 && strings.HasSuffix(path, "/")
		head := r.Method == http.MethodHead
		if !slash && !head {
			next.ServeHTTP(w, r)
			return
		}
		r2 := *r // shallow: the copy only gets its own URL and method
		u := *r.URL
		r2.URL = &u
		if slash {
			u.Path = "/" + strings.Trim(path, "/")
			u.RawPath = ""
		}
		if head {
			r2.Method = http.MethodGet
		}
		next.ServeHTTP(w, &r2)
	})
}
