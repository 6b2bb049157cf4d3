data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_webapp" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "webapp"
  }
}

resource "aws_subnet" "subnet_webapp_public_a" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-public-a"
  }
}

resource "aws_route_table_association" "subnet_webapp_public_a" {
  subnet_id      = aws_subnet.subnet_webapp_public_a.id
  route_table_id = aws_route_table.rtb_webapp_public.id
}

resource "aws_subnet" "subnet_webapp_public_b" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-public-b"
  }
}

resource "aws_route_table_association" "subnet_webapp_public_b" {
  subnet_id      = aws_subnet.subnet_webapp_public_b.id
  route_table_id = aws_route_table.rtb_webapp_public.id
}

resource "aws_subnet" "subnet_webapp_public_c" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-public-c"
  }
}

resource "aws_route_table_association" "subnet_webapp_public_c" {
  subnet_id      = aws_subnet.subnet_webapp_public_c.id
  route_table_id = aws_route_table.rtb_webapp_public.id
}

resource "aws_subnet" "subnet_webapp_app_a" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.0.0/26"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-app-a"
  }
}

resource "aws_route_table_association" "subnet_webapp_app_a" {
  subnet_id      = aws_subnet.subnet_webapp_app_a.id
  route_table_id = aws_route_table.rtb_webapp_private_a.id
}

resource "aws_subnet" "subnet_webapp_app_b" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.0.64/26"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-app-b"
  }
}

resource "aws_route_table_association" "subnet_webapp_app_b" {
  subnet_id      = aws_subnet.subnet_webapp_app_b.id
  route_table_id = aws_route_table.rtb_webapp_private_b.id
}

resource "aws_subnet" "subnet_webapp_app_c" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.0.128/26"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-app-c"
  }
}

resource "aws_route_table_association" "subnet_webapp_app_c" {
  subnet_id      = aws_subnet.subnet_webapp_app_c.id
  route_table_id = aws_route_table.rtb_webapp_private_c.id
}

resource "aws_subnet" "subnet_webapp_data_a" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-data-a"
  }
}

resource "aws_route_table_association" "subnet_webapp_data_a" {
  subnet_id      = aws_subnet.subnet_webapp_data_a.id
  route_table_id = aws_route_table.rtb_webapp_data.id
}

resource "aws_subnet" "subnet_webapp_data_b" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-data-b"
  }
}

resource "aws_route_table_association" "subnet_webapp_data_b" {
  subnet_id      = aws_subnet.subnet_webapp_data_b.id
  route_table_id = aws_route_table.rtb_webapp_data.id
}

resource "aws_subnet" "subnet_webapp_data_c" {
  vpc_id                  = aws_vpc.vpc_webapp.id
  cidr_block              = "10.20.1.160/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "webapp-data-c"
  }
}

resource "aws_route_table_association" "subnet_webapp_data_c" {
  subnet_id      = aws_subnet.subnet_webapp_data_c.id
  route_table_id = aws_route_table.rtb_webapp_data.id
}

resource "aws_internet_gateway" "igw_webapp" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp"
  }
}

resource "aws_eip" "nat_webapp_a" {
  domain = "vpc"
  tags = {
    Name = "nat-webapp-a"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_nat_gateway" "nat_webapp_a" {
  allocation_id = aws_eip.nat_webapp_a.id
  subnet_id     = aws_subnet.subnet_webapp_public_a.id
  tags = {
    Name = "nat-webapp-a"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_eip" "nat_webapp_b" {
  domain = "vpc"
  tags = {
    Name = "nat-webapp-b"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_nat_gateway" "nat_webapp_b" {
  allocation_id = aws_eip.nat_webapp_b.id
  subnet_id     = aws_subnet.subnet_webapp_public_b.id
  tags = {
    Name = "nat-webapp-b"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_eip" "nat_webapp_c" {
  domain = "vpc"
  tags = {
    Name = "nat-webapp-c"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_nat_gateway" "nat_webapp_c" {
  allocation_id = aws_eip.nat_webapp_c.id
  subnet_id     = aws_subnet.subnet_webapp_public_c.id
  tags = {
    Name = "nat-webapp-c"
  }
  depends_on = [aws_internet_gateway.igw_webapp]
}

resource "aws_route_table" "rtb_webapp_public" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-public"
  }
}

resource "aws_route" "rtb_webapp_public_1" {
  route_table_id         = aws_route_table.rtb_webapp_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_webapp.id
}

resource "aws_route_table" "rtb_webapp_private_a" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-private-a"
  }
}

resource "aws_route" "rtb_webapp_private_a_1" {
  route_table_id         = aws_route_table.rtb_webapp_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_webapp_a.id
}

resource "aws_route_table" "rtb_webapp_private_b" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-private-b"
  }
}

resource "aws_route" "rtb_webapp_private_b_1" {
  route_table_id         = aws_route_table.rtb_webapp_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_webapp_b.id
}

resource "aws_route_table" "rtb_webapp_private_c" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-private-c"
  }
}

resource "aws_route" "rtb_webapp_private_c_1" {
  route_table_id         = aws_route_table.rtb_webapp_private_c.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_webapp_c.id
}

resource "aws_route_table" "rtb_webapp_data" {
  vpc_id = aws_vpc.vpc_webapp.id
  tags = {
    Name = "webapp-data"
  }
}

resource "aws_vpc_endpoint" "vpce_webapp_s3" {
  vpc_id            = aws_vpc.vpc_webapp.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_webapp_private_a.id, aws_route_table.rtb_webapp_private_b.id, aws_route_table.rtb_webapp_private_c.id, aws_route_table.rtb_webapp_data.id]
}

resource "aws_vpc_endpoint" "vpce_webapp_ecr_api" {
  vpc_id              = aws_vpc.vpc_webapp.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  security_group_ids  = [aws_security_group.sg_webapp_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_webapp_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_webapp.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  security_group_ids  = [aws_security_group.sg_webapp_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_webapp_logs" {
  vpc_id              = aws_vpc.vpc_webapp.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  security_group_ids  = [aws_security_group.sg_webapp_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_webapp_sts" {
  vpc_id              = aws_vpc.vpc_webapp.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  security_group_ids  = [aws_security_group.sg_webapp_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_webapp_secretsmanager" {
  vpc_id              = aws_vpc.vpc_webapp.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  security_group_ids  = [aws_security_group.sg_webapp_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_webapp" {
  name              = "/netwright/webapp/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_webapp" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_webapp" {
  role   = aws_iam_role.fl_webapp.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_webapp.arn}:*" }] })
}

resource "aws_flow_log" "fl_webapp" {
  vpc_id                   = aws_vpc.vpc_webapp.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_webapp.arn
  iam_role_arn             = aws_iam_role.fl_webapp.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_webapp_app" {
  vpc_id     = aws_vpc.vpc_webapp.id
  subnet_ids = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
  tags = {
    Name = "webapp-app"
  }
}

resource "aws_network_acl_rule" "acl_webapp_app_in_100" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.0/25"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_webapp_app_in_110" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.128/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_webapp_app_in_120" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_app_out_100" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_webapp_app_out_110" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_app_out_120" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_app_out_130" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_app_out_140" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_app_out_150" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.1.128/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_webapp_app_out_160" {
  network_acl_id = aws_network_acl.acl_webapp_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.1.160/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_webapp_data" {
  vpc_id     = aws_vpc.vpc_webapp.id
  subnet_ids = [aws_subnet.subnet_webapp_data_a.id, aws_subnet.subnet_webapp_data_b.id, aws_subnet.subnet_webapp_data_c.id]
  tags = {
    Name = "webapp-data"
  }
}

resource "aws_network_acl_rule" "acl_webapp_data_in_100" {
  network_acl_id = aws_network_acl.acl_webapp_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.0/25"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_webapp_data_in_110" {
  network_acl_id = aws_network_acl.acl_webapp_data.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.128/26"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_webapp_data_out_100" {
  network_acl_id = aws_network_acl.acl_webapp_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_data_out_110" {
  network_acl_id = aws_network_acl.acl_webapp_data.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.20.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_webapp_public" {
  vpc_id     = aws_vpc.vpc_webapp.id
  subnet_ids = [aws_subnet.subnet_webapp_public_a.id, aws_subnet.subnet_webapp_public_b.id, aws_subnet.subnet_webapp_public_c.id]
  tags = {
    Name = "webapp-public"
  }
}

resource "aws_network_acl_rule" "acl_webapp_public_in_100" {
  network_acl_id = aws_network_acl.acl_webapp_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_webapp_public_in_110" {
  network_acl_id = aws_network_acl.acl_webapp_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_webapp_public_in_120" {
  network_acl_id = aws_network_acl.acl_webapp_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_webapp_public_out_100" {
  network_acl_id = aws_network_acl.acl_webapp_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_webapp_public_out_110" {
  network_acl_id = aws_network_acl.acl_webapp_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
