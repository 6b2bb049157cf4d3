data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_big" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "big"
  }
}

resource "aws_vpc_ipv4_cidr_block_association" "vpc_big_cidr_2" {
  vpc_id     = aws_vpc.vpc_big.id
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "vpc_big_cidr_3" {
  vpc_id     = aws_vpc.vpc_big.id
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc_ipv4_cidr_block_association" "vpc_big_cidr_4" {
  vpc_id     = aws_vpc.vpc_big.id
  cidr_block = "10.3.0.0/16"
}

resource "aws_subnet" "subnet_big_public_a" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-public-a"
  }
}

resource "aws_route_table_association" "subnet_big_public_a" {
  subnet_id      = aws_subnet.subnet_big_public_a.id
  route_table_id = aws_route_table.rtb_big_public.id
}

resource "aws_subnet" "subnet_big_public_b" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-public-b"
  }
}

resource "aws_route_table_association" "subnet_big_public_b" {
  subnet_id      = aws_subnet.subnet_big_public_b.id
  route_table_id = aws_route_table.rtb_big_public.id
}

resource "aws_subnet" "subnet_big_public_c" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-public-c"
  }
}

resource "aws_route_table_association" "subnet_big_public_c" {
  subnet_id      = aws_subnet.subnet_big_public_c.id
  route_table_id = aws_route_table.rtb_big_public.id
}

resource "aws_subnet" "subnet_big_app_a" {
  vpc_id                  = aws_vpc.vpc_big.id
  cidr_block              = "10.0.0.0/16"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-app-a"
  }
}

resource "aws_route_table_association" "subnet_big_app_a" {
  subnet_id      = aws_subnet.subnet_big_app_a.id
  route_table_id = aws_route_table.rtb_big_private.id
}

resource "aws_subnet" "subnet_big_app_b" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_2.vpc_id
  cidr_block              = "10.1.0.0/16"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-app-b"
  }
}

resource "aws_route_table_association" "subnet_big_app_b" {
  subnet_id      = aws_subnet.subnet_big_app_b.id
  route_table_id = aws_route_table.rtb_big_private.id
}

resource "aws_subnet" "subnet_big_app_c" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_3.vpc_id
  cidr_block              = "10.2.0.0/16"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-app-c"
  }
}

resource "aws_route_table_association" "subnet_big_app_c" {
  subnet_id      = aws_subnet.subnet_big_app_c.id
  route_table_id = aws_route_table.rtb_big_private.id
}

resource "aws_subnet" "subnet_big_data_a" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-data-a"
  }
}

resource "aws_route_table_association" "subnet_big_data_a" {
  subnet_id      = aws_subnet.subnet_big_data_a.id
  route_table_id = aws_route_table.rtb_big_data.id
}

resource "aws_subnet" "subnet_big_data_b" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-data-b"
  }
}

resource "aws_route_table_association" "subnet_big_data_b" {
  subnet_id      = aws_subnet.subnet_big_data_b.id
  route_table_id = aws_route_table.rtb_big_data.id
}

resource "aws_subnet" "subnet_big_data_c" {
  vpc_id                  = aws_vpc_ipv4_cidr_block_association.vpc_big_cidr_4.vpc_id
  cidr_block              = "10.3.0.160/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "big-data-c"
  }
}

resource "aws_route_table_association" "subnet_big_data_c" {
  subnet_id      = aws_subnet.subnet_big_data_c.id
  route_table_id = aws_route_table.rtb_big_data.id
}

resource "aws_internet_gateway" "igw_big" {
  vpc_id = aws_vpc.vpc_big.id
  tags = {
    Name = "big"
  }
}

resource "aws_eip" "nat_big_a" {
  domain = "vpc"
  tags = {
    Name = "nat-big-a"
  }
  depends_on = [aws_internet_gateway.igw_big]
}

resource "aws_nat_gateway" "nat_big_a" {
  allocation_id = aws_eip.nat_big_a.id
  subnet_id     = aws_subnet.subnet_big_public_a.id
  tags = {
    Name = "nat-big-a"
  }
  depends_on = [aws_internet_gateway.igw_big]
}

resource "aws_route_table" "rtb_big_public" {
  vpc_id = aws_vpc.vpc_big.id
  tags = {
    Name = "big-public"
  }
}

resource "aws_route" "rtb_big_public_1" {
  route_table_id         = aws_route_table.rtb_big_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_big.id
}

resource "aws_route_table" "rtb_big_private" {
  vpc_id = aws_vpc.vpc_big.id
  tags = {
    Name = "big-private"
  }
}

resource "aws_route" "rtb_big_private_1" {
  route_table_id         = aws_route_table.rtb_big_private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_big_a.id
}

resource "aws_route_table" "rtb_big_data" {
  vpc_id = aws_vpc.vpc_big.id
  tags = {
    Name = "big-data"
  }
}

resource "aws_vpc_endpoint" "vpce_big_s3" {
  vpc_id            = aws_vpc.vpc_big.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_big_private.id, aws_route_table.rtb_big_data.id]
}

resource "aws_vpc_endpoint" "vpce_big_ecr_api" {
  vpc_id              = aws_vpc.vpc_big.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  security_group_ids  = [aws_security_group.sg_big_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_big_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_big.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  security_group_ids  = [aws_security_group.sg_big_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_big_logs" {
  vpc_id              = aws_vpc.vpc_big.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  security_group_ids  = [aws_security_group.sg_big_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_big_sts" {
  vpc_id              = aws_vpc.vpc_big.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  security_group_ids  = [aws_security_group.sg_big_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_big_secretsmanager" {
  vpc_id              = aws_vpc.vpc_big.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  security_group_ids  = [aws_security_group.sg_big_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_big" {
  name              = "/netwright/big/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_big" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_big" {
  role   = aws_iam_role.fl_big.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_big.arn}:*" }] })
}

resource "aws_flow_log" "fl_big" {
  vpc_id                   = aws_vpc.vpc_big.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_big.arn
  iam_role_arn             = aws_iam_role.fl_big.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_big_app" {
  vpc_id     = aws_vpc.vpc_big.id
  subnet_ids = [aws_subnet.subnet_big_app_a.id, aws_subnet.subnet_big_app_b.id, aws_subnet.subnet_big_app_c.id]
  tags = {
    Name = "big-app"
  }
}

resource "aws_network_acl_rule" "acl_big_app_in_100" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/15"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_big_app_in_110" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.0/16"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_big_app_in_120" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_app_out_100" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_big_app_out_110" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/15"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_app_out_120" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.0/16"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_app_out_130" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.3.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_app_out_140" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.3.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_app_out_150" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.3.0.128/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_big_app_out_160" {
  network_acl_id = aws_network_acl.acl_big_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.3.0.160/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_big_data" {
  vpc_id     = aws_vpc.vpc_big.id
  subnet_ids = [aws_subnet.subnet_big_data_a.id, aws_subnet.subnet_big_data_b.id, aws_subnet.subnet_big_data_c.id]
  tags = {
    Name = "big-data"
  }
}

resource "aws_network_acl_rule" "acl_big_data_in_100" {
  network_acl_id = aws_network_acl.acl_big_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/15"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_big_data_in_110" {
  network_acl_id = aws_network_acl.acl_big_data.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.0/16"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_big_data_out_100" {
  network_acl_id = aws_network_acl.acl_big_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/15"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_data_out_110" {
  network_acl_id = aws_network_acl.acl_big_data.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.0/16"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_big_public" {
  vpc_id     = aws_vpc.vpc_big.id
  subnet_ids = [aws_subnet.subnet_big_public_a.id, aws_subnet.subnet_big_public_b.id, aws_subnet.subnet_big_public_c.id]
  tags = {
    Name = "big-public"
  }
}

resource "aws_network_acl_rule" "acl_big_public_in_100" {
  network_acl_id = aws_network_acl.acl_big_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_big_public_in_110" {
  network_acl_id = aws_network_acl.acl_big_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_big_public_in_120" {
  network_acl_id = aws_network_acl.acl_big_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_big_public_out_100" {
  network_acl_id = aws_network_acl.acl_big_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_big_public_out_110" {
  network_acl_id = aws_network_acl.acl_big_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
