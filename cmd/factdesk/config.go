package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/factdesk/factdesk/bot"
	matrixbot "github.com/factdesk/factdesk/bot/matrix"
	"github.com/factdesk/factdesk/bot/shell"
	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

// Config is factdesk's configuration file. Every key is documented in
// configs/factdesk.example.yaml and the README; a test keeps them in step.
type Config struct {
	DB      string              `yaml:"db"`
	HTTP    HTTPConfig          `yaml:"http"`
	Editors map[string][]string `yaml:"editors"`
	Rules   RulesConfig         `yaml:"rules"`
	Shell   ShellConfig         `yaml:"shell"`
	Log     LogConfig           `yaml:"log"`
	Slack   slackbot.Config     `yaml:"slack"`
	Matrix  matrixbot.Config    `yaml:"matrix"`
	Fetch   FetchConfig         `yaml:"fetch"`
	Ingest  IngestConfig        `yaml:"ingest"`
	// Schedules are the digests of unresolved claims (see workflows/digest).
	Schedules []digest.Config `yaml:"schedules"`
	// Export is the export command and HTTP endpoints (export.go).
	Export ExportConfig `yaml:"export"`
	// Archive is the archiving of evidence links (archive.go).
	Archive ArchiveConfig `yaml:"archive"`
}

// HTTPConfig is the run command's HTTP server.
type HTTPConfig struct {
	Addr string `yaml:"addr"`
}

// RulesConfig is the verification policy; pointers tell "unset" from zero.
type RulesConfig struct {
	CorroborationSources *int     `yaml:"corroboration_sources"`
	FigureTolerance      *float64 `yaml:"figure_tolerance"`
	ApproverNotFiler     *bool    `yaml:"approver_not_filer"`
}

// ShellConfig is the terminal chat.
type ShellConfig struct {
	User       string `yaml:"user"`
	Transcript string `yaml:"transcript"`
}

// LogConfig sets logging.
type LogConfig struct {
	Level string `yaml:"level"` // debug, info, warn, error
	// Format is text (key=value lines, the default) or json (one object a
	// line, for log collectors).
	Format string `yaml:"format"`
}

// DefaultConfigPath is read when --config is not given, if it exists.
const DefaultConfigPath = "configs/factdesk.yaml"

func defaultConfig() Config {
	return Config{
		DB:      "sqlite://data/factdesk.db",
		HTTP:    HTTPConfig{Addr: "127.0.0.1:8080"},
		Editors: map[string][]string{},
		Shell:   ShellConfig{User: "reporter"},
		Log:     LogConfig{Level: "info"},
	}
}

// Rules returns the verification rules with defaults filled in.
func (c Config) VerificationRules() workflows.Rules {
	r := workflows.DefaultRules()
	if c.Rules.CorroborationSources != nil {
		r.CorroborationSources = *c.Rules.CorroborationSources
	}
	if c.Rules.FigureTolerance != nil {
		r.FigureTolerance = *c.Rules.FigureTolerance
	}
	if c.Rules.ApproverNotFiler != nil {
		r.ApproverNotFiler = *c.Rules.ApproverNotFiler
	}
	return r
}

// LoadConfig reads the config: the file named (or FACTDESK_CONFIG, or
// configs/factdesk.yaml if present, or none), then environment overrides.
func LoadConfig(path string, getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	explicit := path != ""
	if path == "" {
		path = getenv("FACTDESK_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = DefaultConfigPath
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := ParseConfig(data, &cfg); err != nil {
			return cfg, fmt.Errorf("%s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist) && !explicit:
		// No file: built-in defaults.
	default:
		return cfg, fmt.Errorf("reading config: %w", err)
	}
	applyEnv(&cfg, getenv)
	return cfg, cfg.Validate()
}

var (
	unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type`)
	badValue     = regexp.MustCompile("line (\\d+): cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")
)

// ParseConfig decodes YAML into cfg strictly: an unknown key, or a value of
// the wrong kind, is an error that names the key by its full path
// (http.addr) and line.
func ParseConfig(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, errEOF) && err.Error() != "EOF" {
		if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
			return fmt.Errorf("unknown config key %q (%s, line %s)", m[2], keyPath(data, m[1], m[2]), m[1])
		}
		if m := badValue.FindStringSubmatch(err.Error()); m != nil {
			return fmt.Errorf("config key %s (line %s): %q is not %s", keyPath(data, m[1], ""), m[1], m[3], kindName(m[4]))
		}
		return err
	}
	return nil
}

// keyPath is the dotted path of the key on the given line of a YAML
// document ("http.addr"), or fallback when none is found there.
func keyPath(data []byte, line, fallback string) string {
	var doc yaml.Node
	n, err := strconv.Atoi(line)
	if err != nil || yaml.Unmarshal(data, &doc) != nil {
		return fallback
	}
	var walk func(node *yaml.Node, path string) string
	walk = func(node *yaml.Node, path string) string {
		switch node.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range node.Content {
				if p := walk(c, path); p != "" {
					return p
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(node.Content); i += 2 {
				k, v := node.Content[i], node.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == n || (v.Kind == yaml.ScalarNode && v.Line == n) {
					return p
				}
				if found := walk(v, p); found != "" {
					return found
				}
			}
		case yaml.ScalarNode:
			if node.Line == n {
				return path
			}
		}
		return ""
	}
	if p := walk(&doc, ""); p != "" {
		return p
	}
	return fallback
}

// kindName says in words what a Go type in a YAML error expects.
func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "time.Duration":
		return "a duration like 20s or 5m"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "main."):
		return "a section of keys"
	}
	return "a " + goType
}

var errEOF = errors.New("EOF")

// applyEnv lets the environment override the database and secrets.
func applyEnv(cfg *Config, getenv func(string) string) {
	if v := getenv("FACTDESK_DB"); v != "" {
		cfg.DB = v
	}
	for _, o := range envOverrides() {
		if v := getenv(o.name); v != "" {
			o.set(cfg, v)
		}
	}
}

// envOverride is one environment variable that overrides a config key.
type envOverride struct {
	name string // the environment variable
	key  string // the config key it overrides
	set  func(*Config, string)
}

// envOverrides are every secret the environment may hold instead of the
// config file (the README's configuration section lists them).
func envOverrides() []envOverride {
	return []envOverride{
		{"FACTDESK_SLACK_BOT_TOKEN", "slack.bot_token", func(c *Config, v string) { c.Slack.BotToken = v }},
		{"FACTDESK_SLACK_APP_TOKEN", "slack.app_token", func(c *Config, v string) { c.Slack.AppToken = v }},
		{"FACTDESK_SLACK_SIGNING_SECRET", "slack.signing_secret", func(c *Config, v string) { c.Slack.SigningSecret = v }},
		{"FACTDESK_MATRIX_ACCESS_TOKEN", "matrix.access_token", func(c *Config, v string) { c.Matrix.AccessToken = v }},
		{"FACTDESK_MATRIX_PICKLE_KEY", "matrix.pickle_key", func(c *Config, v string) { c.Matrix.PickleKey = v }},
		{"FACTDESK_MATRIX_RECOVERY_KEY", "matrix.recovery_key", func(c *Config, v string) { c.Matrix.RecoveryKey = v }},
		{"FACTDESK_SPN_ACCESS_KEY", "archive.save_page_now.access_key", func(c *Config, v string) { c.Archive.SavePageNow.AccessKey = v }},
		{"FACTDESK_SPN_SECRET_KEY", "archive.save_page_now.secret_key", func(c *Config, v string) { c.Archive.SavePageNow.SecretKey = v }},
		{"FACTDESK_EXPORT_TOKEN", "export.token", func(c *Config, v string) { c.Export.Token = v }},
	}
}

// hasPlatform reports whether the config sets up a platform: the terminal
// always is; Slack with a bot token, Matrix with a homeserver.
func (c Config) hasPlatform(name string) bool {
	switch name {
	case slackbot.Platform:
		return c.Slack.BotToken != ""
	case matrixbot.Platform:
		return c.Matrix.Homeserver != ""
	}
	return true
}

// knownPlatforms are the platforms editors may be listed for.
var knownPlatforms = map[string]bool{"shell": true, "slack": true, "matrix": true}

// Validate checks the config as a whole.
func (c Config) Validate() error {
	if c.DB == "" {
		return errors.New("db is empty: write db: sqlite://data/factdesk.db")
	}
	if !strings.HasPrefix(c.DB, "sqlite://") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("db %q: use sqlite://PATH or postgres://…", c.DB)
	}
	if err := storage.CheckURL(c.DB); err != nil {
		return err
	}
	if _, err := bot.PlainName(c.Shell.User); err != nil {
		return fmt.Errorf("shell.user %q: %s", c.Shell.User, workflows.ErrorMessage(err))
	}
	if host, port, err := net.SplitHostPort(c.HTTP.Addr); err != nil || strings.ContainsAny(host, " \t") {
		return fmt.Errorf("http.addr %q: give host:port, e.g. 127.0.0.1:8080", c.HTTP.Addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("http.addr %q: the port must be a number from 0 to 65535", c.HTTP.Addr)
	}
	for p, ids := range c.Editors {
		if !knownPlatforms[p] {
			return fmt.Errorf("editors.%s: unknown platform (shell, slack, matrix)", p)
		}
		for _, id := range ids {
			if id == "" || strings.ContainsFunc(id, unicode.IsSpace) {
				return fmt.Errorf("editors.%s: %q is not a user id or name: one word, no spaces", p, id)
			}
			if p == shell.Platform {
				if _, err := bot.PlainName(id); err != nil {
					return fmt.Errorf("editors.shell: %q: %s", id, workflows.ErrorMessage(err))
				}
			}
			if p == slackbot.Platform && !slackbot.IsUserID(id) {
				return fmt.Errorf("editors.slack: %q is not a Slack user id like U012ABCDEF (a member's profile shows it under ⋮ › Copy member ID)", id)
			}
		}
	}
	if err := c.VerificationRules().Validate(); err != nil {
		return err
	}
	switch c.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level %q: use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "", "text", "json":
	default:
		return fmt.Errorf("log.format %q: use text or json", c.Log.Format)
	}
	if err := c.Fetch.validate(); err != nil {
		return err
	}
	for key, n := range map[string]int{"max_running": c.Ingest.MaxRunning, "max_running_per_person": c.Ingest.MaxRunningPerPerson,
		"keep_max": c.Ingest.KeepMax} {
		if n < 0 {
			return fmt.Errorf("ingest.%s %d: cannot be negative (0 or leaving it out means the default)", key, n)
		}
	}
	if _, err := digest.ParseAll(c.Schedules); err != nil {
		return err
	}
	for _, s := range c.Schedules {
		if !c.hasPlatform(s.Platform) {
			return fmt.Errorf("schedules: %q posts to %s, which this config does not set up: configure the %s: section or change the schedule's platform",
				s.Name, s.Platform, s.Platform)
		}
	}
	for _, err := range []error{c.Slack.CheckSection(), validateMatrix(c), c.Archive.validate(), c.Export.validate()} {
		if err != nil {
			return err
		}
	}
	return nil
}
