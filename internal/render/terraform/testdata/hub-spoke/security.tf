resource "aws_security_group" "sg_alb_portal_public" {
  name        = "portal-public"
  description = "The internet-facing load balancer portal-public: its listeners from clients, its targets only"
  vpc_id      = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-public"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_portal_public_ingress_0" {
  security_group_id = aws_security_group.sg_alb_portal_public.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "clients to portal-public on tcp 80, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "sg_alb_portal_public_ingress_1" {
  security_group_id = aws_security_group.sg_alb_portal_public.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "clients to the portal-public listener on tcp 443"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_alb_portal_public_egress_0" {
  security_group_id            = aws_security_group.sg_alb_portal_public.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "portal-public forwards to portal and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_portal_portal.id
}

resource "aws_default_security_group" "sg_portal_default" {
  vpc_id = aws_vpc.vpc_portal.id
}

resource "aws_default_security_group" "sg_portal_hub_default" {
  vpc_id = aws_vpc.vpc_portal_hub.id
}

resource "aws_security_group" "sg_portal_hub_endpoints" {
  name        = "portal-hub-endpoints"
  description = "Interface endpoints of portal-hub: HTTPS from the services that call AWS APIs"
  vpc_id      = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_endpoints_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_hub_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "firewall calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_portal_hub_firewall.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_endpoints_ingress_1" {
  security_group_id            = aws_security_group.sg_portal_hub_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "portal calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  referenced_security_group_id = aws_security_group.sg_portal_portal.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_endpoints_ingress_2" {
  security_group_id            = aws_security_group.sg_portal_hub_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "reports calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  referenced_security_group_id = aws_security_group.sg_portal_reports.id
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_endpoints_ingress_3" {
  security_group_id            = aws_security_group.sg_portal_hub_endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "identity calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  referenced_security_group_id = aws_security_group.sg_portal_shared_identity.id
}

resource "aws_security_group" "sg_portal_hub_firewall" {
  name        = "portal-hub-firewall"
  description = "Tasks of firewall (appliance): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-firewall"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_firewall_ingress_0" {
  security_group_id = aws_security_group.sg_portal_hub_firewall.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  description       = "health checks from the gateway load balancer portal-hub-gwlb"
  cidr_ipv4         = "10.0.0.0/26"
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_hub_firewall_ingress_1" {
  security_group_id = aws_security_group.sg_portal_hub_firewall.id
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  description       = "GENEVE from the gateway load balancer portal-hub-gwlb"
  cidr_ipv4         = "10.0.0.0/26"
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_hub_firewall_egress_0" {
  security_group_id = aws_security_group.sg_portal_hub_firewall.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "firewall reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

data "aws_ec2_managed_prefix_list" "prefix_list_s3" {
  name = "com.amazonaws.us-west-2.s3"
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_hub_firewall_egress_1" {
  security_group_id            = aws_security_group.sg_portal_hub_firewall.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "firewall calls AWS APIs through the interface endpoints on tcp 443"
  referenced_security_group_id = aws_security_group.sg_portal_hub_endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_hub_firewall_egress_2" {
  security_group_id = aws_security_group.sg_portal_hub_firewall.id
  ip_protocol       = "udp"
  from_port         = 6081
  to_port           = 6081
  description       = "GENEVE back to the gateway load balancer portal-hub-gwlb"
  cidr_ipv4         = "10.0.0.0/26"
}

resource "aws_security_group" "sg_portal_portal" {
  name        = "portal-portal"
  description = "Tasks of portal (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-portal"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_portal_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_portal.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "portal-public forwards to portal and checks its health on tcp 8080"
  referenced_security_group_id = aws_security_group.sg_alb_portal_public.id
}

# trivy:ignore:AVD-AWS-0104 declared egress to api.github.com:443 (services.portal.egress): a host name, and a security group takes addresses only; the rule opens tcp 443 alone, through NAT, and the firewall appliances inspect it on the way out (inspection.flows egress)
resource "aws_vpc_security_group_egress_rule" "sg_portal_portal_egress_0" {
  security_group_id = aws_security_group.sg_portal_portal.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "portal egress to api.github.com on tcp 443 via NAT (services.portal.egress); portal calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_portal_egress_1" {
  security_group_id = aws_security_group.sg_portal_portal.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "portal reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_portal_egress_2" {
  security_group_id            = aws_security_group.sg_portal_portal.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "portal calls reports on tcp 8080 (services.portal.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_reports.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_portal_egress_3" {
  security_group_id = aws_security_group.sg_portal_portal.id
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
  description       = "portal calls identity on tcp 8443 (services.portal.depends_on) across the transit gateway"
  cidr_ipv4         = "10.2.0.32/27"
}

resource "aws_security_group" "sg_portal_reports" {
  name        = "portal-reports"
  description = "Tasks of reports (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-reports"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_reports_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_reports.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  description                  = "portal calls reports on tcp 8080 (services.portal.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_portal.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_reports_egress_0" {
  security_group_id = aws_security_group.sg_portal_reports.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "reports calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  cidr_ipv4         = "10.0.0.160/27"
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_reports_egress_1" {
  security_group_id = aws_security_group.sg_portal_reports.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "reports reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_reports_egress_2" {
  security_group_id            = aws_security_group.sg_portal_reports.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "reports calls reports-db on tcp 3306 (services.reports.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_reports_db.id
}

resource "aws_security_group" "sg_portal_reports_db" {
  name        = "portal-reports-db"
  description = "Tasks of reports-db (aurora): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-reports-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_reports_db_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_reports_db.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  description                  = "reports calls reports-db on tcp 3306 (services.reports.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_reports.id
}

resource "aws_default_security_group" "sg_portal_shared_default" {
  vpc_id = aws_vpc.vpc_portal_shared.id
}

resource "aws_security_group" "sg_portal_shared_identity" {
  name        = "portal-shared-identity"
  description = "Tasks of identity (service): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal_shared.id
  tags = {
    Name = "portal-shared-identity"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_shared_identity_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_shared_identity.id
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  description                  = "portal calls identity on tcp 8443 (services.portal.depends_on) across the transit gateway"
  referenced_security_group_id = aws_security_group.sg_portal_portal.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_shared_identity_egress_0" {
  security_group_id = aws_security_group.sg_portal_shared_identity.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "identity calls AWS APIs through the interface endpoints on tcp 443 across the transit gateway"
  cidr_ipv4         = "10.0.0.160/27"
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_shared_identity_egress_1" {
  security_group_id = aws_security_group.sg_portal_shared_identity.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "identity reaches s3 through its gateway endpoint on tcp 443"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.prefix_list_s3.id
}

resource "aws_vpc_security_group_egress_rule" "sg_portal_shared_identity_egress_2" {
  security_group_id            = aws_security_group.sg_portal_shared_identity.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "identity calls identity-db on tcp 5432 (services.identity.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_shared_identity_db.id
}

resource "aws_security_group" "sg_portal_shared_identity_db" {
  name        = "portal-shared-identity-db"
  description = "Tasks of identity-db (postgres): only the declared flows"
  vpc_id      = aws_vpc.vpc_portal_shared.id
  tags = {
    Name = "portal-shared-identity-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "sg_portal_shared_identity_db_ingress_0" {
  security_group_id            = aws_security_group.sg_portal_shared_identity_db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "identity calls identity-db on tcp 5432 (services.identity.depends_on)"
  referenced_security_group_id = aws_security_group.sg_portal_shared_identity.id
}
