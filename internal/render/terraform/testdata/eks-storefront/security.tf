resource "aws_security_group" "sg_alb_storefront_public" {
  name        = "storefront-public"
  description = "The internet-facing load balancer storefront-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_storefront_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_storefront_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to storefront-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_storefront_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_storefront_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the storefront-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_storefront_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_storefront_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_storefront_api.id
}

resource "aws_security_group" "sg_storefront_api" {
  name        = "storefront-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_api_ingress_0" {
  security_group_id            = aws_security_group.sg_storefront_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "storefront-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_storefront_public.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_api_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "kubelet readiness probes of api from its node on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_api_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_api.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "api resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_api_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_api.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "api resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_api_egress_2" {
  security_group_id = aws_security_group.sg_storefront_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_api_egress_3" {
  security_group_id = aws_security_group.sg_storefront_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api calls inventory through VPC Lattice on tcp 443 (services.api.depends_on); api calls orders through VPC Lattice on tcp 443 (services.api.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_vpc_lattice" {
  name = "com.amazonaws.us-east-1.vpc-lattice"
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_api_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}

resource "aws_security_group" "sg_storefront_control_plane" {
  name        = "storefront-control-plane"
  description = "EKS control plane of storefront: give it to the cluster at creation (resourcesVpcConfig securityGroupIds)"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-control-plane"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_control_plane_ingress_0" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "kubelets and pods on the nodes call the Kubernetes API server on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_control_plane_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_control_plane_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_control_plane_egress_2" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "the API server calls webhooks and extension API servers on the nodes on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_control_plane_egress_3" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
  description                  = "the API server calls the webhooks of the AWS Load Balancer Controller on tcp 9443"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_control_plane_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  description                  = "the API server reaches the kubelets (logs, exec, port-forward) on tcp 10250"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_security_group" "sg_storefront_db" {
  name        = "storefront-db"
  description = "Tasks of db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_db_ingress_0" {
  security_group_id            = aws_security_group.sg_storefront_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "inventory calls db on tcp 5432 (services.inventory.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_db_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders calls db on tcp 5432 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_db_ingress_2" {
  security_group_id            = aws_security_group.sg_storefront_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders-v2 calls db on tcp 5432 (services.orders-v2.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_orders_v2.id
}

resource "aws_default_security_group" "sg_storefront_default" {
  vpc_id = aws_vpc.vpc_storefront.id
}

resource "aws_security_group" "sg_storefront_endpoints" {
  name        = "storefront-endpoints"
  description = "Interface endpoints of storefront: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "EKS nodes calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_3" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_4" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders-v2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_orders_v2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_endpoints_ingress_5" {
  security_group_id            = aws_security_group.sg_storefront_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "payments calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_payments.id
}

resource "aws_security_group" "sg_storefront_inventory" {
  name        = "storefront-inventory"
  description = "Tasks of inventory (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-inventory"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_inventory_ingress_0" {
  security_group_id = aws_security_group.sg_storefront_inventory.id
  ip_protocol       = "tcp"
  from_port         = 7000
  to_port           = 7000
  description       = "VPC Lattice forwards calls to inventory and checks its health on tcp 7000"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_inventory_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  description                  = "kubelet readiness probes of inventory from its node on tcp 7000"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_inventory_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "inventory resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_inventory_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_inventory.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "inventory resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_inventory_egress_2" {
  security_group_id = aws_security_group.sg_storefront_inventory.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "inventory reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_inventory_egress_3" {
  security_group_id            = aws_security_group.sg_storefront_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_inventory_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "inventory calls db on tcp 5432 (services.inventory.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_db.id
}

resource "aws_security_group" "sg_storefront_nodes" {
  name        = "storefront-nodes"
  description = "EKS nodes of storefront: image pulls, logs and AWS calls of the host agents"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-nodes"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_0" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of api on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_2" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of inventory on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_3" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_4" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of orders on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_5" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of orders-v2 on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_orders_v2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_6" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of payments on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_payments.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_7" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of api on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_8" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "the API server resolves names through CoreDNS on the nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_9" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of inventory on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_10" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_11" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of orders on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_12" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of orders-v2 on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_orders_v2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_13" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "CoreDNS answers the pods of payments on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_payments.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_14" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "the API server calls webhooks and extension API servers on the nodes on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_15" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
  description                  = "the API server calls the webhooks of the AWS Load Balancer Controller on tcp 9443"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_nodes_ingress_16" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  description                  = "the API server reaches the kubelets (logs, exec, port-forward) on tcp 10250"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "pods on the nodes resolve names through CoreDNS on other nodes on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

# trivy:ignore:AVD-AWS-0104 network.endpoints lacks elasticloadbalancing, vpc-lattice, which the cluster's controllers call through NAT on tcp 443; declared egress to api.stripe.com:443 (services.payments.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_2" {
  security_group_id = aws_security_group.sg_storefront_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "the AWS Load Balancer Controller and the AWS Gateway API Controller call the elasticloadbalancing and vpc-lattice APIs through NAT on tcp 443: network.endpoints lacks elasticloadbalancing vpc-lattice"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_3" {
  security_group_id = aws_security_group.sg_storefront_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "EKS nodes reaches s3 through its gateway endpoint on tcp 443; from the node (standard mode): api reaches s3 through its gateway endpoint on tcp 443; from the node (standard mode): inventory reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_4" {
  security_group_id = aws_security_group.sg_storefront_nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "from the node (standard mode): api calls inventory through VPC Lattice on tcp 443 (services.api.depends_on); api calls orders through VPC Lattice on tcp 443 (services.api.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_5" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "kubelets and pods on the nodes call the Kubernetes API server on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_control_plane.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_nodes_egress_6" {
  security_group_id            = aws_security_group.sg_storefront_nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "EKS nodes calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}

resource "aws_security_group" "sg_storefront_orders" {
  name        = "storefront-orders"
  description = "Tasks of orders (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-orders"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_orders_ingress_0" {
  security_group_id = aws_security_group.sg_storefront_orders.id
  ip_protocol       = "tcp"
  from_port         = 9000
  to_port           = 9000
  description       = "VPC Lattice forwards calls to orders and checks its health on tcp 9000"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_orders_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "kubelet readiness probes of orders from its node on tcp 9000"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "orders resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_orders.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "orders resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_2" {
  security_group_id = aws_security_group.sg_storefront_orders.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_3" {
  security_group_id = aws_security_group.sg_storefront_orders.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders calls payments through VPC Lattice on tcp 443 (services.orders.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_egress_5" {
  security_group_id            = aws_security_group.sg_storefront_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders calls db on tcp 5432 (services.orders.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_db.id
}

resource "aws_security_group" "sg_storefront_orders_v2" {
  name        = "storefront-orders-v2"
  description = "Tasks of orders-v2 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-orders-v2"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_orders_v2_ingress_0" {
  security_group_id = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol       = "tcp"
  from_port         = 9000
  to_port           = 9000
  description       = "VPC Lattice forwards calls to orders-v2 and checks its health on tcp 9000"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_orders_v2_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "kubelet readiness probes of orders-v2 from its node on tcp 9000"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "orders-v2 resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "orders-v2 resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_2" {
  security_group_id = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders-v2 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_3" {
  security_group_id = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders-v2 calls payments through VPC Lattice on tcp 443 (services.orders-v2.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders-v2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_orders_v2_egress_5" {
  security_group_id            = aws_security_group.sg_storefront_orders_v2.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "orders-v2 calls db on tcp 5432 (services.orders-v2.depends_on)"
  referenced_security_group_id = aws_security_group.sg_storefront_db.id
}

resource "aws_security_group" "sg_storefront_payments" {
  name        = "storefront-payments"
  description = "Tasks of payments (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-payments"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_payments_ingress_0" {
  security_group_id = aws_security_group.sg_storefront_payments.id
  ip_protocol       = "tcp"
  from_port         = 9443
  to_port           = 9443
  description       = "VPC Lattice forwards calls to payments and checks its health on tcp 9443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_storefront_payments_ingress_1" {
  security_group_id            = aws_security_group.sg_storefront_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
  description                  = "kubelet readiness probes of payments from its node on tcp 9443"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_payments_egress_0" {
  security_group_id            = aws_security_group.sg_storefront_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 53
  to_port                      = 53
  description                  = "payments resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on tcp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_payments_egress_1" {
  security_group_id            = aws_security_group.sg_storefront_payments.id
  ip_protocol                  = "udp"
  from_port                    = 53
  to_port                      = 53
  description                  = "payments resolves names through the cluster DNS (CoreDNS pods carry the nodes group) on udp 53"
  referenced_security_group_id = aws_security_group.sg_storefront_nodes.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.stripe.com:443 (services.payments.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_storefront_payments_egress_2" {
  security_group_id = aws_security_group.sg_storefront_payments.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "payments egress to api.stripe.com on tcp 443 via NAT (services.payments.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_payments_egress_3" {
  security_group_id = aws_security_group.sg_storefront_payments.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "payments reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_storefront_payments_egress_4" {
  security_group_id            = aws_security_group.sg_storefront_payments.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "payments calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_storefront_endpoints.id
}
