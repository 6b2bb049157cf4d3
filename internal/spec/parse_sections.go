package spec

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/awsfacts"
)

// ALB condition limits (ELB user guide, "Listener rules").
const (
	albMaxConditionValues    = 5
	albMaxValuesPerCondition = 3
	albMaxWildcards          = 5
	albMaxPatternLength      = 128
)

var (
	hostPatternRE = regexp.MustCompile(`^[A-Za-z0-9.*?-]+$`)
	pathPatternRE = regexp.MustCompile(`^/[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?%]*$`)
	headerNameRE  = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]{1,40}$`)
	methodRE      = regexp.MustCompile(`^[A-Z_-]{1,40}$`)
)

func (d *decoder) ingress(n *yaml.Node, s *Spec) {
	d.list(n, "ingress", func(i int, item *yaml.Node) {
		p := fmt.Sprintf("ingress[%d]", i)
		r := IngressRule{At: d.rng(item)}
		before := len(d.diags)
		var toNode *yaml.Node
		d.mapping(item, p, map[string]field{
			"host": func(_, v *yaml.Node) {
				h, ok := d.str(v, p+".host")
				if !ok {
					return
				}
				if len(h) > albMaxPatternLength || !hostPatternRE.MatchString(h) {
					d.errorAt(v, fmt.Sprintf("%s.host: %q is not a valid host pattern", p, h),
						"A host pattern has letters, digits, hyphens, dots and the wildcards * and ?, up to 128 characters.")
					return
				}
				r.Host = h
			},
			"path": func(_, v *yaml.Node) {
				pa, ok := d.str(v, p+".path")
				if !ok {
					return
				}
				if len(pa) > albMaxPatternLength || !pathPatternRE.MatchString(pa) {
					d.errorAt(v, fmt.Sprintf("%s.path: %q is not a valid path pattern", p, pa),
						"A path pattern starts with \"/\", has no spaces or query string, and is at most 128 characters; * and ? are wildcards.")
					return
				}
				r.Path = pa
			},
			"headers": func(_, v *yaml.Node) { r.Headers = d.kvs(v, p+".headers", true) },
			"query":   func(_, v *yaml.Node) { r.Query = d.kvs(v, p+".query", false) },
			"methods": func(_, v *yaml.Node) {
				d.list(v, p+".methods", func(_ int, m *yaml.Node) {
					if ms, ok := d.str(m, p+".methods"); ok {
						if !methodRE.MatchString(ms) {
							d.errorAt(m, fmt.Sprintf("%s.methods: %q is not an HTTP method", p, ms),
								"Methods are upper case, such as GET or POST; ALB compares them case-sensitively.")
							return
						}
						r.Methods = append(r.Methods, ms)
					}
				})
			},
			"source_ips": func(_, v *yaml.Node) {
				d.list(v, p+".source_ips", func(_ int, c *yaml.Node) {
					if pre, ok := d.prefix(c, p+".source_ips"); ok {
						r.SourceIPs = append(r.SourceIPs, pre)
					}
				})
			},
			"to": func(_, v *yaml.Node) {
				toNode = v
				r.To = d.target(v, p+".to")
			},
		})
		if toNode == nil && resolve(item).Kind == yaml.MappingNode {
			d.errorAt(item, p+" has no target", "Add \"to: <service>\" or \"to: {weighted: {a: 90, b: 10}}\".")
		}
		r.Incomplete = d.diags[before:].HasErrors()
		d.checkRuleLimits(item, p, &r)
		s.Ingress = append(s.Ingress, r)
	})
}

// checkRuleLimits applies ALB's per-rule limits: five condition values and
// five wildcards in all.
func (d *decoder) checkRuleLimits(n *yaml.Node, p string, r *IngressRule) {
	values := len(r.Headers) + len(r.Methods) + len(r.Query) + len(r.SourceIPs)
	if r.Host != "" {
		values++
	}
	if r.Path != "" {
		values++
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"methods", len(r.Methods)}, {"source_ips", len(r.SourceIPs)}} {
		if c.n > albMaxValuesPerCondition {
			d.errorAt(n, fmt.Sprintf("%s.%s has %d values; an ALB condition allows %d", p, c.name, c.n, albMaxValuesPerCondition),
				"Split the rule into rules with at most three values each.")
		}
	}
	if values > albMaxConditionValues {
		d.errorAt(n, fmt.Sprintf("%s has %d condition values; an ALB rule allows %d", p, values, albMaxConditionValues),
			"Split the rule in two, or move a condition into the service.")
	}
	wild := strings.Count(r.Host, "*") + strings.Count(r.Host, "?") + strings.Count(r.Path, "*") + strings.Count(r.Path, "?")
	for _, kv := range r.Headers {
		wild += strings.Count(kv.Value, "*") + strings.Count(kv.Value, "?")
	}
	for _, kv := range r.Query {
		wild += strings.Count(kv.Key+kv.Value, "*") + strings.Count(kv.Key+kv.Value, "?")
	}
	if wild > albMaxWildcards {
		d.errorAt(n, fmt.Sprintf("%s has %d wildcards; an ALB rule allows %d", p, wild, albMaxWildcards), "Use fewer * and ? characters.")
	}
}

// kvs reads a mapping of names to values, sorted by name.
func (d *decoder) kvs(n *yaml.Node, p string, headerNames bool) []KV {
	var out []KV
	d.entries(n, p, func(k, v *yaml.Node) {
		if headerNames && !headerNameRE.MatchString(k.Value) {
			d.errorAt(k, fmt.Sprintf("%s: %q is not a valid header name", p, k.Value), "A header name is 1 to 40 token characters: letters, digits and !#$%&'*+-.^_`|~.")
			return
		}
		if val, ok := d.text(v, join(p, k.Value)); ok {
			if len(val) > albMaxPatternLength {
				d.errorAt(v, fmt.Sprintf("%s: the value is longer than 128 characters", join(p, k.Value)), "")
				return
			}
			out = append(out, KV{Key: k.Value, Value: val})
		}
	})
	slices.SortFunc(out, func(a, b KV) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// target reads "to": a service name, or {weighted: {name: weight}}.
func (d *decoder) target(n *yaml.Node, p string) []Weighted {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		if name, ok := d.str(n, p); ok {
			return []Weighted{{Service: name, Weight: 1}}
		}
		return nil
	}
	var out []Weighted
	d.mapping(n, p, map[string]field{
		"weighted": func(_, v *yaml.Node) { out = d.weights(v, p+".weighted", 999) },
	})
	return out
}

// weights reads {service: weight} with each weight 0..hi and a positive sum.
func (d *decoder) weights(n *yaml.Node, p string, hi int) []Weighted {
	var out []Weighted
	sum := 0
	d.entries(n, p, func(k, v *yaml.Node) {
		w, ok := d.integer(v, join(p, k.Value), 0, hi, fmt.Sprintf("A weight is 0 to %d.", hi))
		if ok {
			out = append(out, Weighted{Service: k.Value, Weight: w})
			sum += w
		}
	})
	if rn := resolve(n); rn.Kind == yaml.MappingNode && len(out) == len(rn.Content)/2 && sum == 0 {
		d.errorAt(n, p+": the weights add up to 0", "Give at least one target a positive weight.")
	}
	slices.SortFunc(out, func(a, b Weighted) int { return strings.Compare(a.Service, b.Service) })
	return out
}

var acmARNRE = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$`)

func (d *decoder) tls(n *yaml.Node, t *TLS) {
	d.mapping(n, "tls", map[string]field{
		"certificate": func(_, v *yaml.Node) {
			c, ok := d.str(v, "tls.certificate")
			if !ok {
				return
			}
			if c != "auto" && !acmARNRE.MatchString(c) {
				d.errorAt(v, fmt.Sprintf("tls.certificate: %q is neither auto nor an ACM certificate ARN", c),
					"Write auto for a DNS-validated certificate for tls.domain, or an ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<uuid>.")
				return
			}
			t.Certificate = c
		},
		"domain": func(_, v *yaml.Node) {
			dom, ok := d.str(v, "tls.domain")
			if !ok {
				return
			}
			if !isHostname(strings.TrimPrefix(dom, "*.")) || !strings.Contains(dom, ".") {
				d.errorAt(v, fmt.Sprintf("tls.domain: %q is not a domain name", dom), "Write a name such as shop.example.com.")
				return
			}
			t.Domain = strings.ToLower(dom)
		},
		"policy": func(_, v *yaml.Node) {
			pol, ok := d.str(v, "tls.policy")
			if !ok {
				return
			}
			if _, known := awsfacts.LookupTLSPolicy(pol); !known {
				d.errorAt(v, fmt.Sprintf("tls.policy: unknown ELB security policy %q", pol),
					suggest(pol, awsfacts.TLSPolicyNames(), "Use "+awsfacts.DefaultTLSPolicy+" unless old clients need more."))
				return
			}
			t.Policy = pol
		},
	})
}

func (d *decoder) discovery(n *yaml.Node, ds *Discovery) {
	d.mapping(n, "discovery", map[string]field{
		"namespace": func(_, v *yaml.Node) {
			ns, ok := d.str(v, "discovery.namespace")
			if !ok {
				return
			}
			if !isHostname(ns) || !strings.Contains(ns, ".") {
				d.errorAt(v, fmt.Sprintf("discovery.namespace: %q is not a DNS name", ns), "Write a name such as shop.local.")
				return
			}
			ds.Namespace = strings.ToLower(ns)
		},
		"type": func(_, v *yaml.Node) { ds.Type, _ = d.enum(v, "discovery.type", "dns_private", "http") },
		"ttl": func(_, v *yaml.Node) {
			ds.TTL, _ = d.duration(v, "discovery.ttl", 0, 24*time.Hour)
			if ds.TTL%time.Second != 0 {
				d.errorAt(v, "discovery.ttl must be whole seconds", "DNS TTLs are counted in seconds.")
			}
		},
		"routing": func(_, v *yaml.Node) { ds.Routing, _ = d.enum(v, "discovery.routing", "multivalue", "weighted") },
	})
}

func (d *decoder) mesh(n *yaml.Node, m *Mesh) {
	d.mapping(n, "mesh", map[string]field{
		"target": func(_, v *yaml.Node) {
			m.Target, _ = d.enum(v, "mesh.target", "service_connect", "vpc_lattice", "none")
		},
		"mtls": func(_, v *yaml.Node) { m.MTLS, _ = d.enum(v, "mesh.mtls", "strict", "permissive", "off") },
	})
}

// RetryEvents are the retry conditions a traffic policy accepts: Envoy's
// names, which Service Connect and VPC Lattice run, and App Mesh's.
var RetryEvents = []string{
	"5xx", "cancelled", "client-error", "connect-failure", "connection-error", "deadline-exceeded",
	"gateway-error", "internal", "refused-stream", "reset", "resource-exhausted", "retriable-4xx",
	"server-error", "stream-error", "unavailable",
}

func (d *decoder) traffic(n *yaml.Node, s *Spec) {
	d.entries(n, "traffic", func(k, v *yaml.Node) {
		p := "traffic." + k.Value
		tp := TrafficPolicy{Service: k.Value, At: d.rng(k)}
		d.mapping(v, p, map[string]field{
			"timeout": func(_, v *yaml.Node) { tp.Timeout, _ = d.duration(v, p+".timeout", time.Millisecond, time.Hour) },
			"retries": func(_, v *yaml.Node) {
				r := &Retries{}
				d.mapping(v, p+".retries", map[string]field{
					"attempts": func(_, v *yaml.Node) {
						r.Attempts, _ = d.integer(v, p+".retries.attempts", 0, 10, "Attempts is 0 to 10 retries after the first try.")
					},
					"on": func(_, v *yaml.Node) {
						d.list(v, p+".retries.on", func(_ int, e *yaml.Node) {
							if ev, ok := d.enum(e, p+".retries.on", RetryEvents...); ok {
								r.On = append(r.On, ev)
							}
						})
					},
					"per_try_timeout": func(_, v *yaml.Node) {
						r.PerTryTimeout, _ = d.duration(v, p+".retries.per_try_timeout", time.Millisecond, time.Hour)
					},
				})
				tp.Retries = r
			},
			"circuit_breaker": func(_, v *yaml.Node) {
				cb := &CircuitBreaker{}
				lim := func(name string, dst *int) field {
					return func(_, v *yaml.Node) {
						*dst, _ = d.integer(v, p+".circuit_breaker."+name, 1, 2147483647, "A limit is 1 to 2147483647.")
					}
				}
				d.mapping(v, p+".circuit_breaker", map[string]field{
					"max_connections":      lim("max_connections", &cb.MaxConnections),
					"max_pending_requests": lim("max_pending_requests", &cb.MaxPendingRequests),
					"max_requests":         lim("max_requests", &cb.MaxRequests),
					"max_retries":          lim("max_retries", &cb.MaxRetries),
				})
				tp.CircuitBreaker = cb
			},
			"outlier_detection": func(_, v *yaml.Node) {
				od := &OutlierDetection{}
				q := p + ".outlier_detection"
				d.mapping(v, q, map[string]field{
					"consecutive_5xx": func(_, v *yaml.Node) {
						od.Consecutive5xx, _ = d.integer(v, q+".consecutive_5xx", 1, 1000, "consecutive_5xx is 1 to 1000.")
					},
					"interval": func(_, v *yaml.Node) {
						od.Interval, _ = d.duration(v, q+".interval", 10*time.Millisecond, time.Hour)
					},
					"base_ejection_time": func(_, v *yaml.Node) {
						od.BaseEjectionTime, _ = d.duration(v, q+".base_ejection_time", 10*time.Millisecond, time.Hour)
					},
					"max_ejection_percent": func(_, v *yaml.Node) {
						od.MaxEjectionPercent, _ = d.integer(v, q+".max_ejection_percent", 0, 100, "A percentage is 0 to 100.")
					},
				})
				tp.OutlierDetection = od
			},
			"connection_pool": func(_, v *yaml.Node) {
				cp := &ConnectionPool{}
				q := p + ".connection_pool"
				d.mapping(v, q, map[string]field{
					"max_idle_per_host": func(_, v *yaml.Node) {
						cp.MaxIdlePerHost, _ = d.integer(v, q+".max_idle_per_host", 0, 1000000, "max_idle_per_host is 0 or more.")
					},
					"idle_timeout": func(_, v *yaml.Node) {
						cp.IdleTimeout, _ = d.duration(v, q+".idle_timeout", time.Second, 24*time.Hour)
					},
				})
				tp.ConnectionPool = cp
			},
			"routes": func(_, v *yaml.Node) {
				d.list(v, p+".routes", func(i int, item *yaml.Node) {
					q := fmt.Sprintf("%s.routes[%d]", p, i)
					rt := MeshRoute{At: d.rng(item)}
					d.mapping(item, q, map[string]field{
						"match": func(_, v *yaml.Node) {
							d.mapping(v, q+".match", map[string]field{
								"path": func(_, v *yaml.Node) {
									if pa, ok := d.str(v, q+".match.path"); ok {
										if !strings.HasPrefix(pa, "/") || strings.ContainsAny(pa, " ?") || strings.Count(pa, "*") > 1 || strings.Contains(pa, "*") && !strings.HasSuffix(pa, "*") {
											d.errorAt(v, fmt.Sprintf("%s.match.path: %q is not a valid mesh path", q, pa),
												"A mesh path starts with \"/\"; end it with * to match a prefix, such as /v1/*.")
											return
										}
										rt.Match.Path = pa
									}
								},
								"headers": func(_, v *yaml.Node) { rt.Match.Headers = d.kvs(v, q+".match.headers", true) },
								"method": func(_, v *yaml.Node) {
									rt.Match.Method, _ = d.enum(v, q+".match.method", "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE")
								},
							})
						},
						"to": func(_, v *yaml.Node) { rt.To = d.weights(v, q+".to", 100) },
					})
					if d.set[q+".to"] == nil {
						d.errorAt(item, q+" has no targets", "Add \"to: {service: weight}\".")
					}
					tp.Routes = append(tp.Routes, rt)
				})
			},
		})
		s.Traffic = append(s.Traffic, tp)
	})
	slices.SortFunc(s.Traffic, func(a, b TrafficPolicy) int { return strings.Compare(a.Service, b.Service) })
}

var geoCodeRE = regexp.MustCompile(`^([A-Z]{2}|default)$`)

func (d *decoder) global(k, n *yaml.Node, s *Spec) {
	g := &Global{At: d.rng(k)}
	d.mapping(n, "global", map[string]field{
		"domain": func(_, v *yaml.Node) {
			dom, ok := d.str(v, "global.domain")
			if ok && (!isHostname(dom) || !strings.Contains(dom, ".")) {
				d.errorAt(v, fmt.Sprintf("global.domain: %q is not a domain name", dom), "Write a name such as shop.example.com.")
				return
			}
			g.Domain = strings.ToLower(dom)
		},
		"routing": func(_, v *yaml.Node) {
			g.Routing, _ = d.enum(v, "global.routing", "latency", "geolocation", "weighted", "failover")
		},
		"weights": func(_, v *yaml.Node) {
			for _, w := range d.weights(v, "global.weights", 255) {
				g.Weights = append(g.Weights, RegionWeight{Region: w.Service, Weight: w.Weight})
			}
		},
		"primary": func(_, v *yaml.Node) { g.Primary, _ = d.str(v, "global.primary") },
		"geo": func(_, v *yaml.Node) {
			d.entries(v, "global.geo", func(k, v *yaml.Node) {
				if !geoCodeRE.MatchString(k.Value) {
					d.errorAt(k, fmt.Sprintf("global.geo: %q is not a location", k.Value),
						"A location is a continent code (AF, AN, AS, EU, NA, OC, SA), a two-letter country code, or default.")
					return
				}
				if r, ok := d.str(v, "global.geo."+k.Value); ok {
					g.Geo = append(g.Geo, GeoTarget{Location: k.Value, Region: r})
				}
			})
			slices.SortFunc(g.Geo, func(a, b GeoTarget) int {
				if (a.Location == "default") != (b.Location == "default") {
					if a.Location == "default" {
						return 1
					}
					return -1
				}
				return strings.Compare(a.Location, b.Location)
			})
		},
		"accelerator": func(_, v *yaml.Node) { g.Accelerator, _ = d.boolean(v, "global.accelerator") },
	})
	s.Global = g
}

func (d *decoder) inspection(k, n *yaml.Node, s *Spec) {
	in := &Inspection{At: d.rng(k)}
	d.mapping(n, "inspection", map[string]field{
		"appliance": func(_, v *yaml.Node) { in.Appliance, _ = d.str(v, "inspection.appliance") },
		"flows": func(_, v *yaml.Node) {
			seen := map[string]bool{}
			d.list(v, "inspection.flows", func(_ int, f *yaml.Node) {
				if fl, ok := d.enum(f, "inspection.flows", "ingress", "egress", "east_west"); ok && !seen[fl] {
					seen[fl] = true
					in.Flows = append(in.Flows, fl)
				}
			})
		},
	})
	slices.Sort(in.Flows)
	s.Inspection = in
}

func (d *decoder) workload(n *yaml.Node, w *Workload) {
	d.mapping(n, "workload", map[string]field{
		"latency_sensitive":   func(_, v *yaml.Node) { w.LatencySensitive, _ = d.boolean(v, "workload.latency_sensitive") },
		"bandwidth_intensive": func(_, v *yaml.Node) { w.BandwidthIntensive, _ = d.boolean(v, "workload.bandwidth_intensive") },
		"bulk_data_transfer":  func(_, v *yaml.Node) { w.BulkDataTransfer, _ = d.boolean(v, "workload.bulk_data_transfer") },
		"requests_per_second": func(_, v *yaml.Node) {
			w.RequestsPerSecond, _ = d.integer(v, "workload.requests_per_second", 0, 100000000, "Requests per second is 0 or more.")
		},
		"avg_response_bytes": func(_, v *yaml.Node) {
			w.AvgResponseBytes, _ = d.integer(v, "workload.avg_response_bytes", 0, 1<<30, "Average response size is 0 to 1 GiB.")
		},
	})
}

// parseCIDR parses a canonical IPv4 or IPv6 CIDR block.
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("write it as address/length, such as 203.0.113.0/24")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("host bits are set: did you mean %s?", p.Masked())
	}
	return p, nil
}
