data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_dns" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "dns"
  }
}

resource "aws_subnet" "subnet_dns_public_a" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-public-a"
  }
}

resource "aws_route_table_association" "subnet_dns_public_a" {
  subnet_id      = aws_subnet.subnet_dns_public_a.id
  route_table_id = aws_route_table.rtb_dns_public.id
}

resource "aws_subnet" "subnet_dns_public_b" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-public-b"
  }
}

resource "aws_route_table_association" "subnet_dns_public_b" {
  subnet_id      = aws_subnet.subnet_dns_public_b.id
  route_table_id = aws_route_table.rtb_dns_public.id
}

resource "aws_subnet" "subnet_dns_public_c" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-public-c"
  }
}

resource "aws_route_table_association" "subnet_dns_public_c" {
  subnet_id      = aws_subnet.subnet_dns_public_c.id
  route_table_id = aws_route_table.rtb_dns_public.id
}

resource "aws_subnet" "subnet_dns_app_a" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.128/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-app-a"
  }
}

resource "aws_route_table_association" "subnet_dns_app_a" {
  subnet_id      = aws_subnet.subnet_dns_app_a.id
  route_table_id = aws_route_table.rtb_dns_private.id
}

resource "aws_subnet" "subnet_dns_app_b" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.160/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-app-b"
  }
}

resource "aws_route_table_association" "subnet_dns_app_b" {
  subnet_id      = aws_subnet.subnet_dns_app_b.id
  route_table_id = aws_route_table.rtb_dns_private.id
}

resource "aws_subnet" "subnet_dns_app_c" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.0.192/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-app-c"
  }
}

resource "aws_route_table_association" "subnet_dns_app_c" {
  subnet_id      = aws_subnet.subnet_dns_app_c.id
  route_table_id = aws_route_table.rtb_dns_private.id
}

resource "aws_subnet" "subnet_dns_data_a" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.1.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-data-a"
  }
}

resource "aws_route_table_association" "subnet_dns_data_a" {
  subnet_id      = aws_subnet.subnet_dns_data_a.id
  route_table_id = aws_route_table.rtb_dns_data.id
}

resource "aws_subnet" "subnet_dns_data_b" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.1.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-data-b"
  }
}

resource "aws_route_table_association" "subnet_dns_data_b" {
  subnet_id      = aws_subnet.subnet_dns_data_b.id
  route_table_id = aws_route_table.rtb_dns_data.id
}

resource "aws_subnet" "subnet_dns_data_c" {
  vpc_id                  = aws_vpc.vpc_dns.id
  cidr_block              = "10.0.1.32/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "dns-data-c"
  }
}

resource "aws_route_table_association" "subnet_dns_data_c" {
  subnet_id      = aws_subnet.subnet_dns_data_c.id
  route_table_id = aws_route_table.rtb_dns_data.id
}

resource "aws_internet_gateway" "igw_dns" {
  vpc_id = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns"
  }
}

resource "aws_route_table" "rtb_dns_public" {
  vpc_id = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-public"
  }
}

resource "aws_route" "rtb_dns_public_1" {
  route_table_id         = aws_route_table.rtb_dns_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_dns.id
}

resource "aws_route_table" "rtb_dns_private" {
  vpc_id = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-private"
  }
}

resource "aws_route_table" "rtb_dns_data" {
  vpc_id = aws_vpc.vpc_dns.id
  tags = {
    Name = "dns-data"
  }
}

resource "aws_vpc_endpoint" "vpce_dns_s3" {
  vpc_id            = aws_vpc.vpc_dns.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_dns_private.id, aws_route_table.rtb_dns_data.id]
}

resource "aws_vpc_endpoint" "vpce_dns_ecr_api" {
  vpc_id              = aws_vpc.vpc_dns.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  security_group_ids  = [aws_security_group.sg_dns_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_dns_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_dns.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  security_group_ids  = [aws_security_group.sg_dns_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_dns_logs" {
  vpc_id              = aws_vpc.vpc_dns.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  security_group_ids  = [aws_security_group.sg_dns_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_dns_sts" {
  vpc_id              = aws_vpc.vpc_dns.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  security_group_ids  = [aws_security_group.sg_dns_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_dns_secretsmanager" {
  vpc_id              = aws_vpc.vpc_dns.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  security_group_ids  = [aws_security_group.sg_dns_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_dns" {
  name              = "/netwright/dns/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_dns" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_dns" {
  role   = aws_iam_role.fl_dns.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_dns.arn}:*" }] })
}

resource "aws_flow_log" "fl_dns" {
  vpc_id                   = aws_vpc.vpc_dns.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_dns.arn
  iam_role_arn             = aws_iam_role.fl_dns.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_dns_app" {
  vpc_id     = aws_vpc.vpc_dns.id
  subnet_ids = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
  tags = {
    Name = "dns-app"
  }
}

resource "aws_network_acl_rule" "acl_dns_app_in_100" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_dns_app_in_110" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_dns_app_in_120" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_in_130" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 130
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_in_140" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 140
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_in_150" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 150
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 8125
  to_port        = 8125
}

resource "aws_network_acl_rule" "acl_dns_app_out_100" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_dns_app_out_110" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_out_120" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_out_130" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_out_140" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_app_out_150" {
  network_acl_id = aws_network_acl.acl_dns_app.id
  rule_number    = 150
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_dns_data" {
  vpc_id     = aws_vpc.vpc_dns.id
  subnet_ids = [aws_subnet.subnet_dns_data_a.id, aws_subnet.subnet_dns_data_b.id, aws_subnet.subnet_dns_data_c.id]
  tags = {
    Name = "dns-data"
  }
}

resource "aws_network_acl" "acl_dns_public" {
  vpc_id     = aws_vpc.vpc_dns.id
  subnet_ids = [aws_subnet.subnet_dns_public_a.id, aws_subnet.subnet_dns_public_b.id, aws_subnet.subnet_dns_public_c.id]
  tags = {
    Name = "dns-public"
  }
}

resource "aws_network_acl_rule" "acl_dns_public_in_100" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_dns_public_in_110" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_dns_public_in_120" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_public_in_130" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_public_in_140" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 140
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_public_in_150" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 150
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_public_in_160" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 160
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 8125
  to_port        = 8125
}

resource "aws_network_acl_rule" "acl_dns_public_out_100" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_dns_public_out_110" {
  network_acl_id = aws_network_acl.acl_dns_public.id
  rule_number    = 110
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
