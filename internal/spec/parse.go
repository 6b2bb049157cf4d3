package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/awsfacts"
	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/didyoumean"
	"github.com/netwright/netwright/internal/ipam"
)

// MaxSize is the largest spec Parse reads. A spec of 2,000 services is
// about 1 MB; anything past this is not a spec.
const MaxSize = 16 << 20

// Parse decodes, validates and fills in defaults for the spec in src. The
// Spec is nil when the diagnostics hold errors.
func Parse(filename string, src []byte) (*Spec, diag.Diagnostics) {
	s, ds := Decode(filename, src)
	if ds.HasErrors() {
		return nil, ds
	}
	return s, ds
}

// Decode is Parse that keeps the spec when it has errors, so checks that
// read only the spec can still report their problems in the same run. A
// key that failed to decode keeps its default, and an ingress rule with
// such a key is marked Incomplete; references may not resolve. Only a
// spec without errors may be designed. The Spec is nil when there is no
// document to read: an empty or oversized file, or invalid YAML.
func Decode(filename string, src []byte) (*Spec, diag.Diagnostics) {
	d := &decoder{file: filename, set: map[string]*diag.Range{}}
	if len(src) > MaxSize {
		d.errorRange(&diag.Range{Filename: filename}, "the spec is too large",
			fmt.Sprintf("A spec is at most %d MiB.", MaxSize>>20))
		return nil, d.diags
	}
	root, ok := d.document(src)
	if !ok {
		return nil, d.diags
	}
	s := &Spec{Filename: filename, keys: d.set}
	d.root(root, s)
	// Cross-checks run even when some keys failed to decode, so one run
	// reports every problem; a key that failed keeps its default.
	d.applyDefaults(s)
	d.validate(s)
	d.diags.Sort()
	return s, d.diags
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses the YAML and returns the root mapping of its one
// document.
func (d *decoder) document(src []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		d.errorRange(&diag.Range{Filename: d.file}, "the spec is empty", "Start with \"version: 1\", \"app:\" and \"services:\".")
		return nil, false
	}
	if err != nil {
		d.syntaxError(err)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorAt(&extra, "the file holds more than one YAML document", "A spec is one document; remove the \"---\" and what follows, or split it into files.")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err)
		return nil, false
	}
	root := resolve(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolve(root.Content[0])
	}
	if isNull(root) {
		d.errorRange(&diag.Range{Filename: d.file}, "the spec is empty", "Start with \"version: 1\", \"app:\" and \"services:\".")
		return nil, false
	}
	if root.Kind != yaml.MappingNode {
		d.errorAt(root, "the spec must be a mapping of keys such as version, app and services", "")
		return nil, false
	}
	return root, true
}

func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	line := 0
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	d.errorRange(&diag.Range{Filename: d.file, Start: diag.Pos{Line: line, Column: 1}, End: diag.Pos{Line: line, Column: 1}},
		"invalid YAML: "+msg, "Check the indentation and quoting around this line.")
}

func (d *decoder) root(n *yaml.Node, s *Spec) {
	d.mapping(n, "", map[string]field{
		"version": func(_, v *yaml.Node) {
			if ver, ok := d.integer(v, "version", 1, 1, "Only spec version 1 exists; write \"version: 1\"."); ok {
				s.Version = ver
			}
		},
		"app": func(_, v *yaml.Node) {
			if a, ok := d.str(v, "app"); ok && d.label(v, a, "app") {
				s.App = a
			}
		},
		"environment": func(_, v *yaml.Node) {
			s.Environment, _ = d.enum(v, "environment", "production", "staging", "dev")
		},
		"regions": func(_, v *yaml.Node) {
			seen := map[string]bool{}
			d.list(v, "regions", func(_ int, item *yaml.Node) {
				r, ok := d.str(item, "regions")
				if !ok {
					return
				}
				if _, known := awsfacts.LookupRegion(r); !known {
					d.errorAt(item, fmt.Sprintf("regions: unknown AWS Region %q", r), suggest(r, awsfacts.RegionCodes(), "Write a Region code such as us-east-1 or eu-west-1."))
					return
				}
				if seen[r] {
					d.errorAt(item, fmt.Sprintf("regions: %s is listed twice", r), "List each Region once.")
					return
				}
				seen[r] = true
				s.Regions = append(s.Regions, r)
			})
			if resolve(v).Kind == yaml.SequenceNode && len(resolve(v).Content) == 0 {
				d.errorAt(v, "regions is empty", "List at least one Region, or leave the key out for [us-east-1].")
			}
		},
		"network":    func(_, v *yaml.Node) { d.network(v, &s.Network) },
		"services":   func(_, v *yaml.Node) { d.services(v, s) },
		"ingress":    func(_, v *yaml.Node) { d.ingress(v, s) },
		"tls":        func(_, v *yaml.Node) { d.tls(v, &s.TLS) },
		"discovery":  func(_, v *yaml.Node) { d.discovery(v, &s.Discovery) },
		"mesh":       func(_, v *yaml.Node) { d.mesh(v, &s.Mesh) },
		"traffic":    func(_, v *yaml.Node) { d.traffic(v, s) },
		"global":     func(k, v *yaml.Node) { d.global(k, v, s) },
		"inspection": func(k, v *yaml.Node) { d.inspection(k, v, s) },
		"workload":   func(_, v *yaml.Node) { d.workload(v, &s.Workload) },
		"onprem":     func(_, v *yaml.Node) { d.onprem(v, s) },
		"edge":       func(k, v *yaml.Node) { d.edge(k, v, s) },
	})
	if d.set["version"] == nil {
		d.errorAt(n, "the spec has no version", "Add \"version: 1\" as the first line.")
	}
	if d.set["app"] == nil {
		d.errorAt(n, "the spec has no app name", "Add \"app: <name>\", a DNS label such as \"shop\".")
	}
	if d.set["services"] == nil {
		d.errorAt(n, "the spec has no services", "Add a services mapping with at least one service.")
	}
}

// suggest words a "did you mean" detail, or returns fallback.
func suggest(given string, known []string, fallback string) string {
	if s := didyoumean.Suggest(given, known); s != "" {
		return fmt.Sprintf("Did you mean %q? %s", s, fallback)
	}
	return fallback
}

func (d *decoder) network(n *yaml.Node, nw *Network) {
	d.mapping(n, "network", map[string]field{
		"pattern": func(_, v *yaml.Node) {
			nw.Pattern, _ = d.enum(v, "network.pattern", PatternThreeTier, PatternMicroservices, PatternHubSpoke, PatternMultiRegion)
		},
		"cidr": func(_, v *yaml.Node) {
			p, ok := d.prefix(v, "network.cidr")
			if !ok {
				return
			}
			if !p.Addr().Is4() {
				d.errorAt(v, "network.cidr must be an IPv4 block", "A VPC's primary CIDR is IPv4; IPv6 blocks are assigned by AWS.")
				return
			}
			if p.Bits() < awsfacts.MinSubnetPrefix || p.Bits() > awsfacts.MaxSubnetPrefix {
				d.errorAt(v, fmt.Sprintf("network.cidr: /%d is outside the VPC sizes AWS allows", p.Bits()),
					"A VPC CIDR is /16 (65,536 addresses) to /28 (16 addresses).")
				return
			}
			if !ipam.IsPrivate(p) {
				d.warnAt(v, fmt.Sprintf("network.cidr: %s is not a private range", p),
					"Use a block from 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10: a VPC using public addresses cannot reach the real owners of those addresses.")
			}
			nw.CIDR = p
		},
		"azs": func(_, v *yaml.Node) {
			nw.AZs, _ = d.integer(v, "network.azs", 2, 6, "A design spans 2 to 6 Availability Zones.")
		},
		"nat": func(_, v *yaml.Node) {
			nw.NAT, _ = d.enum(v, "network.nat", NATNone, NATSingle, NATPerAZ)
		},
		"endpoints": func(_, v *yaml.Node) {
			seen := map[string]bool{}
			nw.Endpoints = []string{}
			d.list(v, "network.endpoints", func(_ int, item *yaml.Node) {
				e, ok := d.str(item, "network.endpoints")
				if !ok {
					return
				}
				if _, known := awsfacts.LookupEndpoint(e); !known {
					d.errorAt(item, fmt.Sprintf("network.endpoints: unknown endpoint service %q", e),
						suggest(e, awsfacts.EndpointNames(), "Known services: "+strings.Join(awsfacts.EndpointNames(), ", ")+"."))
					return
				}
				if seen[e] {
					d.errorAt(item, fmt.Sprintf("network.endpoints: %s is listed twice", e), "List each endpoint once.")
					return
				}
				seen[e] = true
				nw.Endpoints = append(nw.Endpoints, e)
			})
		},
		"compute": func(_, v *yaml.Node) {
			nw.Compute, _ = d.enum(v, "network.compute", ComputeFargate, ComputeECSEC2, ComputeEKS)
		},
		"flow_logs": func(_, v *yaml.Node) {
			nw.FlowLogs, _ = d.boolean(v, "network.flow_logs")
		},
		"spokes": func(_, v *yaml.Node) {
			seen := map[string]bool{}
			d.list(v, "network.spokes", func(_ int, item *yaml.Node) {
				sp, ok := d.str(item, "network.spokes")
				if !ok || !d.label(item, sp, "network.spokes") {
					return
				}
				if seen[sp] {
					d.errorAt(item, fmt.Sprintf("network.spokes: %s is listed twice", sp), "List each spoke once.")
					return
				}
				seen[sp] = true
				nw.Spokes = append(nw.Spokes, sp)
			})
		},
		"prefix_delegation": func(_, v *yaml.Node) {
			nw.PrefixDelegation, _ = d.boolean(v, "network.prefix_delegation")
		},
		"pod_security_groups": func(_, v *yaml.Node) {
			nw.PodSecurityGroups, _ = d.boolean(v, "network.pod_security_groups")
		},
		"alb_owner": func(_, v *yaml.Node) {
			nw.ALBOwner, _ = d.enum(v, "network.alb_owner", ALBOwnerStack, ALBOwnerController)
		},
	})
}

func (d *decoder) services(n *yaml.Node, s *Spec) {
	d.entries(n, "services", func(k, v *yaml.Node) {
		if !d.label(k, k.Value, "services") {
			return
		}
		svc := Service{Name: k.Value, At: d.rng(k)}
		d.service(v, &svc)
		s.Services = append(s.Services, svc)
	})
	if rn := resolve(n); rn.Kind == yaml.MappingNode && len(rn.Content) == 0 || isNull(rn) {
		d.errorAt(n, "services is empty", "Declare at least one service.")
	}
	slices.SortFunc(s.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
}

func (d *decoder) service(n *yaml.Node, svc *Service) {
	p := "services." + svc.Name
	var healthNode *yaml.Node
	d.mapping(n, p, map[string]field{
		"kind": func(_, v *yaml.Node) {
			svc.Kind, _ = d.enum(v, p+".kind", KindService, KindPostgres, KindMySQL, KindAurora, KindRedis, KindMemcached, KindKafka, KindAppliance)
		},
		"port": func(_, v *yaml.Node) {
			svc.Port, _ = d.integer(v, p+".port", 1, 65535, "A port is 1 to 65535.")
		},
		"protocol": func(_, v *yaml.Node) {
			svc.Protocol, _ = d.enum(v, p+".protocol", ProtoHTTP, ProtoHTTP2, ProtoGRPC, ProtoWebSocket, ProtoTCP, ProtoUDP, ProtoTLS)
		},
		"public": func(_, v *yaml.Node) { svc.Public, _ = d.boolean(v, p+".public") },
		"replicas": func(_, v *yaml.Node) {
			svc.Replicas, _ = d.integer(v, p+".replicas", 1, awsfacts.CloudMapInstancesPerService*10, "Replicas is the desired task count, at least 1.")
		},
		"max_replicas": func(_, v *yaml.Node) {
			svc.MaxReplicas, _ = d.integer(v, p+".max_replicas", 1, awsfacts.CloudMapInstancesPerService*10, "max_replicas is the autoscaling ceiling, at least 1.")
		},
		"health": func(_, v *yaml.Node) {
			healthNode = v
			d.health(v, p+".health", &svc.Health)
		},
		"depends_on": func(_, v *yaml.Node) {
			d.list(v, p+".depends_on", func(_ int, item *yaml.Node) {
				dep := Dependency{At: d.rng(item)}
				if item.Kind == yaml.MappingNode {
					delete(d.set, p+".depends_on.service")
					d.mapping(item, p+".depends_on", map[string]field{
						"service": func(_, v *yaml.Node) { dep.Service, _ = d.str(v, p+".depends_on.service") },
						"port": func(_, v *yaml.Node) {
							dep.Port, _ = d.integer(v, p+".depends_on.port", 1, 65535, "A port is 1 to 65535.")
						},
					})
					if d.set[p+".depends_on.service"] == nil {
						d.errorAt(item, p+".depends_on entry has no service", "Write {service: name} or {service: name, port: 1234}.")
					}
				} else if name, ok := d.str(item, p+".depends_on"); ok && strings.HasPrefix(name, OnpremPrefix) {
					if ref, ok := d.siteRef(item, name, p+".depends_on", true); ok {
						svc.Onprem = append(svc.Onprem, ref)
					}
				} else if ok {
					dep.Service = name
				}
				if dep.Service != "" {
					svc.DependsOn = append(svc.DependsOn, dep)
				}
			})
		},
		"egress": func(_, v *yaml.Node) {
			d.list(v, p+".egress", func(_ int, item *yaml.Node) {
				if e, ok := d.egress(item, p+".egress"); ok {
					svc.Egress = append(svc.Egress, e)
				}
			})
		},
		"load_balancing": func(_, v *yaml.Node) {
			svc.LoadBalancing, _ = d.enum(v, p+".load_balancing", "round_robin", "least_outstanding_requests", "weighted_random", "ip_hash")
		},
		"stickiness": func(_, v *yaml.Node) {
			svc.Stickiness, _ = d.duration(v, p+".stickiness", time.Second, 7*24*time.Hour)
		},
		"deregistration_delay": func(_, v *yaml.Node) {
			svc.DeregistrationDelay, _ = d.duration(v, p+".deregistration_delay", 0, 3600*time.Second)
		},
		"slow_start": func(_, v *yaml.Node) {
			svc.SlowStart, _ = d.duration(v, p+".slow_start", 30*time.Second, 900*time.Second)
		},
		"static_ip": func(_, v *yaml.Node) { svc.StaticIP, _ = d.boolean(v, p+".static_ip") },
		"run": func(_, v *yaml.Node) {
			if r, ok := d.str(v, p+".run"); ok {
				if strings.TrimSpace(r) == "" {
					d.errorAt(v, p+".run is empty", "Give the command that starts one task, or leave the key out for the built-in workload.")
				}
				svc.Run = r
			}
		},
		"spoke": func(_, v *yaml.Node) {
			if sp, ok := d.str(v, p+".spoke"); ok && d.label(v, sp, p+".spoke") {
				svc.Spoke = sp
			}
		},
		"callers_from": func(_, v *yaml.Node) {
			d.list(v, p+".callers_from", func(_ int, item *yaml.Node) {
				if name, ok := d.str(item, p+".callers_from"); ok {
					if ref, ok := d.siteRef(item, name, p+".callers_from", false); ok {
						svc.CallersFrom = append(svc.CallersFrom, ref)
					}
				}
			})
		},
	})
	if healthNode != nil {
		svc.HealthAt = d.rng(healthNode)
	}
}

func (d *decoder) health(n *yaml.Node, p string, h *Health) {
	d.mapping(n, p, map[string]field{
		"path": func(_, v *yaml.Node) {
			path, ok := d.str(v, p+".path")
			if !ok {
				return
			}
			if !strings.HasPrefix(path, "/") || len(path) > 1024 || strings.ContainsAny(path, " \t\r\n") {
				d.errorAt(v, fmt.Sprintf("%s.path: %q is not a valid health check path", p, path), "A path starts with \"/\", has no spaces, and is at most 1024 characters.")
				return
			}
			h.Path = path
		},
		"interval": func(_, v *yaml.Node) {
			h.Interval, _ = d.duration(v, p+".interval", 5*time.Second, 300*time.Second)
		},
		"timeout": func(_, v *yaml.Node) {
			h.Timeout, _ = d.duration(v, p+".timeout", 2*time.Second, 120*time.Second)
		},
		"healthy_threshold": func(_, v *yaml.Node) {
			h.HealthyThreshold, _ = d.integer(v, p+".healthy_threshold", 2, 10, "Thresholds are 2 to 10 checks.")
		},
		"unhealthy_threshold": func(_, v *yaml.Node) {
			h.UnhealthyThreshold, _ = d.integer(v, p+".unhealthy_threshold", 2, 10, "Thresholds are 2 to 10 checks.")
		},
		"port": func(_, v *yaml.Node) {
			h.Port, _ = d.integer(v, p+".port", 1, 65535, "A port is 1 to 65535.")
		},
		"matcher": func(_, v *yaml.Node) {
			// A bare 200 is a number in YAML; it means the code.
			if m, ok := d.text(v, p+".matcher"); ok {
				h.Matcher = m
			}
		},
	})
}

func (d *decoder) egress(n *yaml.Node, p string) (Egress, bool) {
	s, ok := d.str(n, p)
	if !ok {
		return Egress{}, false
	}
	e := Egress{At: d.rng(n)}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		d.errorAt(n, fmt.Sprintf("%s: %q has no port", p, s), fmt.Sprintf("Write host:port or cidr:port, such as %s:443.", s))
		return Egress{}, false
	}
	host, portText := s[:i], s[i+1:]
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		d.errorAt(n, fmt.Sprintf("%s: %q has an invalid port", p, s), "A port is 1 to 65535.")
		return Egress{}, false
	}
	e.Port = port
	if strings.Contains(host, "/") {
		pre, err := parseCIDR(host)
		if err != nil {
			d.errorAt(n, fmt.Sprintf("%s: %q is not a CIDR block", p, host), err.Error())
			return Egress{}, false
		}
		e.Prefix = pre
		if pre.Bits() == 0 {
			d.warnAt(n, fmt.Sprintf("%s: %s opens port %d to the whole internet", p, s, port), "Name the hosts or blocks the service calls, so egress stays least privilege.")
		}
		return e, true
	}
	if !isHostname(host) {
		d.errorAt(n, fmt.Sprintf("%s: %q is not a host name or CIDR block", p, host), "Write a DNS name such as api.stripe.com, or a block such as 203.0.113.0/24.")
		return Egress{}, false
	}
	e.Host = strings.ToLower(host)
	return e, true
}
