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

// discoverTarget is the X-Amz-Target of Cloud Map's DiscoverInstances in
// its JSON protocol.
const discoverTarget = "Route53AutoNaming_v20170314.DiscoverInstances"

// maxDiscoverResults is Cloud Map's cap on MaxResults, and its default.
const maxDiscoverResults = 100

type discoverRequest struct {
	NamespaceName string
	ServiceName   string
	HealthStatus  string
	MaxResults    *int
}

type discoveredInstance struct {
	InstanceId    string
	NamespaceName string
	ServiceName   string
	HealthStatus  string
	Attributes    map[string]string
}

// ServeHTTP answers DiscoverInstances the way Cloud Map's API does: a POST
// with X-Amz-Target naming the action and a JSON body; instances filtered
// by HealthStatus (HEALTHY, UNHEALTHY, ALL, HEALTHY_OR_ELSE_ALL; ALL when
// omitted), in random order, at most MaxResults (1-100, default 100), each
// with its AWS_INSTANCE_IPV4 and AWS_INSTANCE_PORT attributes. Errors come
// back as 400 with Cloud Map's error __type.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		apiError(w, http.StatusMethodNotAllowed, "InvalidInput", "DiscoverInstances is a POST")
		return
	}
	if t := req.Header.Get("X-Amz-Target"); t != discoverTarget {
		apiError(w, http.StatusBadRequest, "UnknownOperationException", fmt.Sprintf("X-Amz-Target %q: only %s is served", t, discoverTarget))
		return
	}
	var in discoverRequest
	dec := json.NewDecoder(io.LimitReader(req.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "InvalidInput", "the body is not a DiscoverInstances request: "+err.Error())
		return
	}
	limit := maxDiscoverResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > maxDiscoverResults {
			apiError(w, http.StatusBadRequest, "InvalidInput", "MaxResults must be 1 to 100")
			return
		}
		limit = *in.MaxResults
	}
	if in.NamespaceName == "" || in.ServiceName == "" {
		apiError(w, http.StatusBadRequest, "InvalidInput", "NamespaceName and ServiceName are required")
		return
	}
	r.mu.RLock()
	known := r.spaces[strings.ToLower(in.NamespaceName)]
	r.mu.RUnlock()
	if !known {
		apiError(w, http.StatusBadRequest, "NamespaceNotFound", "no namespace "+in.NamespaceName)
		return
	}
	svc, ins := r.lookup(in.ServiceName, in.NamespaceName)
	if svc == nil {
		apiError(w, http.StatusBadRequest, "ServiceNotFound", fmt.Sprintf("no service %s in namespace %s", in.ServiceName, in.NamespaceName))
		return
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
	default:
		apiError(w, http.StatusBadRequest, "InvalidInput", "HealthStatus must be HEALTHY, UNHEALTHY, ALL or HEALTHY_OR_ELSE_ALL")
		return
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
	out := struct{ Instances []discoveredInstance }{Instances: []discoveredInstance{}}
	for _, i := range picked[:min(limit, len(picked))] {
		status := "UNHEALTHY"
		if i.Healthy {
			status = "HEALTHY"
		}
		out.Instances = append(out.Instances, discoveredInstance{InstanceId: i.ID, NamespaceName: svc.Namespace, ServiceName: svc.Name, HealthStatus: status,
			Attributes: map[string]string{"AWS_INSTANCE_IPV4": i.Addr.String(), "AWS_INSTANCE_PORT": strconv.Itoa(i.Port)}})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out) // a client that went away needs no answer
}

func apiError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
}
