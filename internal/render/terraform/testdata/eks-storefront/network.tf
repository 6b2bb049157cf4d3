data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_storefront" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "storefront"
  }
}

resource "aws_subnet" "subnet_storefront_public_a" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.1.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-public-a"
  }
}

resource "aws_route_table_association" "subnet_storefront_public_a" {
  subnet_id      = aws_subnet.subnet_storefront_public_a.id
  route_table_id = aws_route_table.rtb_storefront_public.id
}

resource "aws_subnet" "subnet_storefront_public_b" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.1.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-public-b"
  }
}

resource "aws_route_table_association" "subnet_storefront_public_b" {
  subnet_id      = aws_subnet.subnet_storefront_public_b.id
  route_table_id = aws_route_table.rtb_storefront_public.id
}

resource "aws_subnet" "subnet_storefront_app_a" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.0.0/25"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-app-a"
  }
}

resource "aws_route_table_association" "subnet_storefront_app_a" {
  subnet_id      = aws_subnet.subnet_storefront_app_a.id
  route_table_id = aws_route_table.rtb_storefront_private.id
}

resource "aws_subnet" "subnet_storefront_app_b" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.0.128/25"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-app-b"
  }
}

resource "aws_route_table_association" "subnet_storefront_app_b" {
  subnet_id      = aws_subnet.subnet_storefront_app_b.id
  route_table_id = aws_route_table.rtb_storefront_private.id
}

resource "aws_subnet" "subnet_storefront_data_a" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.1.64/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-data-a"
  }
}

resource "aws_route_table_association" "subnet_storefront_data_a" {
  subnet_id      = aws_subnet.subnet_storefront_data_a.id
  route_table_id = aws_route_table.rtb_storefront_data.id
}

resource "aws_subnet" "subnet_storefront_data_b" {
  vpc_id                  = aws_vpc.vpc_storefront.id
  cidr_block              = "10.40.1.80/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "storefront-data-b"
  }
}

resource "aws_route_table_association" "subnet_storefront_data_b" {
  subnet_id      = aws_subnet.subnet_storefront_data_b.id
  route_table_id = aws_route_table.rtb_storefront_data.id
}

resource "aws_internet_gateway" "igw_storefront" {
  vpc_id = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront"
  }
}

resource "aws_eip" "nat_storefront_a" {
  domain = "vpc"
  tags = {
    Name = "nat-storefront-a"
  }
  depends_on = [aws_internet_gateway.igw_storefront]
}

resource "aws_nat_gateway" "nat_storefront_a" {
  allocation_id = aws_eip.nat_storefront_a.id
  subnet_id     = aws_subnet.subnet_storefront_public_a.id
  tags = {
    Name = "nat-storefront-a"
  }
  depends_on = [aws_internet_gateway.igw_storefront]
}

resource "aws_route_table" "rtb_storefront_public" {
  vpc_id = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-public"
  }
}

resource "aws_route" "rtb_storefront_public_1" {
  route_table_id         = aws_route_table.rtb_storefront_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_storefront.id
}

resource "aws_route_table" "rtb_storefront_private" {
  vpc_id = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-private"
  }
}

resource "aws_route" "rtb_storefront_private_1" {
  route_table_id         = aws_route_table.rtb_storefront_private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_storefront_a.id
}

resource "aws_route_table" "rtb_storefront_data" {
  vpc_id = aws_vpc.vpc_storefront.id
  tags = {
    Name = "storefront-data"
  }
}

resource "aws_vpc_endpoint" "vpce_storefront_s3" {
  vpc_id            = aws_vpc.vpc_storefront.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_storefront_private.id, aws_route_table.rtb_storefront_data.id]
}

resource "aws_vpc_endpoint" "vpce_storefront_ecr_api" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_ec2" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.ec2"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_eks" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.eks"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_eks_auth" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.eks-auth"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_logs" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_storefront_sts" {
  vpc_id              = aws_vpc.vpc_storefront.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  security_group_ids  = [aws_security_group.sg_storefront_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_storefront" {
  name              = "/netwright/storefront/vpc-flow-logs"
  retention_in_days = 14
}

resource "aws_iam_role" "fl_storefront" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_storefront" {
  role   = aws_iam_role.fl_storefront.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_storefront.arn}:*" }] })
}

resource "aws_flow_log" "fl_storefront" {
  vpc_id                   = aws_vpc.vpc_storefront.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_storefront.arn
  iam_role_arn             = aws_iam_role.fl_storefront.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_storefront_app" {
  vpc_id     = aws_vpc.vpc_storefront.id
  subnet_ids = [aws_subnet.subnet_storefront_app_a.id, aws_subnet.subnet_storefront_app_b.id]
  tags = {
    Name = "storefront-app"
  }
}

resource "aws_network_acl_rule" "acl_storefront_app_in_100" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_storefront_app_in_110" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 110
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_storefront_app_in_120" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_storefront_app_in_130" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_in_140" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 140
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_out_100" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_storefront_app_out_110" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 110
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_storefront_app_out_120" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_storefront_app_out_130" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_out_140" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_out_150" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "169.254.171.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_out_160" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 160
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_app_out_170" {
  network_acl_id = aws_network_acl.acl_storefront_app.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.1.64/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_storefront_data" {
  vpc_id     = aws_vpc.vpc_storefront.id
  subnet_ids = [aws_subnet.subnet_storefront_data_a.id, aws_subnet.subnet_storefront_data_b.id]
  tags = {
    Name = "storefront-data"
  }
}

resource "aws_network_acl_rule" "acl_storefront_data_in_100" {
  network_acl_id = aws_network_acl.acl_storefront_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_storefront_data_out_100" {
  network_acl_id = aws_network_acl.acl_storefront_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.40.0.0/24"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_storefront_public" {
  vpc_id     = aws_vpc.vpc_storefront.id
  subnet_ids = [aws_subnet.subnet_storefront_public_a.id, aws_subnet.subnet_storefront_public_b.id]
  tags = {
    Name = "storefront-public"
  }
}

resource "aws_network_acl_rule" "acl_storefront_public_in_100" {
  network_acl_id = aws_network_acl.acl_storefront_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_storefront_public_in_110" {
  network_acl_id = aws_network_acl.acl_storefront_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_storefront_public_in_120" {
  network_acl_id = aws_network_acl.acl_storefront_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_storefront_public_out_100" {
  network_acl_id = aws_network_acl.acl_storefront_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_storefront_public_out_110" {
  network_acl_id = aws_network_acl.acl_storefront_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
