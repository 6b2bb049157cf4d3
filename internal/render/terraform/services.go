package terraform

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/netwright/netwright/internal/design"
)

func (w *writer) loadBalancing() {
	buckets := map[string]bool{}
	for _, lb := range w.d.LoadBalancers {
		r := w.regionOf(lb.VPC)
		if lb.AccessLogs != nil && lb.Type == design.ALB && !buckets[r] {
			buckets[r] = true
			id := "lb-logs-" + r
			b := w.resource("loadbalancing.tf", "aws_s3_bucket", id, r, lb.AccessLogs.Waiver)
			b.SetAttributeValue("bucket_prefix", str(lb.AccessLogs.Bucket[:min(len(lb.AccessLogs.Bucket), 30)]+"-"))
			ver := w.resource("loadbalancing.tf", "aws_s3_bucket_versioning", id, r)
			ver.SetAttributeRaw("bucket", ref("aws_s3_bucket", name(id), "id"))
			ver.AppendNewBlock("versioning_configuration", nil).Body().SetAttributeValue("status", str("Enabled"))
			pab := w.resource("loadbalancing.tf", "aws_s3_bucket_public_access_block", id, r)
			pab.SetAttributeRaw("bucket", ref("aws_s3_bucket", name(id), "id"))
			for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
				pab.SetAttributeValue(k, cty.True)
			}
			pol := w.resource("loadbalancing.tf", "aws_s3_bucket_policy", id, r)
			pol.SetAttributeRaw("bucket", ref("aws_s3_bucket", name(id), "id"))
			pol.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "logdelivery.elasticloadbalancing.amazonaws.com"}, Action = "s3:PutObject", Resource = "${aws_s3_bucket.%s.arn}/*"}]}`, name(id))))
		}
	}
	for _, tg := range w.d.TargetGroups {
		if tg.StackOwns() {
			w.targetGroup(tg)
		}
	}
	for _, lb := range w.d.LoadBalancers {
		r := w.regionOf(lb.VPC)
		if !lb.StackOwns() {
			// The AWS Load Balancer Controller makes the ALB, its listeners,
			// rules and target groups from the Ingress; the configuration
			// keeps what the Ingress names: the groups and bucket above, and
			// the certificate it is given, which it outputs.
			for _, l := range lb.Listeners {
				if l.Certificate == design.CertificateAuto {
					w.variable("certificate_arn", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)")
				}
			}
			continue
		}
		b := w.resource("loadbalancing.tf", "aws_lb", lb.ID, r, lb.Waiver)
		b.SetAttributeValue("name", str(lb.Name))
		b.SetAttributeValue("load_balancer_type", str(lb.Type))
		if lb.Type != design.GWLB {
			b.SetAttributeValue("internal", cty.BoolVal(lb.Scheme == design.Internal))
			b.SetAttributeRaw("security_groups", refs("aws_security_group", lb.SecurityGroups, "id"))
			b.SetAttributeValue("enable_deletion_protection", cty.BoolVal(lb.DeletionProtection))
		}
		// An internet-facing load balancer, and an Elastic IP, need the
		// VPC's internet gateway attached first (AWS-FACTS.md, "Created
		// after the internet gateway"); nothing else orders them.
		var igw []hclwrite.Tokens
		if v := w.d.VPC(lb.VPC); lb.Scheme == design.InternetFacing && v != nil && v.InternetGateway != "" {
			igw = append(igw, ref("aws_internet_gateway", name(v.InternetGateway)))
		}
		var deps []hclwrite.Tokens
		if lb.ElasticIPs {
			for _, s := range lb.Subnets {
				e := w.resource("loadbalancing.tf", "aws_eip", lb.ID+"-"+s, r)
				e.SetAttributeValue("domain", str("vpc"))
				if len(igw) > 0 {
					e.SetAttributeRaw("depends_on", list(igw...))
				}
				m := b.AppendNewBlock("subnet_mapping", nil).Body()
				m.SetAttributeRaw("subnet_id", ref("aws_subnet", name(s), "id"))
				m.SetAttributeRaw("allocation_id", ref("aws_eip", name(lb.ID+"-"+s), "id"))
			}
		} else {
			b.SetAttributeRaw("subnets", refs("aws_subnet", lb.Subnets, "id"))
		}
		switch lb.Type {
		case design.ALB:
			b.SetAttributeValue("idle_timeout", num(secs(lb.IdleTimeout)))
			b.SetAttributeValue("drop_invalid_header_fields", cty.BoolVal(lb.DropInvalidHeaders))
		default:
			b.SetAttributeValue("enable_cross_zone_load_balancing", cty.BoolVal(lb.CrossZone))
		}
		if lb.AccessLogs != nil && lb.Type == design.ALB {
			al := b.AppendNewBlock("access_logs", nil).Body()
			al.SetAttributeRaw("bucket", ref("aws_s3_bucket", name("lb-logs-"+r), "id"))
			al.SetAttributeValue("prefix", str(lb.AccessLogs.Prefix))
			al.SetAttributeValue("enabled", cty.True)
			deps = append(deps, ref("aws_s3_bucket_policy", name("lb-logs-"+r)))
		}
		if deps = append(deps, igw...); len(deps) > 0 {
			b.SetAttributeRaw("depends_on", list(deps...))
		}
		for _, l := range lb.Listeners {
			lb2 := w.resource("loadbalancing.tf", "aws_lb_listener", l.ID, r, l.Waiver)
			lb2.SetAttributeRaw("load_balancer_arn", ref("aws_lb", name(lb.ID), "arn"))
			if lb.Type != design.GWLB {
				lb2.SetAttributeValue("port", num(l.Port))
				lb2.SetAttributeValue("protocol", str(l.Protocol))
			}
			if l.Certificate != "" {
				cert := hclwrite.TokensForValue(str(l.Certificate))
				if l.Certificate == "auto" {
					cert = w.variable("certificate_arn", "ACM certificate for the public domain (netwright's auto: request it in ACM with DNS validation, then pass its ARN)")
				}
				lb2.SetAttributeRaw("certificate_arn", cert)
				lb2.SetAttributeValue("ssl_policy", str(l.SSLPolicy))
			}
			if l.ALPNPolicy != "" {
				lb2.SetAttributeValue("alpn_policy", str(l.ALPNPolicy))
			}
			w.action(lb2.AppendNewBlock("default_action", nil).Body(), l.DefaultAction)
			for _, rule := range l.Rules {
				rb := w.resource("loadbalancing.tf", "aws_lb_listener_rule", rule.ID, r)
				rb.SetAttributeRaw("listener_arn", ref("aws_lb_listener", name(l.ID), "arn"))
				rb.SetAttributeValue("priority", num(rule.Priority))
				w.action(rb.AppendNewBlock("action", nil).Body(), rule.Action)
				w.conditions(rb, rule.Conditions)
			}
		}
		if lb.Type == design.GWLB {
			svc := w.resource("loadbalancing.tf", "aws_vpc_endpoint_service", lb.ID, r)
			svc.SetAttributeValue("acceptance_required", cty.False)
			svc.SetAttributeRaw("gateway_load_balancer_arns", list(ref("aws_lb", name(lb.ID), "arn")))
			for _, e := range w.d.GatewayLoadBalancerEndpoints {
				if e.LoadBalancer != lb.ID {
					continue
				}
				eb := w.resource("loadbalancing.tf", "aws_vpc_endpoint", e.ID, r)
				eb.SetAttributeRaw("vpc_id", ref("aws_vpc", name(w.d.SubnetVPC(e.Subnet)), "id"))
				eb.SetAttributeValue("vpc_endpoint_type", str("GatewayLoadBalancer"))
				eb.SetAttributeRaw("service_name", ref("aws_vpc_endpoint_service", name(lb.ID), "service_name"))
				eb.SetAttributeRaw("subnet_ids", list(ref("aws_subnet", name(e.Subnet), "id")))
			}
		}
	}
}

func (w *writer) action(b *hclwrite.Body, a design.Action) {
	switch a.Type {
	case design.ActionRedirect:
		b.SetAttributeValue("type", str("redirect"))
		rc := b.AppendNewBlock("redirect", nil).Body()
		rc.SetAttributeValue("protocol", str(a.RedirectProtocol))
		rc.SetAttributeValue("port", str(fmt.Sprint(a.RedirectPort)))
		rc.SetAttributeValue("status_code", str(fmt.Sprintf("HTTP_%d", a.StatusCode)))
	case design.ActionFixed:
		b.SetAttributeValue("type", str("fixed-response"))
		fr := b.AppendNewBlock("fixed_response", nil).Body()
		fr.SetAttributeValue("content_type", str("text/plain"))
		fr.SetAttributeValue("status_code", str(fmt.Sprint(a.StatusCode)))
		fr.SetAttributeValue("message_body", str(a.Body))
	default:
		b.SetAttributeValue("type", str("forward"))
		fw := b.AppendNewBlock("forward", nil).Body()
		for _, f := range a.Forward {
			tg := fw.AppendNewBlock("target_group", nil).Body()
			tg.SetAttributeRaw("arn", ref("aws_lb_target_group", name(f.TargetGroup), "arn"))
			tg.SetAttributeValue("weight", num(f.Weight))
		}
	}
}

func (w *writer) conditions(b *hclwrite.Body, c design.Conditions) {
	cond := func(block string, set func(*hclwrite.Body)) {
		cb := b.AppendNewBlock("condition", nil).Body().AppendNewBlock(block, nil).Body()
		set(cb)
	}
	strs := func(vs []string) cty.Value {
		var out []cty.Value
		for _, v := range vs {
			out = append(out, str(v))
		}
		return cty.ListVal(out)
	}
	if c.Host != "" {
		cond("host_header", func(b *hclwrite.Body) { b.SetAttributeValue("values", strs([]string{c.Host})) })
	}
	if c.Path != "" {
		cond("path_pattern", func(b *hclwrite.Body) { b.SetAttributeValue("values", strs([]string{c.Path})) })
	}
	for _, h := range c.Headers {
		cond("http_header", func(b *hclwrite.Body) {
			b.SetAttributeValue("http_header_name", str(h.Key))
			if h.Value == design.OriginSecret {
				// CloudFront's origin header: its value is a variable.
				b.SetAttributeRaw("values", list(w.originSecret()))
				return
			}
			b.SetAttributeValue("values", strs([]string{h.Value}))
		})
	}
	if len(c.Methods) > 0 {
		cond("http_request_method", func(b *hclwrite.Body) { b.SetAttributeValue("values", strs(c.Methods)) })
	}
	for _, q := range c.Query {
		cond("query_string", func(b *hclwrite.Body) {
			b.SetAttributeValue("key", str(q.Key))
			b.SetAttributeValue("value", str(q.Value))
		})
	}
	if len(c.SourceIPs) > 0 {
		var ips []string
		for _, p := range c.SourceIPs {
			ips = append(ips, p.String())
		}
		cond("source_ip", func(b *hclwrite.Body) { b.SetAttributeValue("values", strs(ips)) })
	}
}

func (w *writer) targetGroup(tg design.TargetGroup) {
	r := w.regionOf(tg.VPC)
	b := w.resource("loadbalancing.tf", "aws_lb_target_group", tg.ID, r)
	b.SetAttributeValue("name", str(tg.Name))
	b.SetAttributeValue("port", num(tg.Port))
	b.SetAttributeValue("protocol", str(tg.Protocol))
	if tg.ProtocolVersion != "" {
		b.SetAttributeValue("protocol_version", str(tg.ProtocolVersion))
	}
	b.SetAttributeValue("target_type", str(tg.TargetType))
	b.SetAttributeRaw("vpc_id", ref("aws_vpc", name(tg.VPC), "id"))
	if tg.Protocol != "GENEVE" {
		b.SetAttributeValue("deregistration_delay", num(secs(tg.DeregistrationDelay)))
	}
	if tg.Algorithm != "" && tg.Protocol == "HTTP" {
		b.SetAttributeValue("load_balancing_algorithm_type", str(tg.Algorithm))
		if tg.AnomalyMitigation {
			b.SetAttributeValue("load_balancing_anomaly_mitigation", str("on"))
		}
	}
	if tg.SlowStart > 0 {
		b.SetAttributeValue("slow_start", num(secs(tg.SlowStart)))
	}
	if tg.Protocol == "TCP" || tg.Protocol == "UDP" || tg.Protocol == "TLS" {
		b.SetAttributeValue("preserve_client_ip", str(fmt.Sprint(tg.PreserveClientIP)))
	}
	h := tg.Health
	hc := b.AppendNewBlock("health_check", nil).Body()
	hc.SetAttributeValue("enabled", cty.True)
	hc.SetAttributeValue("protocol", str(h.Protocol))
	port := "traffic-port"
	if h.Port != tg.Port {
		port = fmt.Sprint(h.Port)
	}
	hc.SetAttributeValue("port", str(port))
	if h.Path != "" {
		hc.SetAttributeValue("path", str(h.Path))
	}
	if h.Matcher != "" {
		hc.SetAttributeValue("matcher", str(h.Matcher))
	}
	hc.SetAttributeValue("interval", num(secs(h.Interval)))
	hc.SetAttributeValue("timeout", num(secs(h.Timeout)))
	hc.SetAttributeValue("healthy_threshold", num(h.HealthyThreshold))
	hc.SetAttributeValue("unhealthy_threshold", num(h.UnhealthyThreshold))
	if tg.Stickiness != "" {
		st := b.AppendNewBlock("stickiness", nil).Body()
		st.SetAttributeValue("enabled", cty.True)
		st.SetAttributeValue("type", str(tg.Stickiness))
		if tg.StickinessDuration > 0 {
			st.SetAttributeValue("cookie_duration", num(secs(tg.StickinessDuration)))
		}
	}
}

func (w *writer) services() {
	sc := w.d.Mesh != nil && w.d.Mesh.ServiceConnect != nil
	registered := map[string]bool{}
	for _, s := range w.d.Services {
		if s.Platform != nil {
			for _, r := range s.Platform.Discovery {
				registered[r.Service] = true
			}
		}
	}
	nsRef := map[string]hclwrite.Tokens{} // region -> namespace ARN
	for _, ns := range w.d.Namespaces {
		r := w.regionOf(ns.VPC)
		typ := "aws_service_discovery_private_dns_namespace"
		if ns.Type == design.NamespaceHTTP {
			typ = "aws_service_discovery_http_namespace"
		}
		b := w.resource("services.tf", typ, ns.ID, r)
		b.SetAttributeValue("name", str(ns.Name))
		if ns.Type != design.NamespaceHTTP {
			b.SetAttributeRaw("vpc", ref("aws_vpc", name(ns.VPC), "id"))
		}
		nsRef[r] = ref(typ, name(ns.ID), "arn")
		for _, v := range ns.AssociatedVPCs {
			a := w.resource("services.tf", "aws_route53_zone_association", ns.ID+"-"+v, r)
			a.SetAttributeRaw("zone_id", ref(typ, name(ns.ID), "hosted_zone"))
			a.SetAttributeRaw("vpc_id", ref("aws_vpc", name(v), "id"))
		}
		for _, s := range ns.Services {
			if !registered[s.ID] {
				continue // nothing registers in it: Service Connect registers its own
			}
			b := w.resource("services.tf", "aws_service_discovery_service", s.ID, r)
			b.SetAttributeValue("name", str(s.Service))
			if len(s.Records) > 0 {
				dc := b.AppendNewBlock("dns_config", nil).Body()
				dc.SetAttributeRaw("namespace_id", ref(typ, name(ns.ID), "id"))
				dc.SetAttributeValue("routing_policy", str(s.RoutingPolicy))
				for _, rec := range s.Records {
					rb := dc.AppendNewBlock("dns_records", nil).Body()
					rb.SetAttributeValue("type", str(rec.Type))
					rb.SetAttributeValue("ttl", num(secs(rec.TTL)))
				}
			} else {
				b.SetAttributeRaw("namespace_id", ref(typ, name(ns.ID), "id"))
			}
			b.AppendNewBlock("health_check_custom_config", nil).Body().SetAttributeValue("failure_threshold", num(1))
		}
	}
	w.identities()
	if w.d.Compute == design.ComputeEKS {
		w.notes = append(w.notes, "compute eks: the network, load balancers, discovery and the pods' IAM roles (EKS Pod Identity) are written; the EKS cluster and workloads are not (use the terraform-aws-modules/eks module on these subnets).")
		if albs := w.d.ControllerALBs(); len(albs) > 0 {
			w.notes = append(w.notes, fmt.Sprintf("AWS Load Balancer Controller: the stack creates the security groups of the ALBs %s and their access-log bucket, and outputs them with the subnets and the certificate it is given; the controller creates the ALBs, their listeners, rules and target groups from the Ingresses of export --format kubernetes --ingress.", strings.Join(albs, ", ")))
		}
		return
	}
	scOf := map[string]design.ServiceConnectService{}
	if sc {
		for _, s := range w.d.Mesh.ServiceConnect.Services {
			scOf[s.Service] = s
		}
	}
	for _, region := range w.d.Regions {
		var svcs []design.Service
		for _, s := range w.d.Services {
			if s.Platform == nil {
				w.notes = append(w.notes, "Managed data stores (RDS, Aurora, ElastiCache, MSK) are not written: create them in the data subnets with the data stores' security groups.")
				continue
			}
			for _, p := range s.Placements {
				if w.regionOf(p.VPC) == region {
					svcs = append(svcs, s)
					break
				}
			}
		}
		if len(svcs) == 0 {
			continue
		}
		cid := "cluster-" + w.d.App + "-" + region
		cl := w.resource("services.tf", "aws_ecs_cluster", cid, region, w.d.InsightsWaiver)
		cl.SetAttributeValue("name", str(w.d.App))
		if w.d.ContainerInsights {
			st := cl.AppendNewBlock("setting", nil).Body()
			st.SetAttributeValue("name", str("containerInsights"))
			st.SetAttributeValue("value", str("enabled"))
		}
		if n, ok := nsRef[region]; ok && sc {
			cl.AppendNewBlock("service_connect_defaults", nil).Body().SetAttributeRaw("namespace", n)
		}
		logs := w.resource("services.tf", "aws_cloudwatch_log_group", cid, region)
		logs.SetAttributeValue("name", str("/netwright/"+w.d.App+"/tasks"))
		logs.SetAttributeValue("retention_in_days", num(30))
		role := w.resource("services.tf", "aws_iam_role", cid+"-execution", region)
		role.SetAttributeValue("name_prefix", str(w.d.App+"-exec-"))
		role.SetAttributeRaw("assume_role_policy", jsonencode(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "ecs-tasks.amazonaws.com"}, Action = "sts:AssumeRole"}]}`))
		att := w.resource("services.tf", "aws_iam_role_policy_attachment", cid+"-execution", region)
		att.SetAttributeRaw("role", ref("aws_iam_role", name(cid+"-execution"), "name"))
		att.SetAttributeValue("policy_arn", str("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"))
		if m := w.d.Mesh; m != nil && m.Lattice != nil {
			lr := w.resource("services.tf", "aws_iam_role", cid+"-lattice", region)
			lr.SetAttributeValue("name_prefix", str(w.d.App+"-lattice-"))
			lr.SetAttributeRaw("assume_role_policy", jsonencode(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "ecs.amazonaws.com"}, Action = "sts:AssumeRole"}]}`))
			la := w.resource("services.tf", "aws_iam_role_policy_attachment", cid+"-lattice", region)
			la.SetAttributeRaw("role", ref("aws_iam_role", name(cid+"-lattice"), "name"))
			la.SetAttributeValue("policy_arn", str("arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice"))
		}
		for _, s := range svcs {
			w.ecsService(s, region, cid, scOf, nsRef[region])
		}
	}
	w.global()
}

// identities writes each service's IAM role in every Region it runs in,
// with the permissions the design gives it: an ECS task role, or a role
// for EKS Pod Identity, which the cluster configuration associates with
// the service account.
func (w *writer) identities() {
	for _, id := range w.d.Identities {
		s := w.d.Service(id.Service)
		if s == nil {
			continue
		}
		for _, region := range w.d.Regions {
			if !slices.ContainsFunc(s.Placements, func(p design.Placement) bool { return w.regionOf(p.VPC) == region }) {
				continue
			}
			rid := id.ID + "-" + region
			role := w.resource("services.tf", "aws_iam_role", rid, region)
			role.SetAttributeValue("name_prefix", str(w.d.App+"-"+id.Service+"-"))
			actions := `"sts:AssumeRole"`
			if id.Kind == design.IdentityEKSPod {
				actions = `["sts:AssumeRole", "sts:TagSession"]`
			}
			role.SetAttributeRaw("assume_role_policy", jsonencode(fmt.Sprintf(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = %q}, Action = %s}]}`, id.Principal, actions)))
			for k, perm := range id.Permissions {
				if perm.LatticeServiceNetwork != "" && w.latticeIn(region) {
					// The network's services, which a controller makes after
					// this configuration: by the network they are associated with.
					pol := w.resource("services.tf", "aws_iam_role_policy", fmt.Sprintf("%s-%d", rid, k), region)
					pol.SetAttributeRaw("role", ref("aws_iam_role", name(rid), "id"))
					var acts []string
					for _, a := range perm.Actions {
						acts = append(acts, fmt.Sprintf("%q", a))
					}
					sn := name("lattice-" + perm.LatticeServiceNetwork + "-" + region)
					w.accountData(region) // declares the partition and caller identity data sources
					n := cmp.Or(w.aliases[region], "current")
					services := fmt.Sprintf("arn:${data.aws_partition.%s.partition}:vpc-lattice:%s:${data.aws_caller_identity.%s.account_id}:service/*", n, region, n)
					pol.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Action = [%s], Resource = [%q], Condition = {ArnEquals = {"vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.%s.arn}}}]}`,
						strings.Join(acts, ", "), services, sn)))
					continue
				}
				var resources []string
				for _, ls := range perm.LatticeServices {
					if w.latticeIn(region) {
						resources = append(resources, fmt.Sprintf(`"${aws_vpclattice_service.%s.arn}/*"`, name(ls+"-"+region)))
					}
				}
				if len(resources) == 0 {
					continue
				}
				pol := w.resource("services.tf", "aws_iam_role_policy", fmt.Sprintf("%s-%d", rid, k), region)
				pol.SetAttributeRaw("role", ref("aws_iam_role", name(rid), "id"))
				var acts []string
				for _, a := range perm.Actions {
					acts = append(acts, fmt.Sprintf("%q", a))
				}
				pol.SetAttributeRaw("policy", jsonencode(fmt.Sprintf(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Action = [%s], Resource = [%s]}]}`, strings.Join(acts, ", "), strings.Join(resources, ", "))))
			}
			if id.Kind == design.IdentityEKSPod {
				w.podRoles = append(w.podRoles, podRole{id: id, region: region, rid: rid})
			}
		}
	}
}

// podRole is an EKS pod's IAM role in a Region, which the cluster
// configuration associates with its service account.
type podRole struct {
	id          design.Identity
	region, rid string
}

// output is the name of the base configuration's output of the role's ARN,
// and of the cluster configuration's variable that takes it.
func (r podRole) output() string { return name(r.rid) + "_arn" }

// clusterVar is the cluster configuration's variable for the name of the
// EKS cluster in region: eks_cluster_name, or one per Region when the
// design has several (each Region has its own cluster).
func clusterVar(d *design.Design, region string) string {
	if len(d.Regions) > 1 {
		return "eks_cluster_name_" + name(region)
	}
	return "eks_cluster_name"
}

// ClusterDir is the directory of the cluster configuration: what needs the
// EKS cluster, applied after the base configuration and the cluster.
const ClusterDir = "cluster"

// cluster renders the cluster configuration of an EKS design into its own
// directory: each pod role's EKS Pod Identity association with its service
// account. An association names its cluster (CreatePodIdentityAssociation
// fails with ResourceNotFoundException for a cluster that does not exist),
// and the cluster is built on the subnets the base configuration makes,
// so the associations cannot be applied with them; this root is applied
// once the cluster exists, taking the roles' ARNs from the base
// configuration's outputs. It returns nil when no pod has a role.
func (w *writer) cluster() Files {
	if len(w.podRoles) == 0 {
		return nil
	}
	c := &writer{d: w.d, files: map[string]*hclwrite.File{}, vars: map[string]string{}, aliases: w.aliases, sensitive: map[string]bool{}, regions: w.d.Regions}
	c.versions()
	for _, r := range w.podRoles {
		a := c.resource("main.tf", "aws_eks_pod_identity_association", r.rid, r.region)
		a.SetAttributeRaw("cluster_name", c.variable(clusterVar(w.d, r.region), fmt.Sprintf("name of the EKS cluster the pods run in, in %s, created on the subnets of the base configuration (it needs the eks-pod-identity-agent add-on)", r.region)))
		a.SetAttributeValue("namespace", str(r.id.Namespace))
		a.SetAttributeValue("service_account", str(r.id.ServiceAccount))
		a.SetAttributeRaw("role_arn", c.variable(r.output(), fmt.Sprintf("ARN of the IAM role of %s's pods in %s: output %s of the base configuration", r.id.Service, r.region, r.output())))
	}
	c.writeVariables()
	out := Files{}
	for n, f := range c.files {
		out[ClusterDir+"/"+n] = hclwrite.Format(f.Bytes())
	}
	return out
}

// latticeIn reports whether the Region holds VPC Lattice services.
func (w *writer) latticeIn(region string) bool {
	m := w.d.Mesh
	return m != nil && m.Lattice != nil && slices.ContainsFunc(m.Lattice.VPCs, func(v string) bool { return w.regionOf(v) == region })
}

func (w *writer) ecsService(s design.Service, region, cid string, scOf map[string]design.ServiceConnectService, ns hclwrite.Tokens) {
	pf := s.Platform
	sid := "ecs-" + s.Name + "-" + region
	w.variable(name(s.Name)+"_image", pf.Image.Describe(s.Name))
	launch := "FARGATE"
	if w.d.Compute == design.ComputeECSEC2 {
		launch = "EC2"
	}
	td := w.resource("services.tf", "aws_ecs_task_definition", sid, region)
	td.SetAttributeValue("family", str(w.d.App+"-"+s.Name))
	td.SetAttributeValue("network_mode", str("awsvpc"))
	td.SetAttributeValue("requires_compatibilities", cty.ListVal([]cty.Value{str(launch)}))
	td.SetAttributeValue("cpu", str("256"))
	td.SetAttributeValue("memory", str("512"))
	td.SetAttributeRaw("execution_role_arn", ref("aws_iam_role", name(cid+"-execution"), "arn"))
	td.SetAttributeRaw("task_role_arn", ref("aws_iam_role", name(pf.Identity+"-"+region), "arn"))
	var ports []string
	for _, cp := range pf.Ports {
		m := fmt.Sprintf("{name = %q, containerPort = %d, protocol = %q", cp.Name, cp.Port, cp.Protocol)
		if cp.AppProtocol != "" {
			m += fmt.Sprintf(", appProtocol = %q", cp.AppProtocol)
		}
		ports = append(ports, m+"}")
	}
	var env []string
	for _, dep := range pf.Dependencies {
		value := fmt.Sprintf("%q", fmt.Sprintf("%s:%d", dep.Host, dep.Port))
		switch dep.Via {
		case design.ViaLoadBalancer:
			value = fmt.Sprintf(`"${aws_lb.%s.dns_name}:%d"`, name(dep.LoadBalancer), dep.Port)
		case design.ViaLattice:
			value = fmt.Sprintf(`"${aws_vpclattice_service.%s.dns_entry[0].domain_name}:%d"`, name(dep.LatticeService+"-"+region), dep.Port)
		}
		env = append(env, fmt.Sprintf("{name = %q, value = %s}", dep.Env, value))
	}
	envField := ""
	if len(env) > 0 {
		envField = ", environment = [" + strings.Join(env, ", ") + "]"
	}
	td.SetAttributeRaw("container_definitions", jsonencode(fmt.Sprintf(`[{name = %q, image = var.%s_image, essential = true, portMappings = [%s]%s, logConfiguration = {logDriver = "awslogs", options = {"awslogs-group" = aws_cloudwatch_log_group.%s.name, "awslogs-region" = %q, "awslogs-stream-prefix" = %q}}}]`,
		s.Name, name(s.Name), strings.Join(ports, ", "), envField, name(cid), region, s.Name)))
	var pl design.Placement
	for _, p := range s.Placements {
		if w.regionOf(p.VPC) == region {
			pl = p
		}
	}
	dep := pf.Deployment
	b := w.resource("services.tf", "aws_ecs_service", sid, region)
	b.SetAttributeValue("name", str(s.Name))
	b.SetAttributeRaw("cluster", ref("aws_ecs_cluster", name(cid), "id"))
	b.SetAttributeRaw("task_definition", ref("aws_ecs_task_definition", name(sid), "arn"))
	b.SetAttributeValue("desired_count", num(s.Replicas))
	b.SetAttributeValue("launch_type", str(launch))
	b.SetAttributeValue("deployment_maximum_percent", num(dep.MaxPercent))
	b.SetAttributeValue("deployment_minimum_healthy_percent", num(dep.MinHealthyPercent))
	if dep.HealthCheckGrace > 0 {
		b.SetAttributeValue("health_check_grace_period_seconds", num(secs(dep.HealthCheckGrace)))
	}
	cb := b.AppendNewBlock("deployment_circuit_breaker", nil).Body()
	cb.SetAttributeValue("enable", cty.BoolVal(dep.CircuitBreaker))
	cb.SetAttributeValue("rollback", cty.BoolVal(dep.Rollback))
	nc := b.AppendNewBlock("network_configuration", nil).Body()
	nc.SetAttributeRaw("subnets", refs("aws_subnet", pl.Subnets, "id"))
	nc.SetAttributeRaw("security_groups", refs("aws_security_group", pl.SecurityGroups, "id"))
	nc.SetAttributeValue("assign_public_ip", cty.False)
	var deps []hclwrite.Tokens
	for _, r := range pf.Registrations {
		tg := w.d.TargetGroup(r.TargetGroup)
		if tg == nil || w.regionOf(tg.VPC) != region {
			continue
		}
		lbb := b.AppendNewBlock("load_balancer", nil).Body()
		lbb.SetAttributeValue("container_name", str(s.Name))
		lbb.SetAttributeValue("container_port", num(r.ContainerPort))
		lbb.SetAttributeRaw("target_group_arn", ref("aws_lb_target_group", name(tg.ID), "arn"))
		for _, l := range w.d.ListenersForwardingTo(tg.ID) {
			typ := "aws_lb_listener"
			if w.isRule(l) {
				typ = "aws_lb_listener_rule"
			}
			deps = append(deps, ref(typ, name(l)))
		}
	}
	for _, r := range pf.Discovery {
		for _, nsd := range w.d.Namespaces {
			for _, rec := range nsd.Services {
				if rec.ID == r.Service && w.regionOf(nsd.VPC) == region {
					sr := b.AppendNewBlock("service_registries", nil).Body()
					sr.SetAttributeRaw("registry_arn", ref("aws_service_discovery_service", name(rec.ID), "arn"))
					sr.SetAttributeValue("container_name", str(s.Name))
					sr.SetAttributeValue("container_port", num(r.ContainerPort))
				}
			}
		}
	}
	if scs, ok := scOf[s.Name]; ok && ns != nil {
		scb := b.AppendNewBlock("service_connect_configuration", nil).Body()
		scb.SetAttributeValue("enabled", cty.True)
		scb.SetAttributeRaw("namespace", ns)
		if !scs.ClientOnly {
			svc := scb.AppendNewBlock("service", nil).Body()
			svc.SetAttributeValue("port_name", str(pf.Port(design.PortTraffic).Name))
			svc.SetAttributeValue("discovery_name", str(scs.DiscoveryName))
			for _, a := range scs.ClientAliases {
				ca := svc.AppendNewBlock("client_alias", nil).Body()
				ca.SetAttributeValue("port", num(a.Port))
				ca.SetAttributeValue("dns_name", str(a.DNSName))
			}
			to := svc.AppendNewBlock("timeout", nil).Body()
			if scs.PerRequest > 0 {
				to.SetAttributeValue("per_request_timeout_seconds", num(secs(scs.PerRequest)))
			}
			to.SetAttributeValue("idle_timeout_seconds", num(secs(scs.Idle)))
			if scs.TLS {
				tb := svc.AppendNewBlock("tls", nil).Body()
				tb.AppendNewBlock("issuer_cert_authority", nil).Body().SetAttributeRaw("aws_pca_authority_arn",
					w.variable("service_connect_private_ca_arn", "ARN of the AWS Private CA that issues Service Connect TLS certificates (short-lived mode recommended; it must carry the tag AmazonECSManaged=true)"))
				tb.SetAttributeRaw("role_arn", ref("aws_iam_role", name(w.serviceConnectTLSRole(cid, region)), "arn"))
			}
		}
	}
	// ECS registers the tasks of every service a Lattice rule forwards to,
	// a canary backend as much as the service callers name, only through
	// this block.
	if m := w.d.Mesh; m != nil && m.Lattice != nil && m.Lattice.StackMakesTargetGroup(s.Name) {
		vl := b.AppendNewBlock("vpc_lattice_configurations", nil).Body()
		vl.SetAttributeRaw("role_arn", ref("aws_iam_role", name(cid+"-lattice"), "arn"))
		vl.SetAttributeRaw("target_group_arn", ref("aws_vpclattice_target_group", name("lattice-tg-"+s.Name+"-"+region), "arn"))
		vl.SetAttributeValue("port_name", str(pf.Port(design.PortTraffic).Name))
	}
	for _, after := range pf.StartAfter {
		if o := w.d.Service(after); o != nil && o.Platform != nil && slices.ContainsFunc(o.Placements, func(p design.Placement) bool { return w.regionOf(p.VPC) == region }) {
			deps = append(deps, ref("aws_ecs_service", name("ecs-"+after+"-"+region)))
		}
	}
	if len(deps) > 0 {
		b.SetAttributeRaw("depends_on", list(deps...))
	}
}

// serviceConnectTLSRole is the ECS infrastructure role that manages a
// cluster's Service Connect TLS certificates, made on first use.
func (w *writer) serviceConnectTLSRole(cid, region string) string {
	id := cid + "-sc-tls"
	for _, blk := range w.file("services.tf").Blocks() {
		if blk.Type() == "resource" && slices.Equal(blk.Labels(), []string{"aws_iam_role", name(id)}) {
			return id
		}
	}
	role := w.resource("services.tf", "aws_iam_role", id, region)
	role.SetAttributeValue("name_prefix", str(w.d.App+"-sc-tls-"))
	role.SetAttributeRaw("assume_role_policy", jsonencode(`{Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "ecs.amazonaws.com"}, Action = "sts:AssumeRole"}]}`))
	att := w.resource("services.tf", "aws_iam_role_policy_attachment", id, region)
	att.SetAttributeRaw("role", ref("aws_iam_role", name(id), "name"))
	att.SetAttributeValue("policy_arn", str("arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity"))
	return id
}

// isRule reports whether a listener-or-rule ID names a listener rule.
func (w *writer) isRule(id string) bool {
	for _, lb := range w.d.LoadBalancers {
		for _, l := range lb.Listeners {
			for _, r := range l.Rules {
				if r.ID == id {
					return true
				}
			}
		}
	}
	return false
}

var continents = map[string]bool{"AF": true, "AN": true, "AS": true, "EU": true, "NA": true, "OC": true, "SA": true}

func (w *writer) global() {
	g := w.d.Global
	if g == nil {
		return
	}
	zone := w.variable("hosted_zone_id", "public hosted zone that holds "+g.Domain)
	if g.Accelerator != nil {
		w.accelerator(zone)
		return
	}
	region := map[string]string{}
	for _, lb := range w.d.LoadBalancers {
		region[lb.ID] = w.regionOf(lb.VPC)
	}
	for _, hc := range g.HealthChecks {
		b := w.resource("services.tf", "aws_route53_health_check", hc.ID, hc.Region)
		b.SetAttributeValue("type", str(hc.Type))
		b.SetAttributeRaw("fqdn", ref("aws_lb", name(hc.Target), "dns_name"))
		b.SetAttributeValue("port", num(hc.Port))
		if hc.Path != "" {
			b.SetAttributeValue("resource_path", str(hc.Path))
		}
		b.SetAttributeValue("request_interval", num(hc.IntervalSeconds))
		b.SetAttributeValue("failure_threshold", num(hc.FailureThreshold))
	}
	for k, r := range g.Records {
		b := w.resource("services.tf", "aws_route53_record", fmt.Sprintf("global-%s-%d", w.d.App, k), region[r.AliasTarget])
		b.SetAttributeRaw("zone_id", zone)
		b.SetAttributeValue("name", str(g.Domain))
		b.SetAttributeValue("type", str(r.Type))
		if r.SetIdentifier != "" {
			b.SetAttributeValue("set_identifier", str(r.SetIdentifier))
		}
		if r.HealthCheck != "" {
			b.SetAttributeRaw("health_check_id", ref("aws_route53_health_check", name(r.HealthCheck), "id"))
		}
		al := b.AppendNewBlock("alias", nil).Body()
		al.SetAttributeRaw("name", ref("aws_lb", name(r.AliasTarget), "dns_name"))
		al.SetAttributeRaw("zone_id", ref("aws_lb", name(r.AliasTarget), "zone_id"))
		al.SetAttributeValue("evaluate_target_health", cty.BoolVal(r.EvaluateTargetHealth))
		switch {
		case r.Region != "":
			b.AppendNewBlock("latency_routing_policy", nil).Body().SetAttributeValue("region", str(r.Region))
		case r.Weight != nil:
			b.AppendNewBlock("weighted_routing_policy", nil).Body().SetAttributeValue("weight", num(*r.Weight))
		case r.Failover != "":
			b.AppendNewBlock("failover_routing_policy", nil).Body().SetAttributeValue("type", str(r.Failover))
		case r.GeoLocation != "":
			gb := b.AppendNewBlock("geolocation_routing_policy", nil).Body()
			if continents[r.GeoLocation] {
				gb.SetAttributeValue("continent", str(r.GeoLocation))
			} else {
				gb.SetAttributeValue("country", str(r.GeoLocation))
			}
		}
	}
}

// acceleratorRegion is where Global Accelerator's control plane lives: its
// resources are created through us-west-2 wherever their endpoints are.
const acceleratorRegion = "us-west-2"

// accelerator writes the Global Accelerator, a listener per public port
// with an endpoint group per Region, and the domain's alias to it.
func (w *writer) accelerator(zone hclwrite.Tokens) {
	g, acc := w.d.Global, w.d.Global.Accelerator
	body := w.resource("services.tf", "aws_globalaccelerator_accelerator", acc.ID, acceleratorRegion)
	body.SetAttributeValue("name", str(acc.Name))
	body.SetAttributeValue("ip_address_type", str("IPV4"))
	body.SetAttributeValue("enabled", cty.True)
	tagsOf(body, acc.Name)
	for _, l := range acc.Listeners {
		lid := fmt.Sprintf("%s-%d", acc.ID, l.Port)
		lb := w.resource("services.tf", "aws_globalaccelerator_listener", lid, acceleratorRegion)
		lb.SetAttributeRaw("accelerator_arn", ref("aws_globalaccelerator_accelerator", name(acc.ID), "id"))
		lb.SetAttributeValue("protocol", str(l.Protocol))
		lb.SetAttributeValue("client_affinity", str("NONE"))
		pr := lb.AppendNewBlock("port_range", nil).Body()
		pr.SetAttributeValue("from_port", num(l.Port))
		pr.SetAttributeValue("to_port", num(l.Port))
		for _, eg := range acc.EndpointGroups {
			b := w.resource("services.tf", "aws_globalaccelerator_endpoint_group", lid+"-"+eg.Region, acceleratorRegion)
			b.SetAttributeRaw("listener_arn", ref("aws_globalaccelerator_listener", name(lid), "id"))
			b.SetAttributeValue("endpoint_group_region", str(eg.Region))
			b.SetAttributeValue("traffic_dial_percentage", num(eg.TrafficDial))
			// Load balancer endpoints are health-checked by their target
			// groups; the group's own health-check settings apply only to
			// EC2 and Elastic IP endpoints, so none are set.
			for _, e := range eg.Endpoints {
				ec := b.AppendNewBlock("endpoint_configuration", nil).Body()
				ec.SetAttributeRaw("endpoint_id", ref("aws_lb", name(e), "arn"))
				ec.SetAttributeValue("client_ip_preservation_enabled", cty.True)
			}
		}
	}
	for k, r := range g.Records {
		b := w.resource("services.tf", "aws_route53_record", fmt.Sprintf("global-%s-%d", w.d.App, k), acceleratorRegion)
		b.SetAttributeRaw("zone_id", zone)
		b.SetAttributeValue("name", str(g.Domain))
		b.SetAttributeValue("type", str(r.Type))
		al := b.AppendNewBlock("alias", nil).Body()
		al.SetAttributeRaw("name", ref("aws_globalaccelerator_accelerator", name(acc.ID), "dns_name"))
		al.SetAttributeRaw("zone_id", ref("aws_globalaccelerator_accelerator", name(acc.ID), "hosted_zone_id"))
		al.SetAttributeValue("evaluate_target_health", cty.BoolVal(r.EvaluateTargetHealth))
	}
}
