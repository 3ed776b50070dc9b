package main

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/factdesk/factdesk/workflows/digest"
)

// Reloading the config on SIGHUP.
//
// The editors and the digest schedules change in place: they are what a
// desk's staff changes during a working day. Every other key is read once
// at start (connections, the database, the HTTP listener, limits wired into
// adapters); a reload that changes one of them names it in a warning, and
// the change takes effect at the next restart.

// reloadable are the top-level keys a reload applies.
var reloadable = map[string]bool{"editors": true, "schedules": true}

// reloader holds the config a running desk was started or last reloaded with.
type reloader struct {
	d       *Desk
	path    string
	getenv  func(string) string
	applied Config
}

// watchHangups reloads the config each time hup delivers, until ctx ends.
func (m *Main) watchHangups(ctx context.Context, d *Desk, path string, hup <-chan os.Signal) error {
	r := &reloader{d: d, path: path, getenv: m.Getenv, applied: d.Config}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			err := r.reload()
			if m.Reloaded != nil {
				m.Reloaded(err)
			}
		}
	}
}

// reload re-reads the config file (and the environment), as at start. An
// invalid config changes nothing; the error says why and is logged.
func (r *reloader) reload() error {
	log := r.d.Logger
	cfg, err := LoadConfig(r.path, r.getenv)
	if err != nil {
		log.Error("config reload failed; keeping the running config", "err", err)
		return err
	}
	schedules, err := digest.ParseAll(cfg.Schedules)
	if err != nil {
		log.Error("config reload failed; keeping the running config", "err", err)
		return err
	}
	changed := changedKeys(r.applied, cfg)
	var applied, restart []string
	for _, key := range changed {
		top, _, _ := strings.Cut(key, ".")
		if reloadable[top] {
			applied = append(applied, key)
		} else {
			restart = append(restart, key)
		}
	}
	r.d.Roles.SetEditors(cfg.Editors)
	if runner := r.d.Digests; runner != nil {
		runner.SetSchedules(schedules)
	}
	r.applied.Editors, r.applied.Schedules = cfg.Editors, cfg.Schedules
	log.Info("config reloaded", "applied", strings.Join(applied, ","), "schedules", len(schedules))
	for _, s := range schedules {
		log.Info("digest scheduled", "schedule", s.Name, "cron", s.Cron, "platform", s.Platform, "channel", s.Channel)
	}
	if len(restart) > 0 {
		log.Warn("config keys changed that take effect only after a restart", "keys", strings.Join(restart, ","))
	}
	return nil
}

// changedKeys names the config keys whose values differ between a and b:
// dotted YAML paths into nested sections (slack.bot_token), whole lists
// and maps as one key (editors.slack, schedules).
func changedKeys(a, b Config) []string {
	var out []string
	diffValues("", reflect.ValueOf(a), reflect.ValueOf(b), &out)
	slices.Sort(out)
	return out
}

func diffValues(prefix string, a, b reflect.Value, out *[]string) {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			if prefix != "" {
				name = prefix + "." + name
			}
			diffValues(name, a.Field(i), b.Field(i), out)
		}
	case reflect.Map:
		if a.Type().Key().Kind() != reflect.String {
			break
		}
		keys := map[string]bool{}
		for _, k := range a.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range b.MapKeys() {
			keys[k.String()] = true
		}
		for k := range keys {
			va, vb := a.MapIndex(reflect.ValueOf(k)), b.MapIndex(reflect.ValueOf(k))
			if !va.IsValid() || !vb.IsValid() || !reflect.DeepEqual(va.Interface(), vb.Interface()) {
				*out = append(*out, prefix+"."+k)
			}
		}
		return
	}
	if a.Kind() != reflect.Struct && !reflect.DeepEqual(a.Interface(), b.Interface()) {
		*out = append(*out, prefix)
	}
}
