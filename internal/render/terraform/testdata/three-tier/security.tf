resource "aws_security_group" "sg_alb_webapp_internal" {
  name        = "webapp-internal-alb"
  description = "The internal load balancer webapp-internal-alb: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-internal-alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_webapp_internal_ingress_0" {
  security_group_id            = aws_security_group.sg_alb_webapp_internal.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "web calls app through webapp-internal-alb on tcp 9000 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_webapp_web.id
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_webapp_internal_egress_0" {
  security_group_id            = aws_security_group.sg_alb_webapp_internal.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "webapp-internal-alb forwards to app and checks its health on tcp 9000"
  referenced_security_group_id = aws_security_group.sg_webapp_app.id
}

resource "aws_security_group" "sg_alb_webapp_public" {
  name        = "webapp-public"
  description = "The internet-facing load balancer webapp-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_webapp_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_webapp_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to webapp-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_webapp_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_webapp_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the webapp-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_webapp_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_webapp_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "webapp-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_webapp_web.id
}

resource "aws_security_group" "sg_webapp_app" {
  name        = "webapp-app"
  description = "Tasks of app (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_webapp_app_ingress_0" {
  security_group_id            = aws_security_group.sg_webapp_app.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "webapp-internal-alb forwards to app and checks its health on tcp 9000"
  referenced_security_group_id = aws_security_group.sg_alb_webapp_internal.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.stripe.com:443, hooks.slack.com:443 (services.app.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT
resource "aws_vpc_security_group_egress_rule" "sg_webapp_app_egress_0" {
  security_group_id = aws_security_group.sg_webapp_app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "app egress to api.stripe.com on tcp 443 via NAT (services.app.egress); app egress to hooks.slack.com on tcp 443 via NAT (services.app.egress)"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_app_egress_1" {
  security_group_id = aws_security_group.sg_webapp_app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "app reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_app_egress_2" {
  security_group_id            = aws_security_group.sg_webapp_app.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "app calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_webapp_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_app_egress_3" {
  security_group_id            = aws_security_group.sg_webapp_app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "app calls db on tcp 5432 (services.app.depends_on)"
  referenced_security_group_id = aws_security_group.sg_webapp_db.id
}

resource "aws_security_group" "sg_webapp_db" {
  name        = "webapp-db"
  description = "Tasks of db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_webapp_db_ingress_0" {
  security_group_id            = aws_security_group.sg_webapp_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "app calls db on tcp 5432 (services.app.depends_on)"
  referenced_security_group_id = aws_security_group.sg_webapp_app.id
}

resource "aws_default_security_group" "sg_webapp_default" {
  vpc_id = aws_vpc.vpc_webapp.id
}

resource "aws_security_group" "sg_webapp_endpoints" {
  name        = "webapp-endpoints"
  description = "Interface endpoints of webapp: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_webapp_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_webapp_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "app calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_webapp_app.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_webapp_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_webapp_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_webapp_web.id
}

resource "aws_security_group" "sg_webapp_web" {
  name        = "webapp-web"
  description = "Tasks of web (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_webapp_web_ingress_0" {
  security_group_id            = aws_security_group.sg_webapp_web.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "webapp-public forwards to web and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_webapp_public.id
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_web_egress_0" {
  security_group_id = aws_security_group.sg_webapp_web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "web reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_web_egress_1" {
  security_group_id            = aws_security_group.sg_webapp_web.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "web calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_webapp_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_webapp_web_egress_2" {
  security_group_id            = aws_security_group.sg_webapp_web.id
  ip_protocol                  = "tcp"
  from_port                    = 9000
  to_port                      = 9000
  description                  = "web calls app through webapp-internal-alb on tcp 9000 (services.web.depends_on)"
  referenced_security_group_id = aws_security_group.sg_alb_webapp_internal.id
}
