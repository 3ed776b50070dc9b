package layering

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/factdesk/factdesk"

// pkg is what `go list -json` says of one package (non-test files only:
// tests may use fakes from anywhere).
type pkg struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
}

func list(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", patterns, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %v found no packages", patterns)
	}
	return pkgs
}

// sdks are the third-party modules that belong to adapters and storage.
var sdks = []string{
	"github.com/slack-go", "maunium.net", "go.mau.fi", "github.com/gorilla/websocket",
	"github.com/jmoiron", "modernc.org", "github.com/jackc", "github.com/prometheus",
}

func hasPrefix(dep string, prefixes ...string) bool {
	for _, p := range prefixes {
		if dep == p || strings.HasPrefix(dep, p+"/") {
			return true
		}
	}
	return false
}

// platformOf returns "slack" for …/bot/slack/slackfake, "" outside bot/X.
func platformOf(path string) string {
	rest, ok := strings.CutPrefix(path, module+"/bot/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

func TestLayers(t *testing.T) {
	for _, p := range list(t, "./...") {
		switch {
		case hasPrefix(p.ImportPath, module+"/workflows"):
			for _, d := range p.Deps {
				if hasPrefix(d, module+"/bot", module+"/storage", module+"/cmd", module+"/internal") || hasPrefix(d, sdks...) {
					t.Errorf("core package %s depends on %s", p.ImportPath, d)
				}
			}
			for _, d := range p.Imports {
				if hasPrefix(d, "net", "os/exec", "crypto/tls") && d != "net/url" && d != "net/netip" && d != "net/mail" {
					t.Errorf("core package %s imports %s: network I/O belongs outside workflows/", p.ImportPath, d)
				}
			}
		case p.ImportPath == module+"/bot":
			for _, d := range p.Deps {
				if platformOf(d) != "" || hasPrefix(d, module+"/storage", module+"/cmd") || hasPrefix(d, sdks...) {
					t.Errorf("the neutral chat layer depends on %s", d)
				}
			}
		case platformOf(p.ImportPath) != "":
			own := platformOf(p.ImportPath)
			for _, d := range p.Deps {
				if other := platformOf(d); other != "" && other != own {
					t.Errorf("platform package %s depends on another platform's %s", p.ImportPath, d)
				}
				if hasPrefix(d, module+"/cmd") {
					t.Errorf("platform package %s depends on %s", p.ImportPath, d)
				}
			}
		case hasPrefix(p.ImportPath, module+"/storage"):
			for _, d := range p.Deps {
				if hasPrefix(d, module+"/bot", module+"/cmd", "github.com/slack-go") {
					t.Errorf("storage package %s depends on %s", p.ImportPath, d)
				}
			}
		}
	}
}

// TestRulesCatchViolations checks the predicates on known paths, so a typo
// in a prefix cannot make TestLayers pass vacuously.
func TestRulesCatchViolations(t *testing.T) {
	if got := platformOf(module + "/bot/slack/slackfake"); got != "slack" {
		t.Errorf("platformOf(slackfake) = %q, want slack", got)
	}
	if got := platformOf(module + "/bot"); got != "" {
		t.Errorf("platformOf(bot) = %q, want none", got)
	}
	if !hasPrefix("net/http", "net") || hasPrefix("network/x", "net") {
		t.Error("hasPrefix must match whole path elements")
	}
	if !hasPrefix("maunium.net/go/mautrix/crypto", sdks...) {
		t.Error("mautrix is not recognised as an SDK")
	}
}
