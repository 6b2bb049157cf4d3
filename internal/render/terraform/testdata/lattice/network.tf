data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_lat" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "lat"
  }
}

resource "aws_subnet" "subnet_lat_public_a" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-public-a"
  }
}

resource "aws_route_table_association" "subnet_lat_public_a" {
  subnet_id      = aws_subnet.subnet_lat_public_a.id
  route_table_id = aws_route_table.rtb_lat_public.id
}

resource "aws_subnet" "subnet_lat_public_b" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-public-b"
  }
}

resource "aws_route_table_association" "subnet_lat_public_b" {
  subnet_id      = aws_subnet.subnet_lat_public_b.id
  route_table_id = aws_route_table.rtb_lat_public.id
}

resource "aws_subnet" "subnet_lat_public_c" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-public-c"
  }
}

resource "aws_route_table_association" "subnet_lat_public_c" {
  subnet_id      = aws_subnet.subnet_lat_public_c.id
  route_table_id = aws_route_table.rtb_lat_public.id
}

resource "aws_subnet" "subnet_lat_app_a" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.128/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-app-a"
  }
}

resource "aws_route_table_association" "subnet_lat_app_a" {
  subnet_id      = aws_subnet.subnet_lat_app_a.id
  route_table_id = aws_route_table.rtb_lat_private.id
}

resource "aws_subnet" "subnet_lat_app_b" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.160/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-app-b"
  }
}

resource "aws_route_table_association" "subnet_lat_app_b" {
  subnet_id      = aws_subnet.subnet_lat_app_b.id
  route_table_id = aws_route_table.rtb_lat_private.id
}

resource "aws_subnet" "subnet_lat_app_c" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.0.192/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-app-c"
  }
}

resource "aws_route_table_association" "subnet_lat_app_c" {
  subnet_id      = aws_subnet.subnet_lat_app_c.id
  route_table_id = aws_route_table.rtb_lat_private.id
}

resource "aws_subnet" "subnet_lat_data_a" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.1.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-data-a"
  }
}

resource "aws_route_table_association" "subnet_lat_data_a" {
  subnet_id      = aws_subnet.subnet_lat_data_a.id
  route_table_id = aws_route_table.rtb_lat_data.id
}

resource "aws_subnet" "subnet_lat_data_b" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.1.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-data-b"
  }
}

resource "aws_route_table_association" "subnet_lat_data_b" {
  subnet_id      = aws_subnet.subnet_lat_data_b.id
  route_table_id = aws_route_table.rtb_lat_data.id
}

resource "aws_subnet" "subnet_lat_data_c" {
  vpc_id                  = aws_vpc.vpc_lat.id
  cidr_block              = "10.0.1.32/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "lat-data-c"
  }
}

resource "aws_route_table_association" "subnet_lat_data_c" {
  subnet_id      = aws_subnet.subnet_lat_data_c.id
  route_table_id = aws_route_table.rtb_lat_data.id
}

resource "aws_internet_gateway" "igw_lat" {
  vpc_id = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat"
  }
}

resource "aws_route_table" "rtb_lat_public" {
  vpc_id = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-public"
  }
}

resource "aws_route" "rtb_lat_public_1" {
  route_table_id         = aws_route_table.rtb_lat_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_lat.id
}

resource "aws_route_table" "rtb_lat_private" {
  vpc_id = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-private"
  }
}

resource "aws_route_table" "rtb_lat_data" {
  vpc_id = aws_vpc.vpc_lat.id
  tags = {
    Name = "lat-data"
  }
}

resource "aws_vpc_endpoint" "vpce_lat_s3" {
  vpc_id            = aws_vpc.vpc_lat.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_lat_private.id, aws_route_table.rtb_lat_data.id]
}

resource "aws_vpc_endpoint" "vpce_lat_ecr_api" {
  vpc_id              = aws_vpc.vpc_lat.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  security_group_ids  = [aws_security_group.sg_lat_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_lat_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_lat.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  security_group_ids  = [aws_security_group.sg_lat_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_lat_logs" {
  vpc_id              = aws_vpc.vpc_lat.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  security_group_ids  = [aws_security_group.sg_lat_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_lat_sts" {
  vpc_id              = aws_vpc.vpc_lat.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  security_group_ids  = [aws_security_group.sg_lat_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_lat_secretsmanager" {
  vpc_id              = aws_vpc.vpc_lat.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  security_group_ids  = [aws_security_group.sg_lat_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_lat" {
  name              = "/netwright/lat/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_lat" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_lat" {
  role   = aws_iam_role.fl_lat.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_lat.arn}:*" }] })
}

resource "aws_flow_log" "fl_lat" {
  vpc_id                   = aws_vpc.vpc_lat.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_lat.arn
  iam_role_arn             = aws_iam_role.fl_lat.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_lat_app" {
  vpc_id     = aws_vpc.vpc_lat.id
  subnet_ids = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
  tags = {
    Name = "lat-app"
  }
}

resource "aws_network_acl_rule" "acl_lat_app_in_100" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_lat_app_in_110" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_lat_app_in_120" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_app_out_100" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_lat_app_out_110" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_app_out_120" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_app_out_130" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_app_out_140" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_app_out_150" {
  network_acl_id = aws_network_acl.acl_lat_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "169.254.171.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_lat_data" {
  vpc_id     = aws_vpc.vpc_lat.id
  subnet_ids = [aws_subnet.subnet_lat_data_a.id, aws_subnet.subnet_lat_data_b.id, aws_subnet.subnet_lat_data_c.id]
  tags = {
    Name = "lat-data"
  }
}

resource "aws_network_acl" "acl_lat_public" {
  vpc_id     = aws_vpc.vpc_lat.id
  subnet_ids = [aws_subnet.subnet_lat_public_a.id, aws_subnet.subnet_lat_public_b.id, aws_subnet.subnet_lat_public_c.id]
  tags = {
    Name = "lat-public"
  }
}

resource "aws_network_acl_rule" "acl_lat_public_in_100" {
  network_acl_id = aws_network_acl.acl_lat_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_lat_public_in_110" {
  network_acl_id = aws_network_acl.acl_lat_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_lat_public_in_120" {
  network_acl_id = aws_network_acl.acl_lat_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_public_in_130" {
  network_acl_id = aws_network_acl.acl_lat_public.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_lat_public_out_100" {
  network_acl_id = aws_network_acl.acl_lat_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
