package discovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/miekg/dns"

	"github.com/netwright/netwright/internal/cloudmap"
)

// TestDiscoverInstancesWhileHealthChanges calls DiscoverInstances and
// asks DNS from many goroutines while health pushes flip the tasks'
// health: every call must come back (a registry lock taken twice in one
// request deadlocks as soon as a health push waits between the two), and
// the race detector must find nothing.
func TestDiscoverInstancesWhileHealthChanges(t *testing.T) {
	r := registry(t, 6, 6)
	var stop atomic.Bool
	var wg sync.WaitGroup
	calls := func() {
		for i := 0; i < 300 && !stop.Load(); i++ {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(`{"NamespaceName":"webapp.local","ServiceName":"app","HealthStatus":"HEALTHY_OR_ELSE_ALL"}`))
			req.Header.Set("X-Amz-Target", discoverTarget)
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Errorf("DiscoverInstances: %d %s", w.Code, w.Body)
				return
			}
			m := new(dns.Msg)
			m.SetQuestion("app.webapp.local.", dns.TypeA)
			if a := r.answer(m); a.Rcode != dns.RcodeSuccess || len(a.Answer) == 0 {
				t.Errorf("app.webapp.local A: %s with %d answers", dns.RcodeToString[a.Rcode], len(a.Answer))
				return
			}
		}
	}
	for range 8 {
		wg.Go(calls)
	}
	wg.Go(func() {
		for i := 0; i < 3000 && !stop.Load(); i++ {
			if err := r.SetHealth("webapp.local", "app", fmt.Sprintf("task-%02d", i%6), i%3 != 0); err != nil {
				t.Error(err)
				return
			}
		}
	})
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		stop.Store(true)
		t.Fatal("DiscoverInstances, DNS and health pushes did not finish in 60 s: the registry is deadlocked")
	}
}

// sdkClient is the AWS SDK for Go's Cloud Map client, unchanged, pointed
// at srv. The SDK sends DiscoverInstances to data-<endpoint host>, as
// for AWS; the dialer plays the part of a hosts-file line for that name.
// hosts records the Host of every request.
func sdkClient(t *testing.T, srv *httptest.Server) (*servicediscovery.Client, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var hosts []string
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Host)
		mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c := servicediscovery.New(servicediscovery.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://cloudmap.local:" + strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
		}),
		HTTPClient: &http.Client{Transport: tr, Timeout: 10 * time.Second},
	})
	return c, &hosts
}

// TestAWSSDKDiscoversInstances calls the local DiscoverInstances and
// DiscoverInstancesRevision with the AWS SDK for Go, unchanged: every
// documented parameter (attribute filters, optional filters, the owner
// account) is taken, the revision grows with registrations and not with
// health, and Cloud Map's errors come back as the SDK's error types.
func TestAWSSDKDiscoversInstances(t *testing.T) {
	r := registry(t, 4, 2)
	srv := httptest.NewServer(r)
	defer srv.Close()
	c, hosts := sdkClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns, svc := aws.String("webapp.local"), aws.String("app")

	all, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc,
		HealthStatus: types.HealthStatusFilterAll, MaxResults: aws.Int32(10), OwnerAccount: aws.String("123456789012")})
	if err != nil {
		t.Fatalf("DiscoverInstances: %v", err)
	}
	if len(all.Instances) != 4 || all.InstancesRevision == nil {
		t.Fatalf("DiscoverInstances: %d instances, revision %v; want 4 and a revision", len(all.Instances), all.InstancesRevision)
	}
	for _, i := range all.Instances {
		if aws.ToString(i.NamespaceName) != "webapp.local" || aws.ToString(i.ServiceName) != "app" || i.Attributes["AWS_INSTANCE_PORT"] != "8080" {
			t.Errorf("instance %+v", i)
		}
	}
	// registry makes task i 10.0.1.(10+i), healthy for i < 2.
	one, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc,
		QueryParameters: map[string]string{"AWS_INSTANCE_IPV4": "10.0.1.12", "AWS_INSTANCE_PORT": "8080"}})
	if err != nil || len(one.Instances) != 1 || aws.ToString(one.Instances[0].InstanceId) != "task-02" || one.Instances[0].HealthStatus != types.HealthStatusUnhealthy {
		t.Errorf("QueryParameters for 10.0.1.12: %+v %v; want task-02, unhealthy", one, err)
	}
	none, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc,
		QueryParameters: map[string]string{"AWS_INSTANCE_PORT": "9999"}})
	if err != nil || len(none.Instances) != 0 {
		t.Errorf("QueryParameters for port 9999: %+v %v; want no instances", none, err)
	}
	// Optional filters narrow when some instance matches them, and are
	// ignored when none does.
	for _, tt := range []struct {
		optional string
		want     int
	}{{"10.0.1.11", 1}, {"10.9.9.9", 4}} {
		got, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc,
			QueryParameters: map[string]string{"AWS_INSTANCE_PORT": "8080"}, OptionalParameters: map[string]string{"AWS_INSTANCE_IPV4": tt.optional}})
		if err != nil || len(got.Instances) != tt.want {
			t.Errorf("OptionalParameters AWS_INSTANCE_IPV4=%s: %d instances, %v; want %d", tt.optional, len(got.Instances), err, tt.want)
		}
	}
	healthy, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc, HealthStatus: types.HealthStatusFilterHealthy})
	if err != nil || len(healthy.Instances) != 2 {
		t.Errorf("HEALTHY: %+v %v; want 2 instances", healthy, err)
	}

	rev := func() int64 {
		t.Helper()
		out, err := c.DiscoverInstancesRevision(ctx, &servicediscovery.DiscoverInstancesRevisionInput{NamespaceName: ns, ServiceName: svc})
		if err != nil || out.InstancesRevision == nil {
			t.Fatalf("DiscoverInstancesRevision: %+v %v", out, err)
		}
		return *out.InstancesRevision
	}
	before := rev()
	if before != *all.InstancesRevision {
		t.Errorf("DiscoverInstancesRevision %d; DiscoverInstances said %d", before, *all.InstancesRevision)
	}
	if err := r.SetHealth("webapp.local", "app", "task-03", true); err != nil {
		t.Fatal(err)
	}
	if got := rev(); got != before {
		t.Errorf("a health change moved the revision from %d to %d; Cloud Map's does not move", before, got)
	}
	if err := r.Register("webapp.local", "app", cloudmap.Instance{ID: "task-09", Addr: netip.MustParseAddr("10.0.1.19"), Port: 8080}); err != nil {
		t.Fatal(err)
	}
	afterRegister := rev()
	if afterRegister <= before {
		t.Errorf("registering an instance left the revision at %d (was %d); want it to grow", afterRegister, before)
	}
	r.Deregister("webapp.local", "app", "task-09")
	if got := rev(); got <= afterRegister {
		t.Errorf("deregistering an instance left the revision at %d (was %d); want it to grow", got, afterRegister)
	}

	var nsErr *types.NamespaceNotFound
	if _, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: aws.String("other.local"), ServiceName: svc}); !errors.As(err, &nsErr) {
		t.Errorf("an unknown namespace: %v; want the SDK's NamespaceNotFound", err)
	}
	var svcErr *types.ServiceNotFound
	if _, err := c.DiscoverInstancesRevision(ctx, &servicediscovery.DiscoverInstancesRevisionInput{NamespaceName: ns, ServiceName: aws.String("db")}); !errors.As(err, &svcErr) {
		t.Errorf("an unknown service: %v; want the SDK's ServiceNotFound", err)
	}
	var invalid *types.InvalidInput
	if _, err := c.DiscoverInstances(ctx, &servicediscovery.DiscoverInstancesInput{NamespaceName: ns, ServiceName: svc, MaxResults: aws.Int32(101)}); !errors.As(err, &invalid) {
		t.Errorf("MaxResults 101: %v; want the SDK's InvalidInput", err)
	}
	for _, h := range *hosts {
		if !strings.HasPrefix(h, "data-cloudmap.local:") {
			t.Errorf("the SDK asked for host %q; it sends Cloud Map's discovery calls to data-<endpoint>", h)
		}
	}
}
