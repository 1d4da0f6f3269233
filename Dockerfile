# Build a static binary, then ship it alone on a distroless base: no shell,
# no package manager, a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bottega ./cmd/bottega

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bottega /bottega
USER nonroot:nonroot
# The data folder (clips cut from lesson videos, exports) is under the
# nonroot user's home, which the image owns: a volume mounted on
# /home/nonroot starts with that ownership and keeps it across upgrades.
ENV HTTP_ADDR=0.0.0.0:8080 \
    BOTTEGA_DATA_DIR=/home/nonroot/bottega
EXPOSE 8080
ENTRYPOINT ["/bottega"]
CMD ["serve"]
