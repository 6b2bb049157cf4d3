data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_kube" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "kube"
  }
}

resource "aws_subnet" "subnet_kube_public_a" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-public-a"
  }
}

resource "aws_route_table_association" "subnet_kube_public_a" {
  subnet_id      = aws_subnet.subnet_kube_public_a.id
  route_table_id = aws_route_table.rtb_kube_public.id
}

resource "aws_subnet" "subnet_kube_public_b" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-public-b"
  }
}

resource "aws_route_table_association" "subnet_kube_public_b" {
  subnet_id      = aws_subnet.subnet_kube_public_b.id
  route_table_id = aws_route_table.rtb_kube_public.id
}

resource "aws_subnet" "subnet_kube_public_c" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-public-c"
  }
}

resource "aws_route_table_association" "subnet_kube_public_c" {
  subnet_id      = aws_subnet.subnet_kube_public_c.id
  route_table_id = aws_route_table.rtb_kube_public.id
}

resource "aws_subnet" "subnet_kube_app_a" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.128/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-app-a"
  }
}

resource "aws_route_table_association" "subnet_kube_app_a" {
  subnet_id      = aws_subnet.subnet_kube_app_a.id
  route_table_id = aws_route_table.rtb_kube_private_a.id
}

resource "aws_subnet" "subnet_kube_app_b" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.160/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-app-b"
  }
}

resource "aws_route_table_association" "subnet_kube_app_b" {
  subnet_id      = aws_subnet.subnet_kube_app_b.id
  route_table_id = aws_route_table.rtb_kube_private_b.id
}

resource "aws_subnet" "subnet_kube_app_c" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.0.192/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-app-c"
  }
}

resource "aws_route_table_association" "subnet_kube_app_c" {
  subnet_id      = aws_subnet.subnet_kube_app_c.id
  route_table_id = aws_route_table.rtb_kube_private_c.id
}

resource "aws_subnet" "subnet_kube_data_a" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.1.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-data-a"
  }
}

resource "aws_route_table_association" "subnet_kube_data_a" {
  subnet_id      = aws_subnet.subnet_kube_data_a.id
  route_table_id = aws_route_table.rtb_kube_data.id
}

resource "aws_subnet" "subnet_kube_data_b" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.1.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-data-b"
  }
}

resource "aws_route_table_association" "subnet_kube_data_b" {
  subnet_id      = aws_subnet.subnet_kube_data_b.id
  route_table_id = aws_route_table.rtb_kube_data.id
}

resource "aws_subnet" "subnet_kube_data_c" {
  vpc_id                  = aws_vpc.vpc_kube.id
  cidr_block              = "10.0.1.32/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "kube-data-c"
  }
}

resource "aws_route_table_association" "subnet_kube_data_c" {
  subnet_id      = aws_subnet.subnet_kube_data_c.id
  route_table_id = aws_route_table.rtb_kube_data.id
}

resource "aws_internet_gateway" "igw_kube" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube"
  }
}

resource "aws_eip" "nat_kube_a" {
  domain = "vpc"
  tags = {
    Name = "nat-kube-a"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_nat_gateway" "nat_kube_a" {
  allocation_id = aws_eip.nat_kube_a.id
  subnet_id     = aws_subnet.subnet_kube_public_a.id
  tags = {
    Name = "nat-kube-a"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_eip" "nat_kube_b" {
  domain = "vpc"
  tags = {
    Name = "nat-kube-b"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_nat_gateway" "nat_kube_b" {
  allocation_id = aws_eip.nat_kube_b.id
  subnet_id     = aws_subnet.subnet_kube_public_b.id
  tags = {
    Name = "nat-kube-b"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_eip" "nat_kube_c" {
  domain = "vpc"
  tags = {
    Name = "nat-kube-c"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_nat_gateway" "nat_kube_c" {
  allocation_id = aws_eip.nat_kube_c.id
  subnet_id     = aws_subnet.subnet_kube_public_c.id
  tags = {
    Name = "nat-kube-c"
  }
  depends_on = [aws_internet_gateway.igw_kube]
}

resource "aws_route_table" "rtb_kube_public" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-public"
  }
}

resource "aws_route" "rtb_kube_public_1" {
  route_table_id         = aws_route_table.rtb_kube_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_kube.id
}

resource "aws_route_table" "rtb_kube_private_a" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-private-a"
  }
}

resource "aws_route" "rtb_kube_private_a_1" {
  route_table_id         = aws_route_table.rtb_kube_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_kube_a.id
}

resource "aws_route_table" "rtb_kube_private_b" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-private-b"
  }
}

resource "aws_route" "rtb_kube_private_b_1" {
  route_table_id         = aws_route_table.rtb_kube_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_kube_b.id
}

resource "aws_route_table" "rtb_kube_private_c" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-private-c"
  }
}

resource "aws_route" "rtb_kube_private_c_1" {
  route_table_id         = aws_route_table.rtb_kube_private_c.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_kube_c.id
}

resource "aws_route_table" "rtb_kube_data" {
  vpc_id = aws_vpc.vpc_kube.id
  tags = {
    Name = "kube-data"
  }
}

resource "aws_vpc_endpoint" "vpce_kube_s3" {
  vpc_id            = aws_vpc.vpc_kube.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_kube_private_a.id, aws_route_table.rtb_kube_private_b.id, aws_route_table.rtb_kube_private_c.id, aws_route_table.rtb_kube_data.id]
}

resource "aws_vpc_endpoint" "vpce_kube_ecr_api" {
  vpc_id              = aws_vpc.vpc_kube.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  security_group_ids  = [aws_security_group.sg_kube_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_kube_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_kube.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  security_group_ids  = [aws_security_group.sg_kube_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_kube_logs" {
  vpc_id              = aws_vpc.vpc_kube.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  security_group_ids  = [aws_security_group.sg_kube_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_kube_sts" {
  vpc_id              = aws_vpc.vpc_kube.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  security_group_ids  = [aws_security_group.sg_kube_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_kube_secretsmanager" {
  vpc_id              = aws_vpc.vpc_kube.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  security_group_ids  = [aws_security_group.sg_kube_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_kube" {
  name              = "/netwright/kube/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_kube" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_kube" {
  role   = aws_iam_role.fl_kube.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_kube.arn}:*" }] })
}

resource "aws_flow_log" "fl_kube" {
  vpc_id                   = aws_vpc.vpc_kube.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_kube.arn
  iam_role_arn             = aws_iam_role.fl_kube.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_kube_app" {
  vpc_id     = aws_vpc.vpc_kube.id
  subnet_ids = [aws_subnet.subnet_kube_app_a.id, aws_subnet.subnet_kube_app_b.id, aws_subnet.subnet_kube_app_c.id]
  tags = {
    Name = "kube-app"
  }
}

resource "aws_network_acl_rule" "acl_kube_app_in_100" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_in_110" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_in_120" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 120
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_in_130" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 130
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_in_140" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 140
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_kube_app_in_150" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 150
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_kube_app_in_160" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 160
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_in_170" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 170
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_in_180" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 180
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_100" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_out_110" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_out_120" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 120
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_out_130" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 130
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_kube_app_out_140" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_kube_app_out_150" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_160" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_170" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_180" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_190" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 190
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "169.254.171.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_200" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 200
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_210" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 210
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_app_out_220" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 220
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_kube_app_out_230" {
  network_acl_id = aws_network_acl.acl_kube_app.id
  rule_number    = 230
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.32/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_kube_data" {
  vpc_id     = aws_vpc.vpc_kube.id
  subnet_ids = [aws_subnet.subnet_kube_data_a.id, aws_subnet.subnet_kube_data_b.id, aws_subnet.subnet_kube_data_c.id]
  tags = {
    Name = "kube-data"
  }
}

resource "aws_network_acl_rule" "acl_kube_data_in_100" {
  network_acl_id = aws_network_acl.acl_kube_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_kube_data_in_110" {
  network_acl_id = aws_network_acl.acl_kube_data.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_kube_data_out_100" {
  network_acl_id = aws_network_acl.acl_kube_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_data_out_110" {
  network_acl_id = aws_network_acl.acl_kube_data.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_kube_public" {
  vpc_id     = aws_vpc.vpc_kube.id
  subnet_ids = [aws_subnet.subnet_kube_public_a.id, aws_subnet.subnet_kube_public_b.id, aws_subnet.subnet_kube_public_c.id]
  tags = {
    Name = "kube-public"
  }
}

resource "aws_network_acl_rule" "acl_kube_public_in_100" {
  network_acl_id = aws_network_acl.acl_kube_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_kube_public_in_110" {
  network_acl_id = aws_network_acl.acl_kube_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_kube_public_in_120" {
  network_acl_id = aws_network_acl.acl_kube_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_kube_public_out_100" {
  network_acl_id = aws_network_acl.acl_kube_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_kube_public_out_110" {
  network_acl_id = aws_network_acl.acl_kube_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
