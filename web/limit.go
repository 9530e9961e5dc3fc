package web

import (
	"sync"
	"time"
)

// limiter is an in-memory token bucket per client address: burst
// attempts at once, then one more every interval. It stops guessing of
// printed codes; each app instance keeps its own buckets.
type limiter struct {
	burst    float64
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory; past it, full buckets are dropped.
const maxBuckets = 10000

func newLimiter(burst int, interval time.Duration) *limiter {
	return &limiter{burst: float64(burst), interval: interval, now: time.Now, buckets: map[string]*bucket{}}
}

// refill returns key's bucket, topped up for the time passed. The caller holds mu.
func (l *limiter) refill(key string) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
		return b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.interval))
	b.at = now
	return b
}

// sweep drops the buckets that have refilled completely. The caller holds mu.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.interval) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// allow takes one attempt from key's bucket and reports whether there was one.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// blocked reports whether key has no attempt left, without taking one.
func (l *limiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.buckets[key]; !ok {
		return false
	}
	return l.refill(key).tokens < 1
}

// The allowance of code attempts per client address: a burst of 20, then
// one every 15 seconds — plenty for a shared office connection, hopeless
// for guessing a 50-bit code.
const (
	codeAttempts     = 20
	codeAttemptEvery = 15 * time.Second
)
