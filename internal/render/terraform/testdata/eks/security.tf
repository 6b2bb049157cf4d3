resource "aws_security_group" "sg_alb_kube_public" {
  name        = "kube-public"
  description = "The internet-facing load balancer kube-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_kube_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_kube_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to kube-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_kube_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_kube_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the kube-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_kube_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_kube_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "kube-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_kube_web.id
}

resource "aws_security_group" "sg_kube_api" {
  name        = "kube-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_api_ingress_0" {
  security_group_id = aws_security_group.sg_kube_api.id
  ip_protocol       = "tcp"
  from_port         = 9090
  to_port           = 9090
  description       = "VPC Lattice forwards calls to api and checks its health on tcp 9090"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_vpc_lattice" {
  name = "com.amazonaws.us-east-1.vpc-lattice"
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_api_ingress_1" {
  security_group_id            = aws_security_group.sg_kube_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "kubelet readiness probes of api from its node on tcp 9090"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_api_egress_0" {
  security_group_id            = aws_security_group.sg_kube_api.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "api resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_api_egress_1" {
  security_group_id            = aws_security_group.sg_kube_api.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "api resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_api_egress_2" {
  security_group_id = aws_security_group.sg_kube_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_api_egress_3" {
  security_group_id            = aws_security_group.sg_kube_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_api_egress_4" {
  security_group_id            = aws_security_group.sg_kube_api.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "api calls db on tcp 5432 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_kube_db.id
}

resource "aws_security_group" "sg_kube_control_plane" {
  name        = "kube-control-plane"
  description = "EKS control plane of kube: give it to the cluster at creation (resourcesVpcConfig securityGroupIds)"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-control-plane"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_control_plane_ingress_0" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "kubelets and pods on the nodes call the Kubernetes API server on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_control_plane_egress_0" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_control_plane_egress_1" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_control_plane_egress_2" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "the API server calls webhooks and extension API servers on the nodes on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_control_plane_egress_3" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
  description                  = "the API server calls the webhooks of the AWS Load Balancer Controller on tcp 9443"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_control_plane_egress_4" {
  security_group_id            = aws_security_group.sg_kube_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  description                  = "the API server reaches the kubelets (logs, exec, port-forward) on tcp 10250"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_security_group" "sg_kube_db" {
  name        = "kube-db"
  description = "Tasks of db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_db_ingress_0" {
  security_group_id            = aws_security_group.sg_kube_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "api calls db on tcp 5432 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_kube_api.id
}

resource "aws_default_security_group" "sg_kube_default" {
  vpc_id = aws_vpc.vpc_kube.id
}

resource "aws_security_group" "sg_kube_endpoints" {
  name        = "kube-endpoints"
  description = "Interface endpoints of kube: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_kube_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_kube_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "EKS nodes calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_kube_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_web.id
}

resource "aws_security_group" "sg_kube_nodes" {
  name        = "kube-nodes"
  description = "EKS nodes of kube: image pulls, logs and AWS calls of the host agents"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-nodes"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_0" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of api on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_1" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_2" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_3" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of web on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_web.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_4" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of api on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_5" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_6" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_7" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of web on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_web.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_8" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "the API server calls webhooks and extension API servers on the nodes on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_9" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
  description                  = "the API server calls the webhooks of the AWS Load Balancer Controller on tcp 9443"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_nodes_ingress_10" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  description                  = "the API server reaches the kubelets (logs, exec, port-forward) on tcp 10250"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_0" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_1" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

# trivy:ignore:AVD-AWS-0104 network.endpoints lacks ec2, eks: image pulls and AWS calls reach AWS's public endpoints through NAT on tcp 443; add the endpoints to remove this rule
resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_2" {
  security_group_id = aws_security_group.sg_kube_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "EKS nodes pulls images and calls AWS APIs through NAT on tcp 443: network.endpoints lacks ec2 eks"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_3" {
  security_group_id = aws_security_group.sg_kube_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "EKS nodes reaches s3 through its gateway endpoint on tcp 443; from the node (standard mode): api reaches s3 through its gateway endpoint on tcp 443; from the node (standard mode): web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_4" {
  security_group_id = aws_security_group.sg_kube_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "from the node (standard mode): web calls api through VPC Lattice on tcp 443 (services.web.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_5" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "kubelets and pods on the nodes call the Kubernetes API server on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_control_plane.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_nodes_egress_6" {
  security_group_id            = aws_security_group.sg_kube_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "EKS nodes calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_endpoints.id
}

resource "aws_security_group" "sg_kube_web" {
  name        = "kube-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_web_ingress_0" {
  security_group_id            = aws_security_group.sg_kube_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "kube-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_kube_public.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_kube_web_ingress_1" {
  security_group_id            = aws_security_group.sg_kube_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "kubelet readiness probes of web from its node on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_web_egress_0" {
  security_group_id            = aws_security_group.sg_kube_web.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "web resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_web_egress_1" {
  security_group_id            = aws_security_group.sg_kube_web.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "web resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_kube_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_web_egress_2" {
  security_group_id = aws_security_group.sg_kube_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_web_egress_3" {
  security_group_id = aws_security_group.sg_kube_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web calls api through VPC Lattice on tcp 443 (services.web.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_kube_web_egress_4" {
  security_group_id            = aws_security_group.sg_kube_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_kube_endpoints.id
}
