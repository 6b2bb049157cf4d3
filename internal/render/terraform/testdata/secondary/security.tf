resource "aws_security_group" "sg_alb_big_public" {
  name        = "big-public"
  description = "The internet-facing load balancer big-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_big_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_big_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to big-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_big_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_big_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the big-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_big_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_big_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "big-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_security_group" "sg_big_db" {
  name        = "big-db"
  description = "Tasks of db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_0" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w0 calls db on tcp 5432 (services.w0.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w0.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_1" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w1 calls db on tcp 5432 (services.w1.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w1.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_2" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w2 calls db on tcp 5432 (services.w2.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_3" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w3 calls db on tcp 5432 (services.w3.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w3.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_4" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w4 calls db on tcp 5432 (services.w4.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w4.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_db_ingress_5" {
  security_group_id            = aws_security_group.sg_big_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w5 calls db on tcp 5432 (services.w5.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w5.id
}

resource "aws_default_security_group" "sg_big_default" {
  vpc_id = aws_vpc.vpc_big.id
}

resource "aws_security_group" "sg_big_endpoints" {
  name        = "big-endpoints"
  description = "Interface endpoints of big: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w0 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w0.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w1 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w1.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w2.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_3" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w3 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w3.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_4" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w4 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w4.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_5" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w5 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_w5.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_endpoints_ingress_6" {
  security_group_id            = aws_security_group.sg_big_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_security_group" "sg_big_w0" {
  name        = "big-w0"
  description = "Tasks of w0 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w0"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w0_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w0.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "web calls w0 on tcp 9000 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.example.com:443 (services.w0.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_big_w0_egress_0" {
  security_group_id = aws_security_group.sg_big_w0.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w0 egress to api.example.com on tcp 443 via NAT (services.w0.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w0_egress_1" {
  security_group_id = aws_security_group.sg_big_w0.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w0 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w0_egress_2" {
  security_group_id            = aws_security_group.sg_big_w0.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w0 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w0_egress_3" {
  security_group_id            = aws_security_group.sg_big_w0.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w0 calls db on tcp 5432 (services.w0.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_w1" {
  name        = "big-w1"
  description = "Tasks of w1 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w1"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w1_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w1.id
  ip_protocol                  = "tcp"
  from_port                    = 9001
  to_port                      = 9001
  description                  = "web calls w1 on tcp 9001 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w1_egress_0" {
  security_group_id = aws_security_group.sg_big_w1.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w1 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w1_egress_1" {
  security_group_id            = aws_security_group.sg_big_w1.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w1 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w1_egress_2" {
  security_group_id            = aws_security_group.sg_big_w1.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w1 calls db on tcp 5432 (services.w1.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_w2" {
  name        = "big-w2"
  description = "Tasks of w2 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w2"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w2_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w2.id
  ip_protocol                  = "tcp"
  from_port                    = 9002
  to_port                      = 9002
  description                  = "web calls w2 on tcp 9002 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w2_egress_0" {
  security_group_id = aws_security_group.sg_big_w2.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w2 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w2_egress_1" {
  security_group_id            = aws_security_group.sg_big_w2.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w2 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w2_egress_2" {
  security_group_id            = aws_security_group.sg_big_w2.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w2 calls db on tcp 5432 (services.w2.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_w3" {
  name        = "big-w3"
  description = "Tasks of w3 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w3"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w3_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w3.id
  ip_protocol                  = "tcp"
  from_port                    = 9003
  to_port                      = 9003
  description                  = "web calls w3 on tcp 9003 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w3_egress_0" {
  security_group_id = aws_security_group.sg_big_w3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w3 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w3_egress_1" {
  security_group_id            = aws_security_group.sg_big_w3.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w3 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w3_egress_2" {
  security_group_id            = aws_security_group.sg_big_w3.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w3 calls db on tcp 5432 (services.w3.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_w4" {
  name        = "big-w4"
  description = "Tasks of w4 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w4"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w4_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w4.id
  ip_protocol                  = "tcp"
  from_port                    = 9004
  to_port                      = 9004
  description                  = "web calls w4 on tcp 9004 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w4_egress_0" {
  security_group_id = aws_security_group.sg_big_w4.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w4 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w4_egress_1" {
  security_group_id            = aws_security_group.sg_big_w4.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w4 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w4_egress_2" {
  security_group_id            = aws_security_group.sg_big_w4.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w4 calls db on tcp 5432 (services.w4.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_w5" {
  name        = "big-w5"
  description = "Tasks of w5 (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-w5"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_w5_ingress_0" {
  security_group_id            = aws_security_group.sg_big_w5.id
  ip_protocol                  = "tcp"
  from_port                    = 9005
  to_port                      = 9005
  description                  = "web calls w5 on tcp 9005 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w5_egress_0" {
  security_group_id = aws_security_group.sg_big_w5.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "w5 reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w5_egress_1" {
  security_group_id            = aws_security_group.sg_big_w5.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "w5 calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_w5_egress_2" {
  security_group_id            = aws_security_group.sg_big_w5.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "w5 calls db on tcp 5432 (services.w5.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_db.id
}

resource "aws_security_group" "sg_big_web" {
  name        = "big-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_big.id
  tags = {
    Name = "big-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_big_web_ingress_0" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "big-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_big_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_0" {
  security_group_id = aws_security_group.sg_big_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_1" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_big_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_2" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "web calls w0 on tcp 9000 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w0.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_3" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9001
  to_port                      = 9001
  description                  = "web calls w1 on tcp 9001 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w1.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_4" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9002
  to_port                      = 9002
  description                  = "web calls w2 on tcp 9002 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w2.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_5" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9003
  to_port                      = 9003
  description                  = "web calls w3 on tcp 9003 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_6" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9004
  to_port                      = 9004
  description                  = "web calls w4 on tcp 9004 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w4.id
}

resource "aws_vpc_security_group_egress_rule" "sg_big_web_egress_7" {
  security_group_id            = aws_security_group.sg_big_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9005
  to_port                      = 9005
  description                  = "web calls w5 on tcp 9005 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_big_w5.id
}
