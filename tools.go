//go:build tools

// Package main pins modules the project is about to use so go.mod stays stable while code lands.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/gorilla/websocket"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/jmoiron/sqlx"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/robfig/cron/v3"
	_ "github.com/slack-go/slack"
	_ "github.com/slack-go/slack/slackevents"
	_ "github.com/slack-go/slack/socketmode"
	_ "golang.org/x/net/html"
	_ "gopkg.in/yaml.v3"
	_ "maunium.net/go/mautrix"
	_ "modernc.org/sqlite"
)

func main() {}
