package storage_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

type benchRoles struct{}

func (benchRoles) IsEditor(context.Context, workflows.Actor, string) (bool, error) { return false, nil }

// benchPGClaimRate files b.N claims through n engines, each with its own
// connection pool on one PostgreSQL database (as n replicas would), 8
// reporters per engine, and reports claims filed per second.
func benchPGClaimRate(b *testing.B, n int) {
	url := storagetest.PostgresURL(b)
	ctx := context.Background()
	clock := fakeclock.New(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	engines := make([]*workflows.Engine, n)
	for i := range engines {
		db := dbtest.Open(b, url)
		engines[i] = &workflows.Engine{Store: db, Roles: benchRoles{}, Rules: workflows.DefaultRules(), Clock: clock}
	}
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < n*8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[i%n]
			for {
				k := next.Add(1)
				if k > int64(b.N) {
					return
				}
				user := fmt.Sprint("U", i)
				req := workflows.Request{Actor: workflows.Actor{Platform: "slack", ID: user, Name: user},
					Conv: workflows.Conversation{Platform: "slack", Channel: fmt.Sprint("C", k%16)}}
				if _, err := e.File(ctx, req, workflows.FileInput{Statement: fmt.Sprintf("bench claim %d: %d homes destroyed", k, k)}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "claims/s")
}

func BenchmarkPGClaimRate1(b *testing.B) { benchPGClaimRate(b, 1) }
func BenchmarkPGClaimRate2(b *testing.B) { benchPGClaimRate(b, 2) }
