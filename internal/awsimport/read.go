// Package awsimport reads an AWS account's network from the JSON the AWS
// CLI prints for its describe and list calls (`aws ... --output json`),
// and turns it into netwright's design model, so the analyzer answers
// about a network netwright did not design. It owns recognising each
// answer by its top-level key, joining the answers into one network, and
// saying (as warnings) which questions the files cannot answer; it never
// calls AWS, and it does not analyse what it reads.
package awsimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// File is one file of AWS CLI output: its path (for messages) and bytes.
type File struct {
	Name string
	Data []byte
}

// ReadDir reads every .json file under root in fsys, in any nesting, and
// imports them (Import). Files that are not JSON are skipped.
func ReadDir(fsys fs.FS, root string) (*design.Design, diag.Diagnostics) {
	var files []File
	var ds diag.Diagnostics
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			ds = append(ds, warn(p, "cannot read: %v", err))
			return nil
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(p), ".json") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			ds = append(ds, warn(p, "cannot read: %v", err))
			return nil
		}
		files = append(files, File{Name: p, Data: b})
		return nil
	})
	if err != nil {
		ds = append(ds, diag.Diagnostic{Severity: diag.Error, Summary: fmt.Sprintf("cannot read %s: %v", root, err)})
		return nil, ds
	}
	d, more := Import(files)
	return d, append(ds, more...)
}

func warn(file, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Warning, Summary: fmt.Sprintf(format, args...), Subject: &diag.Range{Filename: file}}
}

// answers holds every recognised answer, across files, before they are
// joined.
type answers struct {
	vpcs          []vpc
	subnets       []subnet
	routeTables   []routeTable
	groups        []securityGroup
	acls          []networkACL
	interfaces    []networkInterface
	reservations  []reservation
	nats          []natGateway
	igws          []internetGateway
	endpoints     []vpcEndpoint
	peerings      []vpcPeering
	tgws          []transitGateway
	tgwAttach     []tgwAttachment
	tgwVPCAttach  []tgwVPCAttachment
	tgwTables     []tgwRouteTable
	tgwRoutes     map[string][]tgwRoute // route table ID -> routes
	prefixLists   []managedPrefixList
	prefixEntries map[string][]prefixListEntry // prefix list ID -> entries
	vgws          []vpnGateway
	vpns          []vpnConnection
	lbs           []loadBalancer
	listeners     []listener
	rules         map[string][]listenerRule // listener ARN -> rules
	targetGroups  []targetGroup
	targetHealth  map[string][]targetHealthDescription // target group ARN -> targets
	lbAttrs       map[string][]attribute               // load balancer ARN -> attributes
	tgAttrs       map[string][]attribute               // target group ARN -> attributes
	ecsServices   []ecsService
	ecsTasks      []ecsTask
	namespaces    []cmNamespace
	cmServices    []cmService
	// seen records which calls answered, by top-level key.
	seen map[string]bool
}

// keys maps each top-level key to what reads its value. wrapper is the
// parent key a per-parent call's answer is wrapped with, when the answer
// does not name its parent.
var readers = map[string]func(a *answers, raw json.RawMessage, parent string) error{
	"Vpcs":                  func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.vpcs, r) },
	"Subnets":               func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.subnets, r) },
	"RouteTables":           func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.routeTables, r) },
	"SecurityGroups":        func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.groups, r) },
	"NetworkAcls":           func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.acls, r) },
	"NetworkInterfaces":     func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.interfaces, r) },
	"Reservations":          func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.reservations, r) },
	"NatGateways":           func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.nats, r) },
	"InternetGateways":      func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.igws, r) },
	"VpcEndpoints":          func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.endpoints, r) },
	"VpcPeeringConnections": func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.peerings, r) },
	"TransitGateways":       func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.tgws, r) },
	"TransitGatewayAttachments": func(a *answers, r json.RawMessage, _ string) error {
		return appendJSON(&a.tgwAttach, r)
	},
	"TransitGatewayVpcAttachments": func(a *answers, r json.RawMessage, _ string) error {
		return appendJSON(&a.tgwVPCAttach, r)
	},
	"TransitGatewayRouteTables": func(a *answers, r json.RawMessage, _ string) error {
		return appendJSON(&a.tgwTables, r)
	},
	"Routes": func(a *answers, r json.RawMessage, parent string) error {
		var rs []tgwRoute
		err := json.Unmarshal(r, &rs)
		a.tgwRoutes[parent] = append(a.tgwRoutes[parent], rs...)
		return err
	},
	"PrefixLists": func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.prefixLists, r) },
	"Entries": func(a *answers, r json.RawMessage, parent string) error {
		var es []prefixListEntry
		err := json.Unmarshal(r, &es)
		a.prefixEntries[parent] = append(a.prefixEntries[parent], es...)
		return err
	},
	"VpnGateways":    func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.vgws, r) },
	"VpnConnections": func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.vpns, r) },
	"LoadBalancers":  func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.lbs, r) },
	"Listeners":      func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.listeners, r) },
	"Rules": func(a *answers, r json.RawMessage, parent string) error {
		var rs []listenerRule
		err := json.Unmarshal(r, &rs)
		for _, rule := range rs {
			// A rule's ARN names its listener; a wrapper may too.
			l := parent
			if l == "" {
				l = listenerOfRule(rule.RuleArn)
			}
			a.rules[l] = append(a.rules[l], rule)
		}
		return err
	},
	"TargetGroups": func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.targetGroups, r) },
	"TargetHealthDescriptions": func(a *answers, r json.RawMessage, parent string) error {
		var ts []targetHealthDescription
		err := json.Unmarshal(r, &ts)
		a.targetHealth[parent] = append(a.targetHealth[parent], ts...)
		return err
	},
	"Attributes": func(a *answers, r json.RawMessage, parent string) error {
		var as []attribute
		err := json.Unmarshal(r, &as)
		switch {
		case strings.Contains(parent, ":targetgroup/"):
			a.tgAttrs[parent] = append(a.tgAttrs[parent], as...)
		default:
			a.lbAttrs[parent] = append(a.lbAttrs[parent], as...)
		}
		return err
	},
	"services":   func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.ecsServices, r) },
	"tasks":      func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.ecsTasks, r) },
	"Namespaces": func(a *answers, r json.RawMessage, _ string) error { return appendJSON(&a.namespaces, r) },
	"Services": func(a *answers, r json.RawMessage, parent string) error {
		var ss []cmService
		err := json.Unmarshal(r, &ss)
		for i := range ss {
			if ss[i].NamespaceId == "" {
				ss[i].NamespaceId = parent
			}
			if ss[i].NamespaceId == "" && ss[i].DnsConfig != nil {
				ss[i].NamespaceId = ss[i].DnsConfig.NamespaceId
			}
		}
		a.cmServices = append(a.cmServices, ss...)
		return err
	},
}

// parentKeys are the keys a per-parent answer is wrapped with, and the
// data keys each may wrap.
var parentKeys = map[string][]string{
	"TransitGatewayRouteTableId": {"Routes"},
	"PrefixListId":               {"Entries"},
	"ListenerArn":                {"Rules"},
	"TargetGroupArn":             {"TargetHealthDescriptions", "Attributes"},
	"LoadBalancerArn":            {"Attributes"},
	"NamespaceId":                {"Services"},
}

var parentKeyOrder = []string{"ListenerArn", "LoadBalancerArn", "NamespaceId", "PrefixListId", "TargetGroupArn", "TransitGatewayRouteTableId"}

// ignored are top-level keys of the answers that carry no network: paging
// tokens and per-call failure lists.
var ignored = map[string]bool{
	"NextToken": true, "nextToken": true, "NextMarker": true, "failures": true,
	"AdditionalRoutesAvailable": true, "ResponseMetadata": true,
}

func appendJSON[T any](dst *[]T, raw json.RawMessage) error {
	var v []T
	err := json.Unmarshal(raw, &v)
	*dst = append(*dst, v...)
	return err
}

// listenerOfRule derives a listener's ARN from one of its rules' ARN:
// ...:listener-rule/app/NAME/LB/LISTENER/RULE -> ...:listener/app/NAME/LB/LISTENER.
func listenerOfRule(arn string) string {
	before, after, ok := strings.Cut(arn, ":listener-rule/")
	if !ok {
		return ""
	}
	i := strings.LastIndex(after, "/")
	if i < 0 {
		return ""
	}
	return before + ":listener/" + after[:i]
}

// Import reads the files and joins them into one network. Each file holds
// one answer, or several concatenated (a call made once per parent); each
// answer is recognised by its top-level key. What cannot be read or
// joined is a warning; an empty import is an error.
func Import(files []File) (*design.Design, diag.Diagnostics) {
	a := &answers{seen: map[string]bool{}, tgwRoutes: map[string][]tgwRoute{}, prefixEntries: map[string][]prefixListEntry{},
		rules: map[string][]listenerRule{}, targetHealth: map[string][]targetHealthDescription{},
		lbAttrs: map[string][]attribute{}, tgAttrs: map[string][]attribute{}}
	var ds diag.Diagnostics
	files = slices.Clone(files)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		ds = append(ds, a.readFile(f)...)
	}
	d, more := a.build()
	d.Source.Files = len(files)
	ds = append(ds, more...)
	if len(d.VPCs) == 0 {
		ds = append(ds, diag.Diagnostic{Severity: diag.Error, Summary: "no VPCs in the files",
			Detail: "netwright import needs at least `aws ec2 describe-vpcs` and `aws ec2 describe-subnets`; `netwright import --commands` prints every call it reads."})
	}
	return d, ds
}

func (a *answers) readFile(f File) diag.Diagnostics {
	var ds diag.Diagnostics
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	for {
		var doc map[string]json.RawMessage
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			// An empty file is a per-parent call with no parents.
			return ds
		}
		if err != nil {
			ds = append(ds, warn(f.Name, "not the JSON the AWS CLI prints: %v; the rest of the file is skipped", err))
			return ds
		}
		ds = append(ds, a.readDoc(f.Name, doc)...)
	}
}

func (a *answers) readDoc(file string, doc map[string]json.RawMessage) diag.Diagnostics {
	var ds diag.Diagnostics
	parent, parentKey := "", ""
	for _, k := range parentKeyOrder {
		if raw, ok := doc[k]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				parent, parentKey = s, k
			}
		}
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if ignored[k] || k == parentKey {
			continue
		}
		r, ok := readers[k]
		if !ok {
			if _, isParent := parentKeys[k]; isParent {
				continue
			}
			ds = append(ds, warn(file, "top-level key %q is not an answer netwright reads; it is skipped", k))
			continue
		}
		p := ""
		if parentKey != "" && slices.Contains(parentKeys[parentKey], k) {
			p = parent
		}
		if needsParent(k) && p == "" && k != "Rules" && k != "Services" {
			ds = append(ds, warn(file, "%q names no parent: wrap it as {%q: ..., %q: [...]}; it is skipped", k, wrapperFor(k), k))
			continue
		}
		if err := r(a, doc[k], p); err != nil {
			ds = append(ds, warn(file, "%s: %v; what could be read is kept", k, err))
		}
		a.seen[k] = true
	}
	return ds
}

// needsParent reports whether a key's answer names no parent, so it must
// come wrapped.
func needsParent(k string) bool {
	switch k {
	case "Routes", "Entries", "TargetHealthDescriptions", "Attributes", "Rules", "Services":
		return true
	}
	return false
}

func wrapperFor(k string) string {
	for p, ks := range parentKeys {
		if slices.Contains(ks, k) {
			return p
		}
	}
	return ""
}
