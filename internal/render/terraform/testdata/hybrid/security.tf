resource "aws_security_group" "sg_alb_orders_internal" {
  name        = "orders-internal-alb"
  description = "The internal load balancer orders-internal-alb: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-internal-alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_orders_internal_ingress_0" {
  security_group_id = aws_security_group.sg_alb_orders_internal.id
  ip_protocol       = "tcp"
  from_port         = 7000
  to_port           = 7000
  description       = "onprem:corp calls inventory through orders-internal-alb on tcp 7000 (services.inventory.callers_from)"
  cidr_ipv4         = "10.200.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_orders_internal_ingress_1" {
  security_group_id = aws_security_group.sg_alb_orders_internal.id
  ip_protocol       = "tcp"
  from_port         = 7000
  to_port           = 7000
  description       = "onprem:corp calls inventory through orders-internal-alb on tcp 7000 (services.inventory.callers_from)"
  cidr_ipv4         = "172.20.0.0/20"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_orders_internal_ingress_2" {
  security_group_id            = aws_security_group.sg_alb_orders_internal.id
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  description                  = "shop calls inventory through orders-internal-alb on tcp 7000 (services.shop.depends_on)"
  referenced_security_group_id = aws_security_group.sg_orders_shop.id
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_orders_internal_egress_0" {
  security_group_id            = aws_security_group.sg_alb_orders_internal.id
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  description                  = "orders-internal-alb forwards to inventory and checks its health on tcp 7000"
  referenced_security_group_id = aws_security_group.sg_orders_inventory.id
}

resource "aws_security_group" "sg_alb_orders_public" {
  name        = "orders-public"
  description = "The internet-facing load balancer orders-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_orders_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_orders_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "CloudFront origin-facing servers to the orders-public listener on tcp 443 (edge.cloudfront)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_origin_facing.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_origin_facing" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_orders_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_orders_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "orders-public forwards to shop and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_orders_shop.id
}

resource "aws_default_security_group" "sg_orders_default" {
  vpc_id = aws_vpc.vpc_orders.id
}

resource "aws_security_group" "sg_orders_endpoints" {
  name        = "orders-endpoints"
  description = "Interface endpoints of orders: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_orders_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_inventory.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_orders_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_orders.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_orders_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "shop calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_shop.id
}

resource "aws_security_group" "sg_orders_inventory" {
  name        = "orders-inventory"
  description = "Tasks of inventory (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-inventory"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_inventory_ingress_0" {
  security_group_id            = aws_security_group.sg_orders_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  description                  = "orders-internal-alb forwards to inventory and checks its health on tcp 7000"
  referenced_security_group_id = aws_security_group.sg_alb_orders_internal.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_inventory_egress_0" {
  security_group_id = aws_security_group.sg_orders_inventory.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "inventory reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_inventory_egress_1" {
  security_group_id            = aws_security_group.sg_orders_inventory.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "inventory calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_endpoints.id
}

resource "aws_security_group" "sg_orders_orders" {
  name        = "orders-orders"
  description = "Tasks of orders (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-orders"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_orders_ingress_0" {
  security_group_id            = aws_security_group.sg_orders_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "shop calls orders on tcp 9000 (services.shop.depends_on)"
  referenced_security_group_id = aws_security_group.sg_orders_shop.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_orders_egress_0" {
  security_group_id = aws_security_group.sg_orders_orders.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "orders reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_orders_egress_1" {
  security_group_id            = aws_security_group.sg_orders_orders.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "orders calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_orders_egress_2" {
  security_group_id = aws_security_group.sg_orders_orders.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "orders calls onprem:corp on tcp 5432 (services.orders.depends_on)"
  cidr_ipv4         = "10.200.0.0/16"
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_orders_egress_3" {
  security_group_id = aws_security_group.sg_orders_orders.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "orders calls onprem:corp on tcp 5432 (services.orders.depends_on)"
  cidr_ipv4         = "172.20.0.0/20"
}

resource "aws_security_group" "sg_orders_resolver_in" {
  name        = "orders-resolver-in"
  description = "Route 53 Resolver inbound endpoint: DNS on TCP and UDP 53 from the sites only"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-resolver-in"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_resolver_in_ingress_0" {
  security_group_id = aws_security_group.sg_orders_resolver_in.id
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  description       = "onprem:corp resolves orders.local through the inbound endpoint"
  cidr_ipv4         = "10.200.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_resolver_in_ingress_1" {
  security_group_id = aws_security_group.sg_orders_resolver_in.id
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  description       = "onprem:corp resolves orders.local through the inbound endpoint"
  cidr_ipv4         = "172.20.0.0/20"
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_resolver_in_ingress_2" {
  security_group_id = aws_security_group.sg_orders_resolver_in.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  description       = "onprem:corp resolves orders.local through the inbound endpoint"
  cidr_ipv4         = "10.200.0.0/16"
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_resolver_in_ingress_3" {
  security_group_id = aws_security_group.sg_orders_resolver_in.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  description       = "onprem:corp resolves orders.local through the inbound endpoint"
  cidr_ipv4         = "172.20.0.0/20"
}

resource "aws_security_group" "sg_orders_resolver_out" {
  name        = "orders-resolver-out"
  description = "Route 53 Resolver outbound endpoint: DNS on TCP and UDP 53 to the sites only"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-resolver-out"
  }
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_resolver_out_egress_0" {
  security_group_id = aws_security_group.sg_orders_resolver_out.id
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  description       = "forwards corp.example.com to a DNS server of onprem:corp"
  cidr_ipv4         = "10.200.0.10/32"
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_resolver_out_egress_1" {
  security_group_id = aws_security_group.sg_orders_resolver_out.id
  ip_protocol       = "tcp"
  from_port         = 53
  to_port           = 53
  description       = "forwards corp.example.com to a DNS server of onprem:corp"
  cidr_ipv4         = "10.200.0.11/32"
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_resolver_out_egress_2" {
  security_group_id = aws_security_group.sg_orders_resolver_out.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  description       = "forwards corp.example.com to a DNS server of onprem:corp"
  cidr_ipv4         = "10.200.0.10/32"
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_resolver_out_egress_3" {
  security_group_id = aws_security_group.sg_orders_resolver_out.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  description       = "forwards corp.example.com to a DNS server of onprem:corp"
  cidr_ipv4         = "10.200.0.11/32"
}

resource "aws_security_group" "sg_orders_shop" {
  name        = "orders-shop"
  description = "Tasks of shop (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-shop"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_orders_shop_ingress_0" {
  security_group_id            = aws_security_group.sg_orders_shop.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "orders-public forwards to shop and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_orders_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_shop_egress_0" {
  security_group_id = aws_security_group.sg_orders_shop.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "shop reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_shop_egress_1" {
  security_group_id            = aws_security_group.sg_orders_shop.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "shop calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_orders_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_shop_egress_2" {
  security_group_id            = aws_security_group.sg_orders_shop.id
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  description                  = "shop calls inventory through orders-internal-alb on tcp 7000 (services.shop.depends_on)"
  referenced_security_group_id = aws_security_group.sg_alb_orders_internal.id
}

resource "aws_vpc_security_group_egress_rule" "sg_orders_shop_egress_3" {
  security_group_id            = aws_security_group.sg_orders_shop.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "shop calls orders on tcp 9000 (services.shop.depends_on)"
  referenced_security_group_id = aws_security_group.sg_orders_orders.id
}
