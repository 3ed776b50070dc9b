package slack_test

import (
	"os"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	slackbot "github.com/factdesk/factdesk/bot/slack"
)

// TestManifest keeps the app manifest within Slack's rules and in step with
// what the adapter uses.
func TestManifest(t *testing.T) {
	raw, err := os.ReadFile("../../configs/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Display struct {
			Name string `yaml:"name"`
		} `yaml:"display_information"`
		Features struct {
			Commands []struct {
				Command     string `yaml:"command"`
				Description string `yaml:"description"`
				Escape      bool   `yaml:"should_escape"`
			} `yaml:"slash_commands"`
			Shortcuts []struct {
				Name        string `yaml:"name"`
				Type        string `yaml:"type"`
				CallbackID  string `yaml:"callback_id"`
				Description string `yaml:"description"`
			} `yaml:"shortcuts"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Display.Name); n == 0 || n > 35 {
		t.Errorf("name %q: 1 to 35 characters", m.Display.Name)
	}
	if len(m.Features.Commands) != 1 || m.Features.Commands[0].Command != "/factdesk" ||
		len(m.Features.Commands[0].Command) > 32 || m.Features.Commands[0].Description == "" ||
		!m.Features.Commands[0].Escape { // mentions must arrive as user ids

		t.Errorf("slash commands = %+v", m.Features.Commands)
	}
	for _, s := range []string{"chat:write", "commands", "app_mentions:read", "channels:history", "groups:history", "im:history", "im:write", "usergroups:read", "users:read"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("scope %s missing", s)
		}
	}
	for _, e := range []string{"app_mention", "app_home_opened", "message.channels", "message.groups", "message.im"} {
		if !slices.Contains(m.Settings.Events.Bot, e) {
			t.Errorf("event %s missing", e)
		}
	}
	// The shortcuts the adapter answers, each within Slack's limits (name
	// and callback id at most 255 characters, description at most 150).
	want := map[string]string{slackbot.ShortcutFileClaim: "message", slackbot.ShortcutAddEvidence: "message", slackbot.ShortcutNewClaim: "global"}
	for _, sc := range m.Features.Shortcuts {
		if want[sc.CallbackID] != sc.Type || sc.Name == "" || sc.Description == "" || len(sc.Description) > 150 {
			t.Errorf("shortcut %+v", sc)
		}
		delete(want, sc.CallbackID)
	}
	if len(want) > 0 {
		t.Errorf("shortcuts missing from the manifest: %v", want)
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Error("interactivity and Socket Mode must be on")
	}
}
