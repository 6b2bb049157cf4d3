resource "aws_security_group" "sg_alb_edge_ap_southeast_2_public" {
  provider    = aws.ap_southeast_2
  name        = "edge-ap-southeast-2-public"
  description = "The internet-facing load balancer edge-ap-southeast-2-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_edge_ap_southeast_2_public_ingress_0" {
  provider          = aws.ap_southeast_2
  security_group_id = aws_security_group.sg_alb_edge_ap_southeast_2_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to edge-ap-southeast-2-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_edge_ap_southeast_2_public_ingress_1" {
  provider          = aws.ap_southeast_2
  security_group_id = aws_security_group.sg_alb_edge_ap_southeast_2_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the edge-ap-southeast-2-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_edge_ap_southeast_2_public_egress_0" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_alb_edge_ap_southeast_2_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "edge-ap-southeast-2-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_web.id
}

resource "aws_security_group" "sg_alb_edge_us_east_1_public" {
  provider    = aws.us_east_1
  name        = "edge-us-east-1-public"
  description = "The internet-facing load balancer edge-us-east-1-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_edge_us_east_1_public_ingress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_alb_edge_us_east_1_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to edge-us-east-1-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_edge_us_east_1_public_ingress_1" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_alb_edge_us_east_1_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the edge-us-east-1-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_edge_us_east_1_public_egress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_alb_edge_us_east_1_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "edge-us-east-1-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_web.id
}

resource "aws_security_group" "sg_edge_ap_southeast_2_api" {
  provider    = aws.ap_southeast_2
  name        = "edge-ap-southeast-2-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_ap_southeast_2_api_ingress_0" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_ap_southeast_2_api_egress_0" {
  provider          = aws.ap_southeast_2
  security_group_id = aws_security_group.sg_edge_ap_southeast_2_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_ap_southeast_2.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3_ap_southeast_2" {
  provider = aws.ap_southeast_2
  name     = "com.amazonaws.ap-southeast-2.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_ap_southeast_2_api_egress_1" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_endpoints.id
}

resource "aws_default_security_group" "sg_edge_ap_southeast_2_default" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
}

resource "aws_security_group" "sg_edge_ap_southeast_2_endpoints" {
  provider    = aws.ap_southeast_2
  name        = "edge-ap-southeast-2-endpoints"
  description = "Interface endpoints of edge-ap-southeast-2: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_ap_southeast_2_endpoints_ingress_0" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_ap_southeast_2_endpoints_ingress_1" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_web.id
}

resource "aws_security_group" "sg_edge_ap_southeast_2_web" {
  provider    = aws.ap_southeast_2
  name        = "edge-ap-southeast-2-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_ap_southeast_2_web_ingress_0" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "edge-ap-southeast-2-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_edge_ap_southeast_2_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_ap_southeast_2_web_egress_0" {
  provider          = aws.ap_southeast_2
  security_group_id = aws_security_group.sg_edge_ap_southeast_2_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_ap_southeast_2.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_ap_southeast_2_web_egress_1" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_ap_southeast_2_web_egress_2" {
  provider                     = aws.ap_southeast_2
  security_group_id            = aws_security_group.sg_edge_ap_southeast_2_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_edge_ap_southeast_2_api.id
}

resource "aws_security_group" "sg_edge_us_east_1_api" {
  provider    = aws.us_east_1
  name        = "edge-us-east-1-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_us_east_1_api_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_us_east_1_api_egress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_edge_us_east_1_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_us_east_1.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3_us_east_1" {
  provider = aws.us_east_1
  name     = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_us_east_1_api_egress_1" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_endpoints.id
}

resource "aws_default_security_group" "sg_edge_us_east_1_default" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
}

resource "aws_security_group" "sg_edge_us_east_1_endpoints" {
  provider    = aws.us_east_1
  name        = "edge-us-east-1-endpoints"
  description = "Interface endpoints of edge-us-east-1: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_us_east_1_endpoints_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_us_east_1_endpoints_ingress_1" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_web.id
}

resource "aws_security_group" "sg_edge_us_east_1_web" {
  provider    = aws.us_east_1
  name        = "edge-us-east-1-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_edge_us_east_1_web_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "edge-us-east-1-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_edge_us_east_1_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_us_east_1_web_egress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_edge_us_east_1_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_us_east_1.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_us_east_1_web_egress_1" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_edge_us_east_1_web_egress_2" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_edge_us_east_1_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_edge_us_east_1_api.id
}
