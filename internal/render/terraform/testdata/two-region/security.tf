resource "aws_security_group" "sg_alb_pay_eu_west_1_public" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-public"
  description = "The internet-facing load balancer pay-eu-west-1-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_pay_eu_west_1_public_ingress_0" {
  provider          = aws.eu_west_1
  security_group_id = aws_security_group.sg_alb_pay_eu_west_1_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to pay-eu-west-1-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_pay_eu_west_1_public_ingress_1" {
  provider          = aws.eu_west_1
  security_group_id = aws_security_group.sg_alb_pay_eu_west_1_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the pay-eu-west-1-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_pay_eu_west_1_public_egress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_alb_pay_eu_west_1_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "pay-eu-west-1-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
}

resource "aws_security_group" "sg_alb_pay_us_east_1_public" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-public"
  description = "The internet-facing load balancer pay-us-east-1-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_pay_us_east_1_public_ingress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_alb_pay_us_east_1_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to pay-us-east-1-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_pay_us_east_1_public_ingress_1" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_alb_pay_us_east_1_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the pay-us-east-1-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_pay_us_east_1_public_egress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_alb_pay_us_east_1_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "pay-us-east-1-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_api.id
}

resource "aws_security_group" "sg_pay_eu_west_1_api" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_api_ingress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "pay-eu-west-1-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_pay_eu_west_1_public.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.stripe.com:443 (services.api.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_api_egress_0" {
  provider          = aws.eu_west_1
  security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api egress to api.stripe.com on tcp 443 via NAT (services.api.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_api_egress_1" {
  provider          = aws.eu_west_1
  security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_eu_west_1.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3_eu_west_1" {
  provider = aws.eu_west_1
  name     = "com.amazonaws.eu-west-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_api_egress_2" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_api_egress_3" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "api calls cache on tcp 6379 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_cache.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_api_egress_4" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "api calls ledger on tcp 9090 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_ledger.id
}

resource "aws_security_group" "sg_pay_eu_west_1_cache" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-cache"
  description = "Tasks of cache (redis): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-cache"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_cache_ingress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "api calls cache on tcp 6379 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
}

resource "aws_default_security_group" "sg_pay_eu_west_1_default" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
}

resource "aws_security_group" "sg_pay_eu_west_1_endpoints" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-endpoints"
  description = "Interface endpoints of pay-eu-west-1: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_endpoints_ingress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_endpoints_ingress_1" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "ledger calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_ledger.id
}

resource "aws_security_group" "sg_pay_eu_west_1_ledger" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-ledger"
  description = "Tasks of ledger (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-ledger"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_ledger_ingress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "api calls ledger on tcp 9090 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_api.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_ledger_egress_0" {
  provider          = aws.eu_west_1
  security_group_id = aws_security_group.sg_pay_eu_west_1_ledger.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "ledger reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_eu_west_1.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_ledger_egress_1" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "ledger calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_eu_west_1_ledger_egress_2" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "ledger calls ledger-db on tcp 3306 (services.ledger.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_ledger_db.id
}

resource "aws_security_group" "sg_pay_eu_west_1_ledger_db" {
  provider    = aws.eu_west_1
  name        = "pay-eu-west-1-ledger-db"
  description = "Tasks of ledger-db (aurora): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-ledger-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_eu_west_1_ledger_db_ingress_0" {
  provider                     = aws.eu_west_1
  security_group_id            = aws_security_group.sg_pay_eu_west_1_ledger_db.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "ledger calls ledger-db on tcp 3306 (services.ledger.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_eu_west_1_ledger.id
}

resource "aws_security_group" "sg_pay_us_east_1_api" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-api"
  description = "Tasks of api (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-api"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_api_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "pay-us-east-1-public forwards to api and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_pay_us_east_1_public.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.stripe.com:443 (services.api.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_api_egress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_pay_us_east_1_api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "api egress to api.stripe.com on tcp 443 via NAT (services.api.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_api_egress_1" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_pay_us_east_1_api.id
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

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_api_egress_2" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_api_egress_3" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "api calls cache on tcp 6379 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_cache.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_api_egress_4" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_api.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "api calls ledger on tcp 9090 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_ledger.id
}

resource "aws_security_group" "sg_pay_us_east_1_cache" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-cache"
  description = "Tasks of cache (redis): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-cache"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_cache_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_cache.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  description                  = "api calls cache on tcp 6379 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_api.id
}

resource "aws_default_security_group" "sg_pay_us_east_1_default" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
}

resource "aws_security_group" "sg_pay_us_east_1_endpoints" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-endpoints"
  description = "Interface endpoints of pay-us-east-1: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_endpoints_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "api calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_api.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_endpoints_ingress_1" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "ledger calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_ledger.id
}

resource "aws_security_group" "sg_pay_us_east_1_ledger" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-ledger"
  description = "Tasks of ledger (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-ledger"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_ledger_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 9090
  to_port                      = 9090
  description                  = "api calls ledger on tcp 9090 (services.api.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_api.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_ledger_egress_0" {
  provider          = aws.us_east_1
  security_group_id = aws_security_group.sg_pay_us_east_1_ledger.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "ledger reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3_us_east_1.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_ledger_egress_1" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "ledger calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_pay_us_east_1_ledger_egress_2" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_ledger.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "ledger calls ledger-db on tcp 3306 (services.ledger.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_ledger_db.id
}

resource "aws_security_group" "sg_pay_us_east_1_ledger_db" {
  provider    = aws.us_east_1
  name        = "pay-us-east-1-ledger-db"
  description = "Tasks of ledger-db (aurora): only the declared flows"
  vpc_id      = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-ledger-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_pay_us_east_1_ledger_db_ingress_0" {
  provider                     = aws.us_east_1
  security_group_id            = aws_security_group.sg_pay_us_east_1_ledger_db.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "ledger calls ledger-db on tcp 3306 (services.ledger.depends_on)"
  referenced_security_group_id = aws_security_group.sg_pay_us_east_1_ledger.id
}
