data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_orders" {
  cidr_block           = "10.30.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "orders"
  }
}

resource "aws_subnet" "subnet_orders_public_a" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-public-a"
  }
}

resource "aws_route_table_association" "subnet_orders_public_a" {
  subnet_id      = aws_subnet.subnet_orders_public_a.id
  route_table_id = aws_route_table.rtb_orders_public.id
}

resource "aws_subnet" "subnet_orders_public_b" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-public-b"
  }
}

resource "aws_route_table_association" "subnet_orders_public_b" {
  subnet_id      = aws_subnet.subnet_orders_public_b.id
  route_table_id = aws_route_table.rtb_orders_public.id
}

resource "aws_subnet" "subnet_orders_public_c" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-public-c"
  }
}

resource "aws_route_table_association" "subnet_orders_public_c" {
  subnet_id      = aws_subnet.subnet_orders_public_c.id
  route_table_id = aws_route_table.rtb_orders_public.id
}

resource "aws_subnet" "subnet_orders_transit_a" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-transit-a"
  }
}

resource "aws_route_table_association" "subnet_orders_transit_a" {
  subnet_id      = aws_subnet.subnet_orders_transit_a.id
  route_table_id = aws_route_table.rtb_orders_transit.id
}

resource "aws_subnet" "subnet_orders_transit_b" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-transit-b"
  }
}

resource "aws_route_table_association" "subnet_orders_transit_b" {
  subnet_id      = aws_subnet.subnet_orders_transit_b.id
  route_table_id = aws_route_table.rtb_orders_transit.id
}

resource "aws_subnet" "subnet_orders_transit_c" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.160/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-transit-c"
  }
}

resource "aws_route_table_association" "subnet_orders_transit_c" {
  subnet_id      = aws_subnet.subnet_orders_transit_c.id
  route_table_id = aws_route_table.rtb_orders_transit.id
}

resource "aws_subnet" "subnet_orders_app_a" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.0.0/26"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-app-a"
  }
}

resource "aws_route_table_association" "subnet_orders_app_a" {
  subnet_id      = aws_subnet.subnet_orders_app_a.id
  route_table_id = aws_route_table.rtb_orders_private.id
}

resource "aws_subnet" "subnet_orders_app_b" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.0.64/26"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-app-b"
  }
}

resource "aws_route_table_association" "subnet_orders_app_b" {
  subnet_id      = aws_subnet.subnet_orders_app_b.id
  route_table_id = aws_route_table.rtb_orders_private.id
}

resource "aws_subnet" "subnet_orders_app_c" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.0.128/26"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-app-c"
  }
}

resource "aws_route_table_association" "subnet_orders_app_c" {
  subnet_id      = aws_subnet.subnet_orders_app_c.id
  route_table_id = aws_route_table.rtb_orders_private.id
}

resource "aws_subnet" "subnet_orders_data_a" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.192/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-data-a"
  }
}

resource "aws_route_table_association" "subnet_orders_data_a" {
  subnet_id      = aws_subnet.subnet_orders_data_a.id
  route_table_id = aws_route_table.rtb_orders_data.id
}

resource "aws_subnet" "subnet_orders_data_b" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.208/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-data-b"
  }
}

resource "aws_route_table_association" "subnet_orders_data_b" {
  subnet_id      = aws_subnet.subnet_orders_data_b.id
  route_table_id = aws_route_table.rtb_orders_data.id
}

resource "aws_subnet" "subnet_orders_data_c" {
  vpc_id                  = aws_vpc.vpc_orders.id
  cidr_block              = "10.30.1.224/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "orders-data-c"
  }
}

resource "aws_route_table_association" "subnet_orders_data_c" {
  subnet_id      = aws_subnet.subnet_orders_data_c.id
  route_table_id = aws_route_table.rtb_orders_data.id
}

resource "aws_internet_gateway" "igw_orders" {
  vpc_id = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders"
  }
}

resource "aws_route_table" "rtb_orders_public" {
  vpc_id = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-public"
  }
}

resource "aws_route" "rtb_orders_public_1" {
  route_table_id         = aws_route_table.rtb_orders_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_orders.id
}

resource "aws_route_table" "rtb_orders_private" {
  vpc_id = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-private"
  }
}

resource "aws_route" "rtb_orders_private_1" {
  route_table_id         = aws_route_table.rtb_orders_private.id
  destination_cidr_block = "10.200.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_orders]
}

resource "aws_route" "rtb_orders_private_2" {
  route_table_id         = aws_route_table.rtb_orders_private.id
  destination_cidr_block = "172.20.0.0/20"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_orders]
}

resource "aws_route_table" "rtb_orders_data" {
  vpc_id = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-data"
  }
}

resource "aws_route_table" "rtb_orders_transit" {
  vpc_id = aws_vpc.vpc_orders.id
  tags = {
    Name = "orders-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_orders_s3" {
  vpc_id            = aws_vpc.vpc_orders.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_orders_private.id, aws_route_table.rtb_orders_data.id]
}

resource "aws_vpc_endpoint" "vpce_orders_ecr_api" {
  vpc_id              = aws_vpc.vpc_orders.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  security_group_ids  = [aws_security_group.sg_orders_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_orders_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_orders.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  security_group_ids  = [aws_security_group.sg_orders_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_orders_logs" {
  vpc_id              = aws_vpc.vpc_orders.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  security_group_ids  = [aws_security_group.sg_orders_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_orders_sts" {
  vpc_id              = aws_vpc.vpc_orders.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  security_group_ids  = [aws_security_group.sg_orders_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_orders_secretsmanager" {
  vpc_id              = aws_vpc.vpc_orders.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  security_group_ids  = [aws_security_group.sg_orders_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_orders" {
  name              = "/netwright/orders/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_orders" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_orders" {
  role   = aws_iam_role.fl_orders.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_orders.arn}:*" }] })
}

resource "aws_flow_log" "fl_orders" {
  vpc_id                   = aws_vpc.vpc_orders.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_orders.arn
  iam_role_arn             = aws_iam_role.fl_orders.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_orders_app" {
  vpc_id     = aws_vpc.vpc_orders.id
  subnet_ids = [aws_subnet.subnet_orders_app_a.id, aws_subnet.subnet_orders_app_b.id, aws_subnet.subnet_orders_app_c.id]
  tags = {
    Name = "orders-app"
  }
}

resource "aws_network_acl_rule" "acl_orders_app_in_100" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.0/16"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_in_110" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "172.20.0.0/20"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_in_120" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 120
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.0/16"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_in_130" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 130
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "172.20.0.0/20"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_in_140" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 140
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.0/25"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_orders_app_in_150" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 150
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.128/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_orders_app_in_160" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 160
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_in_170" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 170
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.10/31"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_100" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.10/31"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_out_110" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 110
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.10/31"
  from_port      = 53
  to_port        = 53
}

resource "aws_network_acl_rule" "acl_orders_app_out_120" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_orders_app_out_130" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_140" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_150" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_160" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_170" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.0/16"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_180" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "172.20.0.0/20"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_190" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 190
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.200.0.0/16"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_app_out_200" {
  network_acl_id = aws_network_acl.acl_orders_app.id
  rule_number    = 200
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "172.20.0.0/20"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_orders_data" {
  vpc_id     = aws_vpc.vpc_orders.id
  subnet_ids = [aws_subnet.subnet_orders_data_a.id, aws_subnet.subnet_orders_data_b.id, aws_subnet.subnet_orders_data_c.id]
  tags = {
    Name = "orders-data"
  }
}

resource "aws_network_acl" "acl_orders_public" {
  vpc_id     = aws_vpc.vpc_orders.id
  subnet_ids = [aws_subnet.subnet_orders_public_a.id, aws_subnet.subnet_orders_public_b.id, aws_subnet.subnet_orders_public_c.id]
  tags = {
    Name = "orders-public"
  }
}

resource "aws_network_acl_rule" "acl_orders_public_in_100" {
  network_acl_id = aws_network_acl.acl_orders_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_orders_public_in_110" {
  network_acl_id = aws_network_acl.acl_orders_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_public_in_120" {
  network_acl_id = aws_network_acl.acl_orders_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.30.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_orders_public_out_100" {
  network_acl_id = aws_network_acl.acl_orders_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_orders_transit" {
  vpc_id     = aws_vpc.vpc_orders.id
  subnet_ids = [aws_subnet.subnet_orders_transit_a.id, aws_subnet.subnet_orders_transit_b.id, aws_subnet.subnet_orders_transit_c.id]
  tags = {
    Name = "orders-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_orders_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_orders_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_orders_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_orders_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_ec2_transit_gateway" "tgw_orders_us_east_1" {
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags = {
    Name = "tgw-orders-us-east-1"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_orders" {
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  vpc_id                                          = aws_vpc.vpc_orders.id
  subnet_ids                                      = [aws_subnet.subnet_orders_transit_a.id, aws_subnet.subnet_orders_transit_b.id, aws_subnet.subnet_orders_transit_c.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_orders" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "tgw_rtb_orders_tgw_attach_orders_dx_corp" {
  transit_gateway_attachment_id  = data.aws_ec2_transit_gateway_dx_gateway_attachment.tgw_attach_orders_dx_corp.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "tgw_rtb_orders_tgw_attach_orders_vpn_corp" {
  transit_gateway_attachment_id  = aws_vpn_connection.vpn_orders_corp.transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_orders_tgw_attach_orders" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_orders.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders.id
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_orders_site_corp" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "tgw_rtb_orders_site_corp_tgw_attach_orders" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_orders.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders_site_corp.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_orders_site_corp_tgw_attach_orders_dx_corp" {
  transit_gateway_attachment_id  = data.aws_ec2_transit_gateway_dx_gateway_attachment.tgw_attach_orders_dx_corp.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders_site_corp.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_orders_site_corp_tgw_attach_orders_vpn_corp" {
  transit_gateway_attachment_id  = aws_vpn_connection.vpn_orders_corp.transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_orders_site_corp.id
}

resource "aws_customer_gateway" "cgw_orders_corp" {
  type       = "ipsec.1"
  ip_address = var.cgw_orders_corp_ip_address
  bgp_asn    = "65010"
  tags = {
    Name = "cgw-orders-corp"
  }
}

resource "aws_vpn_connection" "vpn_orders_corp" {
  type                = "ipsec.1"
  customer_gateway_id = aws_customer_gateway.cgw_orders_corp.id
  transit_gateway_id  = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  static_routes_only  = false
  tunnel1_inside_cidr = "169.254.100.0/30"
  tunnel2_inside_cidr = "169.254.100.4/30"
  tags = {
    Name = "vpn-orders-corp"
  }
}

resource "aws_dx_gateway" "dxgw_orders_corp" {
  name            = "dxgw-orders-corp"
  amazon_side_asn = "64513"
}

resource "aws_dx_gateway_association" "dxgw_orders_corp" {
  dx_gateway_id         = aws_dx_gateway.dxgw_orders_corp.id
  associated_gateway_id = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  allowed_prefixes      = ["10.30.0.0/16"]
}

data "aws_ec2_transit_gateway_dx_gateway_attachment" "tgw_attach_orders_dx_corp" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_orders_us_east_1.id
  dx_gateway_id      = aws_dx_gateway.dxgw_orders_corp.id
  depends_on         = [aws_dx_gateway_association.dxgw_orders_corp]
}
