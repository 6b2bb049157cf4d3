resource "aws_security_group" "sg_alb_lat_public" {
  name        = "lat-public"
  description = "The internet-facing load balancer lat-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_lat_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_lat_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to lat-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_lat_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_lat_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the lat-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_lat_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_lat_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "lat-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_lat_web.id
}

resource "aws_security_group" "sg_lat_api" {
  name        = "lat-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_api_ingress_0" {
  security_group_id = aws_security_group.sg_lat_api.id
  ip_protocol       = "tcp"
  from_port         = 9090
  to_port           = 9090
  description       = "VPC Lattice forwards calls to api and checks its health on tcp 9090"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_vpc_lattice" {
  name = "com.amazonaws.us-east-1.vpc-lattice"
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_api_egress_0" {
  security_group_id = aws_security_group.sg_lat_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_api_egress_1" {
  security_group_id            = aws_security_group.sg_lat_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_endpoints.id
}

resource "aws_security_group" "sg_lat_api_v2" {
  name        = "lat-api-v2"
  description = "Tasks of api-v2 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-api-v2"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_api_v2_ingress_0" {
  security_group_id = aws_security_group.sg_lat_api_v2.id
  ip_protocol       = "tcp"
  from_port         = 9090
  to_port           = 9090
  description       = "VPC Lattice forwards calls to api-v2 and checks its health on tcp 9090"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_api_v2_egress_0" {
  security_group_id = aws_security_group.sg_lat_api_v2.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api-v2 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_api_v2_egress_1" {
  security_group_id            = aws_security_group.sg_lat_api_v2.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api-v2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_endpoints.id
}

resource "aws_default_security_group" "sg_lat_default" {
  vpc_id = aws_vpc.vpc_lat.id
}

resource "aws_security_group" "sg_lat_endpoints" {
  name        = "lat-endpoints"
  description = "Interface endpoints of lat: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_lat_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_lat_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api-v2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_api_v2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_lat_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_web.id
}

resource "aws_security_group" "sg_lat_web" {
  name        = "lat-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_lat_web_ingress_0" {
  security_group_id            = aws_security_group.sg_lat_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "lat-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_lat_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_web_egress_0" {
  security_group_id = aws_security_group.sg_lat_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_web_egress_1" {
  security_group_id = aws_security_group.sg_lat_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web calls api through VPC Lattice on tcp 443 (services.web.depends_on)"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_vpc_lattice.id
}

resource "aws_vpc_security_group_egress_rule" "sg_lat_web_egress_2" {
  security_group_id            = aws_security_group.sg_lat_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_lat_endpoints.id
}
