package testenv

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Environment variables describing the test homeserver.
const (
	EnvMatrixURL        = "FACTDESK_TEST_MATRIX_URL"
	EnvMatrixSecret     = "FACTDESK_TEST_MATRIX_SECRET"
	EnvMatrixServerName = "FACTDESK_TEST_MATRIX_SERVER_NAME"
)

// MatrixHomeserver is the test Matrix homeserver (Dendrite) started by
// scripts/testenv/up.sh.
type MatrixHomeserver struct {
	// URL is the client-server API base URL, e.g. http://127.0.0.1:58008.
	URL string
	// ServerName is the homeserver's server name, the part after ':' in user IDs.
	ServerName string
	// HTTPClient is used for registration; it has a timeout.
	HTTPClient *http.Client

	secret string
}

// Homeserver returns the test homeserver described by FACTDESK_TEST_MATRIX_*.
// If it is not configured, the test is skipped, or failed under CI.
func Homeserver(t testing.TB) *MatrixHomeserver {
	t.Helper()
	v := require(t, "Matrix homeserver", EnvMatrixURL, EnvMatrixSecret, EnvMatrixServerName)
	return &MatrixHomeserver{
		URL:        strings.TrimRight(v[0], "/"),
		ServerName: v[2],
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
		secret:     v[1],
	}
}

// UniqueLocalpart returns a user localpart starting with prefix (reduced to
// [a-z0-9_]) that no earlier test has used: the homeserver outlives a test
// run, so fixed names would clash.
func UniqueLocalpart(prefix string) string {
	p := sanitize(prefix, 32)
	if p == "" {
		p = "user"
	}
	return p + "_" + randomSuffix(5)
}

// Registration is a freshly registered account.
type Registration struct {
	UserID      string `json:"user_id"`
	AccessToken string `json:"access_token"`
	DeviceID    string `json:"device_id"`
}

// RegisterUser creates an account through the shared-secret registration
// endpoint and returns its user ID and an access token; it fails the test on
// any error. The password needs at least 8 characters. See UniqueLocalpart.
func (h *MatrixHomeserver) RegisterUser(t testing.TB, localpart, password string, admin bool) (userID, accessToken string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg, err := h.Register(ctx, localpart, password, admin)
	if err != nil {
		t.Fatalf("testenv: register %q: %v", localpart, err)
	}
	return reg.UserID, reg.AccessToken
}

// Register is RegisterUser returning an error (and the device ID) instead of
// failing a test.
func (h *MatrixHomeserver) Register(ctx context.Context, localpart, password string, admin bool) (*Registration, error) {
	if len(password) < 8 {
		return nil, fmt.Errorf("password must have at least 8 characters")
	}
	if strings.ContainsRune(localpart, 0) || strings.ContainsRune(password, 0) {
		return nil, fmt.Errorf("localpart and password must not contain NUL")
	}
	const path = "/_synapse/admin/v1/register"

	var nonce struct {
		Nonce string `json:"nonce"`
	}
	if err := h.do(ctx, http.MethodGet, path, nil, &nonce); err != nil {
		return nil, fmt.Errorf("get nonce: %w", err)
	}
	if nonce.Nonce == "" {
		return nil, fmt.Errorf("get nonce: empty nonce")
	}

	body := map[string]any{
		"nonce":    nonce.Nonce,
		"username": localpart,
		"password": password,
		"admin":    admin,
		"mac":      registrationMAC(h.secret, nonce.Nonce, localpart, password, admin),
	}
	var reg Registration
	if err := h.do(ctx, http.MethodPost, path, body, &reg); err != nil {
		return nil, err
	}
	if reg.UserID == "" || reg.AccessToken == "" {
		return nil, fmt.Errorf("registration answer lacks user_id or access_token")
	}
	return &reg, nil
}

// registrationMAC is the hex HMAC-SHA1 that shared-secret registration
// expects: over nonce, user, password and "admin" or "notadmin", NUL-separated.
func registrationMAC(secret, nonce, user, password string, admin bool) string {
	role := "notadmin"
	if admin {
		role = "admin"
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(nonce + "\x00" + user + "\x00" + password + "\x00" + role))
	return hex.EncodeToString(mac.Sum(nil))
}

// do sends a JSON request to the homeserver and decodes a 2xx JSON answer into out.
func (h *MatrixHomeserver) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := h.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}
