# syntax=docker/dockerfile:1
#
# rollcall's image: a static binary on distroless, run as a non-root user.
#
#   docker build --build-arg VERSION=$(git rev-parse HEAD) -t rollcall .
#
# The image ships no employee list: set ROLLCALL_SOURCE (and ROLLCALL_STORE)
# when running it, see docs/deploy.md. The tests in deploy/ check this file
# and run its build command outside Docker.

FROM golang:1.26 AS build
WORKDIR /src

# Modules first, so that a change to the code reuses this layer.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/rollcall ./cmd/rollcall

# distroless/static: CA certificates and tzdata, no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rollcall /rollcall
# The nonroot user's home is writable, for a bolt: store file in `docker run`.
WORKDIR /home/nonroot
USER nonroot:nonroot
ENTRYPOINT ["/rollcall"]
CMD ["serve"]
