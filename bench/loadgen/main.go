// Command loadgen sends HTTP GETs at a fixed rate (an open loop: a slow
// answer does not delay the next request) and reports the latency
// percentiles measured from when each request was due, so queueing is
// counted (no coordinated omission).
//
//	loadgen -url http://127.0.0.1:18080/ -rate 5000 -duration 10s -conns 64
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "the URL to GET")
	rate := flag.Int("rate", 1000, "requests per second")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	conns := flag.Int("conns", 64, "connections (and workers)")
	insecure := flag.Bool("insecure", false, "accept any TLS certificate (the benchmark's own)")
	flag.Parse()
	if *url == "" || *rate <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -url and a positive -rate are needed")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: *insecure}}} //nolint:gosec // the benchmark's own certificates
	due := make(chan time.Time, *rate) // a second of backlog
	var mu sync.Mutex
	var lat []time.Duration
	errs, dropped := 0, 0
	var wg sync.WaitGroup
	for range *conns {
		wg.Go(func() {
			for t := range due {
				resp, err := client.Get(*url)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t)
				mu.Lock()
				if err != nil || resp.StatusCode != http.StatusOK {
					errs++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	n := int(duration.Seconds() * float64(*rate))
	for i := range n {
		t := start.Add(time.Duration(i) * interval)
		if w := time.Until(t); w > 0 {
			time.Sleep(w)
		}
		select {
		case due <- t:
		default:
			dropped++ // the workers are a second behind: the target is saturated
		}
	}
	close(due)
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("rate %d/s sent %d ok %d errors %d dropped %d achieved %.0f/s p50 %.3f ms p99 %.3f ms\n",
		*rate, n, len(lat), errs, dropped, float64(len(lat))/elapsed.Seconds(),
		float64(pct(0.50).Microseconds())/1000, float64(pct(0.99).Microseconds())/1000)
}
