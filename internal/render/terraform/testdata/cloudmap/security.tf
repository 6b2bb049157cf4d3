resource "aws_security_group" "sg_alb_dns_public" {
  name        = "dns-public"
  description = "The internet-facing load balancer dns-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_dns_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_dns_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to dns-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_dns_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_dns_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the dns-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_dns_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_dns_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "dns-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_dns_web.id
}

resource "aws_security_group" "sg_dns_api" {
  name        = "dns-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_api_ingress_0" {
  security_group_id            = aws_security_group.sg_dns_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_dns_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_api_egress_0" {
  security_group_id = aws_security_group.sg_dns_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_api_egress_1" {
  security_group_id            = aws_security_group.sg_dns_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_endpoints.id
}

resource "aws_default_security_group" "sg_dns_default" {
  vpc_id = aws_vpc.vpc_dns.id
}

resource "aws_security_group" "sg_dns_endpoints" {
  name        = "dns-endpoints"
  description = "Interface endpoints of dns: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_dns_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_dns_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "stats calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_stats.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_dns_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_web.id
}

resource "aws_security_group" "sg_dns_stats" {
  name        = "dns-stats"
  description = "Tasks of stats (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-stats"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_stats_ingress_0" {
  security_group_id            = aws_security_group.sg_dns_stats.id
  ip_protocol                  = "udp"
  from_port                    = 8125
  to_port                      = 8125
  description                  = "web calls stats on udp 8125 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_dns_web.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_stats_ingress_1" {
  security_group_id            = aws_security_group.sg_dns_stats.id
  ip_protocol                  = "udp"
  from_port                    = 8125
  to_port                      = 8125
  description                  = "dns-nlb forwards to stats and checks its health on udp 8125"
  referenced_security_group_id = aws_security_group.sg_nlb_dns_public.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_stats_ingress_2" {
  security_group_id            = aws_security_group.sg_dns_stats.id
  ip_protocol                  = "tcp"
  from_port                    = 8126
  to_port                      = 8126
  description                  = "dns-nlb checks the health of stats on tcp 8126"
  referenced_security_group_id = aws_security_group.sg_nlb_dns_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_stats_egress_0" {
  security_group_id = aws_security_group.sg_dns_stats.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "stats reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_stats_egress_1" {
  security_group_id            = aws_security_group.sg_dns_stats.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "stats calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_endpoints.id
}

resource "aws_security_group" "sg_dns_web" {
  name        = "dns-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_dns_web_ingress_0" {
  security_group_id            = aws_security_group.sg_dns_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "dns-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_dns_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_web_egress_0" {
  security_group_id = aws_security_group.sg_dns_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_web_egress_1" {
  security_group_id            = aws_security_group.sg_dns_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_dns_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_web_egress_2" {
  security_group_id            = aws_security_group.sg_dns_web.id
  ip_protocol                  = "udp"
  from_port                    = 8125
  to_port                      = 8125
  description                  = "web calls stats on udp 8125 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_dns_stats.id
}

resource "aws_vpc_security_group_egress_rule" "sg_dns_web_egress_3" {
  security_group_id            = aws_security_group.sg_dns_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "web calls api on tcp 9090 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_dns_api.id
}

resource "aws_security_group" "sg_nlb_dns_public" {
  name        = "dns-nlb"
  description = "The internet-facing load balancer dns-nlb: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-nlb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_nlb_dns_public_ingress_0" {
  security_group_id = aws_security_group.sg_nlb_dns_public.id
  ip_protocol       = "udp"
  from_port         = 8125
  to_port           = 8125
  description       = "clients to the dns-nlb listener on udp 8125"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_nlb_dns_public_egress_0" {
  security_group_id            = aws_security_group.sg_nlb_dns_public.id
  ip_protocol                  = "udp"
  from_port                    = 8125
  to_port                      = 8125
  description                  = "dns-nlb forwards to stats and checks its health on udp 8125"
  referenced_security_group_id = aws_security_group.sg_dns_stats.id
}

resource "aws_vpc_security_group_egress_rule" "sg_nlb_dns_public_egress_1" {
  security_group_id            = aws_security_group.sg_nlb_dns_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8126
  to_port                      = 8126
  description                  = "dns-nlb checks the health of stats on tcp 8126"
  referenced_security_group_id = aws_security_group.sg_dns_stats.id
}
