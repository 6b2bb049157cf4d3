package discovery

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/netwright/netwright/internal/cloudmap"
)

// The X-Amz-Target of the Cloud Map actions served, in its JSON protocol.
const (
	discoverTarget = "Route53AutoNaming_v20170314.DiscoverInstances"
	revisionTarget = "Route53AutoNaming_v20170314.DiscoverInstancesRevision"
)

// maxDiscoverResults is Cloud Map's cap on MaxResults, and its default.
const maxDiscoverResults = 100

// discoverRequest is DiscoverInstances' request: every member Cloud Map
// documents.
type discoverRequest struct {
	NamespaceName      string
	ServiceName        string
	HealthStatus       string
	MaxResults         *int
	QueryParameters    map[string]string
	OptionalParameters map[string]string
	OwnerAccount       string
}

// revisionRequest is DiscoverInstancesRevision's request.
type revisionRequest struct {
	NamespaceName string
	ServiceName   string
	OwnerAccount  string
}

type discoveredInstance struct {
	InstanceId    string
	NamespaceName string
	ServiceName   string
	HealthStatus  string
	Attributes    map[string]string
}

// ServeHTTP answers Cloud Map's discovery actions the way its API does: a
// POST with X-Amz-Target naming the action and a JSON body.
//
// DiscoverInstances returns the instances matching every QueryParameters
// attribute, narrowed to those matching OptionalParameters too when any
// does, filtered by HealthStatus (HEALTHY, UNHEALTHY, ALL,
// HEALTHY_OR_ELSE_ALL; ALL when omitted), in random order, at most
// MaxResults (1-100, default 100), each with its AWS_INSTANCE_IPV4 and
// AWS_INSTANCE_PORT attributes, and the service's InstancesRevision.
// DiscoverInstancesRevision returns the revision alone: it grows when an
// instance is registered or deregistered, not when its health changes.
// OwnerAccount is accepted and ignored (every namespace is this
// runtime's). Errors come back as 400 with Cloud Map's error __type.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		apiError(w, http.StatusMethodNotAllowed, "InvalidInput", "Cloud Map's actions are POSTs")
		return
	}
	body := io.LimitReader(req.Body, 64<<10)
	switch t := req.Header.Get("X-Amz-Target"); t {
	case discoverTarget:
		var in discoverRequest
		if decode(w, body, &in, "DiscoverInstances") {
			r.discover(w, &in)
		}
	case revisionTarget:
		var in revisionRequest
		if decode(w, body, &in, "DiscoverInstancesRevision") {
			if svc, _, ok := r.service(w, in.NamespaceName, in.ServiceName); ok {
				reply(w, struct{ InstancesRevision int64 }{svc.revision})
			}
		}
	default:
		apiError(w, http.StatusBadRequest, "UnknownOperationException", fmt.Sprintf("X-Amz-Target %q: only %s and %s are served", t, discoverTarget, revisionTarget))
	}
}

// decode reads a request body strictly; it answers the error and reports
// false when the body is not the action's request.
func decode(w http.ResponseWriter, body io.Reader, v any, action string) bool {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		apiError(w, http.StatusBadRequest, "InvalidInput", "the body is not a "+action+" request: "+err.Error())
		return false
	}
	return true
}

// service finds the requested service, answering Cloud Map's error when
// there is none.
func (r *Registry) service(w http.ResponseWriter, namespace, service string) (*Service, []cloudmap.Instance, bool) {
	if namespace == "" || service == "" {
		apiError(w, http.StatusBadRequest, "InvalidInput", "NamespaceName and ServiceName are required")
		return nil, nil, false
	}
	r.mu.RLock()
	known := r.spaces[strings.ToLower(namespace)]
	r.mu.RUnlock()
	if !known {
		apiError(w, http.StatusBadRequest, "NamespaceNotFound", "no namespace "+namespace)
		return nil, nil, false
	}
	svc, ins := r.lookup(service, namespace)
	if svc == nil {
		apiError(w, http.StatusBadRequest, "ServiceNotFound", fmt.Sprintf("no service %s in namespace %s", service, namespace))
		return nil, nil, false
	}
	return svc, ins, true
}

func (r *Registry) discover(w http.ResponseWriter, in *discoverRequest) {
	limit := maxDiscoverResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > maxDiscoverResults {
			apiError(w, http.StatusBadRequest, "InvalidInput", "MaxResults must be 1 to 100")
			return
		}
		limit = *in.MaxResults
	}
	switch in.HealthStatus {
	case "", "ALL", "HEALTHY", "UNHEALTHY", "HEALTHY_OR_ELSE_ALL":
	default:
		apiError(w, http.StatusBadRequest, "InvalidInput", "HealthStatus must be HEALTHY, UNHEALTHY, ALL or HEALTHY_OR_ELSE_ALL")
		return
	}
	svc, ins, ok := r.service(w, in.NamespaceName, in.ServiceName)
	if !ok {
		return
	}
	// Attribute filters first: QueryParameters must all match;
	// OptionalParameters narrow the result only when some instance
	// matches them too.
	ins = matching(ins, in.QueryParameters)
	if len(in.OptionalParameters) > 0 {
		if narrower := matching(ins, in.OptionalParameters); len(narrower) > 0 {
			ins = narrower
		}
	}
	var keep func(cloudmap.Instance) bool
	switch in.HealthStatus {
	case "", "ALL":
		keep = func(cloudmap.Instance) bool { return true }
	case "HEALTHY":
		keep = func(i cloudmap.Instance) bool { return i.Healthy }
	case "UNHEALTHY":
		keep = func(i cloudmap.Instance) bool { return !i.Healthy }
	case "HEALTHY_OR_ELSE_ALL":
		anyHealthy := false
		for _, i := range ins {
			anyHealthy = anyHealthy || i.Healthy
		}
		keep = func(i cloudmap.Instance) bool { return i.Healthy || !anyHealthy }
	}
	var picked []cloudmap.Instance
	for _, i := range ins {
		if keep(i) {
			picked = append(picked, i)
		}
	}
	// A random order, as Cloud Map returns, so clients spread their calls.
	for i := range picked {
		j := i + r.intn(len(picked)-i)
		picked[i], picked[j] = picked[j], picked[i]
	}
	out := struct {
		Instances         []discoveredInstance
		InstancesRevision int64
	}{Instances: []discoveredInstance{}, InstancesRevision: svc.revision}
	for _, i := range picked[:min(limit, len(picked))] {
		status := "UNHEALTHY"
		if i.Healthy {
			status = "HEALTHY"
		}
		out.Instances = append(out.Instances, discoveredInstance{InstanceId: i.ID, NamespaceName: svc.Namespace, ServiceName: svc.Name, HealthStatus: status,
			Attributes: attributes(i)})
	}
	reply(w, out)
}

// attributes are the attributes an instance is registered with.
func attributes(i cloudmap.Instance) map[string]string {
	return map[string]string{"AWS_INSTANCE_IPV4": i.Addr.String(), "AWS_INSTANCE_PORT": strconv.Itoa(i.Port)}
}

// matching returns the instances whose attributes hold every key and
// value of filter (all of them when it is empty).
func matching(ins []cloudmap.Instance, filter map[string]string) []cloudmap.Instance {
	if len(filter) == 0 {
		return ins
	}
	var out []cloudmap.Instance
	for _, i := range ins {
		if holds(attributes(i), filter) {
			out = append(out, i)
		}
	}
	return out
}

// holds reports whether attrs has every key of filter with its value.
func holds(attrs, filter map[string]string) bool {
	for k, v := range filter {
		if got, ok := attrs[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v) // a client that went away needs no answer
}

func apiError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
}
