data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_portal_hub" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "portal-hub"
  }
}

resource "aws_subnet" "subnet_portal_hub_public_a" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.64/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-public-a"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_public_a" {
  subnet_id      = aws_subnet.subnet_portal_hub_public_a.id
  route_table_id = aws_route_table.rtb_portal_hub_public_a.id
}

resource "aws_subnet" "subnet_portal_hub_public_b" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.80/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-public-b"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_public_b" {
  subnet_id      = aws_subnet.subnet_portal_hub_public_b.id
  route_table_id = aws_route_table.rtb_portal_hub_public_b.id
}

resource "aws_subnet" "subnet_portal_hub_transit_a" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.96/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-transit-a"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_transit_a" {
  subnet_id      = aws_subnet.subnet_portal_hub_transit_a.id
  route_table_id = aws_route_table.rtb_portal_hub_transit_a.id
}

resource "aws_subnet" "subnet_portal_hub_transit_b" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.112/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-transit-b"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_transit_b" {
  subnet_id      = aws_subnet.subnet_portal_hub_transit_b.id
  route_table_id = aws_route_table.rtb_portal_hub_transit_b.id
}

resource "aws_subnet" "subnet_portal_hub_firewall_a" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-firewall-a"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_firewall_a" {
  subnet_id      = aws_subnet.subnet_portal_hub_firewall_a.id
  route_table_id = aws_route_table.rtb_portal_hub_firewall_a.id
}

resource "aws_subnet" "subnet_portal_hub_firewall_b" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-firewall-b"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_firewall_b" {
  subnet_id      = aws_subnet.subnet_portal_hub_firewall_b.id
  route_table_id = aws_route_table.rtb_portal_hub_firewall_b.id
}

resource "aws_subnet" "subnet_portal_hub_inspection_a" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-inspection-a"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_inspection_a" {
  subnet_id      = aws_subnet.subnet_portal_hub_inspection_a.id
  route_table_id = aws_route_table.rtb_portal_hub_private_a.id
}

resource "aws_subnet" "subnet_portal_hub_inspection_b" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-inspection-b"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_inspection_b" {
  subnet_id      = aws_subnet.subnet_portal_hub_inspection_b.id
  route_table_id = aws_route_table.rtb_portal_hub_private_b.id
}

resource "aws_subnet" "subnet_portal_hub_endpoints_a" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.160/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-endpoints-a"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_endpoints_a" {
  subnet_id      = aws_subnet.subnet_portal_hub_endpoints_a.id
  route_table_id = aws_route_table.rtb_portal_hub_private_a.id
}

resource "aws_subnet" "subnet_portal_hub_endpoints_b" {
  vpc_id                  = aws_vpc.vpc_portal_hub.id
  cidr_block              = "10.0.0.176/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-hub-endpoints-b"
  }
}

resource "aws_route_table_association" "subnet_portal_hub_endpoints_b" {
  subnet_id      = aws_subnet.subnet_portal_hub_endpoints_b.id
  route_table_id = aws_route_table.rtb_portal_hub_private_b.id
}

resource "aws_internet_gateway" "igw_portal_hub" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub"
  }
}

resource "aws_eip" "nat_portal_hub_a" {
  domain = "vpc"
  tags = {
    Name = "nat-portal-hub-a"
  }
  depends_on = [aws_internet_gateway.igw_portal_hub]
}

resource "aws_nat_gateway" "nat_portal_hub_a" {
  allocation_id = aws_eip.nat_portal_hub_a.id
  subnet_id     = aws_subnet.subnet_portal_hub_public_a.id
  tags = {
    Name = "nat-portal-hub-a"
  }
  depends_on = [aws_internet_gateway.igw_portal_hub]
}

resource "aws_eip" "nat_portal_hub_b" {
  domain = "vpc"
  tags = {
    Name = "nat-portal-hub-b"
  }
  depends_on = [aws_internet_gateway.igw_portal_hub]
}

resource "aws_nat_gateway" "nat_portal_hub_b" {
  allocation_id = aws_eip.nat_portal_hub_b.id
  subnet_id     = aws_subnet.subnet_portal_hub_public_b.id
  tags = {
    Name = "nat-portal-hub-b"
  }
  depends_on = [aws_internet_gateway.igw_portal_hub]
}

resource "aws_route_table" "rtb_portal_hub_private_a" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-private-a"
  }
}

resource "aws_route" "rtb_portal_hub_private_a_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_portal_hub_a.id
}

resource "aws_route" "rtb_portal_hub_private_a_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_a.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route" "rtb_portal_hub_private_a_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_a.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route_table" "rtb_portal_hub_private_b" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-private-b"
  }
}

resource "aws_route" "rtb_portal_hub_private_b_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_portal_hub_b.id
}

resource "aws_route" "rtb_portal_hub_private_b_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_b.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route" "rtb_portal_hub_private_b_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_private_b.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route_table" "rtb_portal_hub_transit_a" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-transit-a"
  }
}

resource "aws_route" "rtb_portal_hub_transit_a_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_transit_a.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_a.id
}

resource "aws_route_table" "rtb_portal_hub_transit_b" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-transit-b"
  }
}

resource "aws_route" "rtb_portal_hub_transit_b_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_transit_b.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_b.id
}

resource "aws_route_table" "rtb_portal_hub_firewall_a" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-firewall-a"
  }
}

resource "aws_route" "rtb_portal_hub_firewall_a_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_portal_hub_a.id
}

resource "aws_route" "rtb_portal_hub_firewall_a_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_a.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route" "rtb_portal_hub_firewall_a_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_a.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route_table" "rtb_portal_hub_firewall_b" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-firewall-b"
  }
}

resource "aws_route" "rtb_portal_hub_firewall_b_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_portal_hub_b.id
}

resource "aws_route" "rtb_portal_hub_firewall_b_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_b.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route" "rtb_portal_hub_firewall_b_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_firewall_b.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub]
}

resource "aws_route_table" "rtb_portal_hub_public_a" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-public-a"
  }
}

resource "aws_route" "rtb_portal_hub_public_a_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_a.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_portal_hub.id
}

resource "aws_route" "rtb_portal_hub_public_a_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_a.id
  destination_cidr_block = "10.1.0.0/16"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_a.id
}

resource "aws_route" "rtb_portal_hub_public_a_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_a.id
  destination_cidr_block = "10.2.0.0/16"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_a.id
}

resource "aws_route_table" "rtb_portal_hub_public_b" {
  vpc_id = aws_vpc.vpc_portal_hub.id
  tags = {
    Name = "portal-hub-public-b"
  }
}

resource "aws_route" "rtb_portal_hub_public_b_1" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_b.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_portal_hub.id
}

resource "aws_route" "rtb_portal_hub_public_b_2" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_b.id
  destination_cidr_block = "10.1.0.0/16"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_b.id
}

resource "aws_route" "rtb_portal_hub_public_b_3" {
  route_table_id         = aws_route_table.rtb_portal_hub_public_b.id
  destination_cidr_block = "10.2.0.0/16"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_hub_b.id
}

resource "aws_vpc_endpoint" "vpce_portal_hub_s3" {
  vpc_id            = aws_vpc.vpc_portal_hub.id
  service_name      = "com.amazonaws.us-west-2.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_portal_hub_private_a.id, aws_route_table.rtb_portal_hub_private_b.id]
}

resource "aws_vpc_endpoint" "vpce_portal_hub_ecr_api" {
  vpc_id              = aws_vpc.vpc_portal_hub.id
  service_name        = "com.amazonaws.us-west-2.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  security_group_ids  = [aws_security_group.sg_portal_hub_endpoints.id]
  private_dns_enabled = false
}

resource "aws_vpc_endpoint" "vpce_portal_hub_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_portal_hub.id
  service_name        = "com.amazonaws.us-west-2.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  security_group_ids  = [aws_security_group.sg_portal_hub_endpoints.id]
  private_dns_enabled = false
}

resource "aws_vpc_endpoint" "vpce_portal_hub_logs" {
  vpc_id              = aws_vpc.vpc_portal_hub.id
  service_name        = "com.amazonaws.us-west-2.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  security_group_ids  = [aws_security_group.sg_portal_hub_endpoints.id]
  private_dns_enabled = false
}

resource "aws_vpc_endpoint" "vpce_portal_hub_sts" {
  vpc_id              = aws_vpc.vpc_portal_hub.id
  service_name        = "com.amazonaws.us-west-2.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  security_group_ids  = [aws_security_group.sg_portal_hub_endpoints.id]
  private_dns_enabled = false
}

resource "aws_vpc_endpoint" "vpce_portal_hub_secretsmanager" {
  vpc_id              = aws_vpc.vpc_portal_hub.id
  service_name        = "com.amazonaws.us-west-2.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  security_group_ids  = [aws_security_group.sg_portal_hub_endpoints.id]
  private_dns_enabled = false
}

resource "aws_cloudwatch_log_group" "fl_portal_hub" {
  name              = "/netwright/portal-hub/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_portal_hub" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_portal_hub" {
  role   = aws_iam_role.fl_portal_hub.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_portal_hub.arn}:*" }] })
}

resource "aws_flow_log" "fl_portal_hub" {
  vpc_id                   = aws_vpc.vpc_portal_hub.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_portal_hub.arn
  iam_role_arn             = aws_iam_role.fl_portal_hub.arn
  max_aggregation_interval = 60
}

resource "aws_vpc" "vpc_portal" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "portal"
  }
}

resource "aws_subnet" "subnet_portal_public_a" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-public-a"
  }
}

resource "aws_route_table_association" "subnet_portal_public_a" {
  subnet_id      = aws_subnet.subnet_portal_public_a.id
  route_table_id = aws_route_table.rtb_portal_public_a.id
}

resource "aws_subnet" "subnet_portal_public_b" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-public-b"
  }
}

resource "aws_route_table_association" "subnet_portal_public_b" {
  subnet_id      = aws_subnet.subnet_portal_public_b.id
  route_table_id = aws_route_table.rtb_portal_public_b.id
}

resource "aws_subnet" "subnet_portal_transit_a" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-transit-a"
  }
}

resource "aws_route_table_association" "subnet_portal_transit_a" {
  subnet_id      = aws_subnet.subnet_portal_transit_a.id
  route_table_id = aws_route_table.rtb_portal_transit.id
}

resource "aws_subnet" "subnet_portal_transit_b" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-transit-b"
  }
}

resource "aws_route_table_association" "subnet_portal_transit_b" {
  subnet_id      = aws_subnet.subnet_portal_transit_b.id
  route_table_id = aws_route_table.rtb_portal_transit.id
}

resource "aws_subnet" "subnet_portal_firewall_a" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.160/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-firewall-a"
  }
}

resource "aws_route_table_association" "subnet_portal_firewall_a" {
  subnet_id      = aws_subnet.subnet_portal_firewall_a.id
  route_table_id = aws_route_table.rtb_portal_firewall.id
}

resource "aws_subnet" "subnet_portal_firewall_b" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.176/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-firewall-b"
  }
}

resource "aws_route_table_association" "subnet_portal_firewall_b" {
  subnet_id      = aws_subnet.subnet_portal_firewall_b.id
  route_table_id = aws_route_table.rtb_portal_firewall.id
}

resource "aws_subnet" "subnet_portal_app_a" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-app-a"
  }
}

resource "aws_route_table_association" "subnet_portal_app_a" {
  subnet_id      = aws_subnet.subnet_portal_app_a.id
  route_table_id = aws_route_table.rtb_portal_private.id
}

resource "aws_subnet" "subnet_portal_app_b" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.96/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-app-b"
  }
}

resource "aws_route_table_association" "subnet_portal_app_b" {
  subnet_id      = aws_subnet.subnet_portal_app_b.id
  route_table_id = aws_route_table.rtb_portal_private.id
}

resource "aws_subnet" "subnet_portal_data_a" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.192/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-data-a"
  }
}

resource "aws_route_table_association" "subnet_portal_data_a" {
  subnet_id      = aws_subnet.subnet_portal_data_a.id
  route_table_id = aws_route_table.rtb_portal_data.id
}

resource "aws_subnet" "subnet_portal_data_b" {
  vpc_id                  = aws_vpc.vpc_portal.id
  cidr_block              = "10.1.0.208/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-data-b"
  }
}

resource "aws_route_table_association" "subnet_portal_data_b" {
  subnet_id      = aws_subnet.subnet_portal_data_b.id
  route_table_id = aws_route_table.rtb_portal_data.id
}

resource "aws_internet_gateway" "igw_portal" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal"
  }
}

resource "aws_route_table" "rtb_portal_private" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-private"
  }
}

resource "aws_route" "rtb_portal_private_1" {
  route_table_id         = aws_route_table.rtb_portal_private.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal]
}

resource "aws_route" "rtb_portal_private_2" {
  route_table_id         = aws_route_table.rtb_portal_private.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal]
}

resource "aws_route" "rtb_portal_private_3" {
  route_table_id         = aws_route_table.rtb_portal_private.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal]
}

resource "aws_route_table" "rtb_portal_data" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-data"
  }
}

resource "aws_route" "rtb_portal_data_1" {
  route_table_id         = aws_route_table.rtb_portal_data.id
  destination_cidr_block = "10.2.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal]
}

resource "aws_route_table" "rtb_portal_transit" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-transit"
  }
}

resource "aws_route_table" "rtb_portal_firewall" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-firewall"
  }
}

resource "aws_route" "rtb_portal_firewall_1" {
  route_table_id         = aws_route_table.rtb_portal_firewall.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_portal.id
}

resource "aws_route_table" "rtb_portal_public_a" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-public-a"
  }
}

resource "aws_route" "rtb_portal_public_a_1" {
  route_table_id         = aws_route_table.rtb_portal_public_a.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_a.id
}

resource "aws_route_table" "rtb_portal_public_b" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-public-b"
  }
}

resource "aws_route" "rtb_portal_public_b_1" {
  route_table_id         = aws_route_table.rtb_portal_public_b.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_b.id
}

resource "aws_route_table" "rtb_portal_edge" {
  vpc_id = aws_vpc.vpc_portal.id
  tags = {
    Name = "portal-edge"
  }
}

resource "aws_route_table_association" "rtb_portal_edge_edge" {
  gateway_id     = aws_internet_gateway.igw_portal.id
  route_table_id = aws_route_table.rtb_portal_edge.id
}

resource "aws_route" "rtb_portal_edge_1" {
  route_table_id         = aws_route_table.rtb_portal_edge.id
  destination_cidr_block = "10.1.0.0/27"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_a.id
}

resource "aws_route" "rtb_portal_edge_2" {
  route_table_id         = aws_route_table.rtb_portal_edge.id
  destination_cidr_block = "10.1.0.32/27"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlbe_portal_b.id
}

resource "aws_vpc_endpoint" "vpce_portal_s3" {
  vpc_id            = aws_vpc.vpc_portal.id
  service_name      = "com.amazonaws.us-west-2.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_portal_private.id, aws_route_table.rtb_portal_data.id]
}

resource "aws_cloudwatch_log_group" "fl_portal" {
  name              = "/netwright/portal/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_portal" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_portal" {
  role   = aws_iam_role.fl_portal.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_portal.arn}:*" }] })
}

resource "aws_flow_log" "fl_portal" {
  vpc_id                   = aws_vpc.vpc_portal.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_portal.arn
  iam_role_arn             = aws_iam_role.fl_portal.arn
  max_aggregation_interval = 60
}

resource "aws_vpc" "vpc_portal_shared" {
  cidr_block           = "10.2.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "portal-shared"
  }
}

resource "aws_subnet" "subnet_portal_shared_transit_a" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-transit-a"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_transit_a" {
  subnet_id      = aws_subnet.subnet_portal_shared_transit_a.id
  route_table_id = aws_route_table.rtb_portal_shared_transit.id
}

resource "aws_subnet" "subnet_portal_shared_transit_b" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-transit-b"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_transit_b" {
  subnet_id      = aws_subnet.subnet_portal_shared_transit_b.id
  route_table_id = aws_route_table.rtb_portal_shared_transit.id
}

resource "aws_subnet" "subnet_portal_shared_app_a" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.32/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-app-a"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_app_a" {
  subnet_id      = aws_subnet.subnet_portal_shared_app_a.id
  route_table_id = aws_route_table.rtb_portal_shared_private.id
}

resource "aws_subnet" "subnet_portal_shared_app_b" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.48/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-app-b"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_app_b" {
  subnet_id      = aws_subnet.subnet_portal_shared_app_b.id
  route_table_id = aws_route_table.rtb_portal_shared_private.id
}

resource "aws_subnet" "subnet_portal_shared_data_a" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.64/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-data-a"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_data_a" {
  subnet_id      = aws_subnet.subnet_portal_shared_data_a.id
  route_table_id = aws_route_table.rtb_portal_shared_data.id
}

resource "aws_subnet" "subnet_portal_shared_data_b" {
  vpc_id                  = aws_vpc.vpc_portal_shared.id
  cidr_block              = "10.2.0.80/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "portal-shared-data-b"
  }
}

resource "aws_route_table_association" "subnet_portal_shared_data_b" {
  subnet_id      = aws_subnet.subnet_portal_shared_data_b.id
  route_table_id = aws_route_table.rtb_portal_shared_data.id
}

resource "aws_route_table" "rtb_portal_shared_private" {
  vpc_id = aws_vpc.vpc_portal_shared.id
  tags = {
    Name = "portal-shared-private"
  }
}

resource "aws_route" "rtb_portal_shared_private_1" {
  route_table_id         = aws_route_table.rtb_portal_shared_private.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared]
}

resource "aws_route" "rtb_portal_shared_private_2" {
  route_table_id         = aws_route_table.rtb_portal_shared_private.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared]
}

resource "aws_route" "rtb_portal_shared_private_3" {
  route_table_id         = aws_route_table.rtb_portal_shared_private.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared]
}

resource "aws_route_table" "rtb_portal_shared_data" {
  vpc_id = aws_vpc.vpc_portal_shared.id
  tags = {
    Name = "portal-shared-data"
  }
}

resource "aws_route" "rtb_portal_shared_data_1" {
  route_table_id         = aws_route_table.rtb_portal_shared_data.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared]
}

resource "aws_route_table" "rtb_portal_shared_transit" {
  vpc_id = aws_vpc.vpc_portal_shared.id
  tags = {
    Name = "portal-shared-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_portal_shared_s3" {
  vpc_id            = aws_vpc.vpc_portal_shared.id
  service_name      = "com.amazonaws.us-west-2.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_portal_shared_private.id, aws_route_table.rtb_portal_shared_data.id]
}

resource "aws_cloudwatch_log_group" "fl_portal_shared" {
  name              = "/netwright/portal-shared/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_portal_shared" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_portal_shared" {
  role   = aws_iam_role.fl_portal_shared.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_portal_shared.arn}:*" }] })
}

resource "aws_flow_log" "fl_portal_shared" {
  vpc_id                   = aws_vpc.vpc_portal_shared.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_portal_shared.arn
  iam_role_arn             = aws_iam_role.fl_portal_shared.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_portal_app" {
  vpc_id     = aws_vpc.vpc_portal.id
  subnet_ids = [aws_subnet.subnet_portal_app_a.id, aws_subnet.subnet_portal_app_b.id]
  tags = {
    Name = "portal-app"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_portal_app_in_100" {
  network_acl_id = aws_network_acl.acl_portal_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_app_out_100" {
  network_acl_id = aws_network_acl.acl_portal_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_app_out_110" {
  network_acl_id = aws_network_acl.acl_portal_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_app_out_120" {
  network_acl_id = aws_network_acl.acl_portal_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.192/27"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_portal_app_out_130" {
  network_acl_id = aws_network_acl.acl_portal_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.32/27"
  from_port      = 8443
  to_port        = 8443
}

resource "aws_network_acl" "acl_portal_data" {
  vpc_id     = aws_vpc.vpc_portal.id
  subnet_ids = [aws_subnet.subnet_portal_data_a.id, aws_subnet.subnet_portal_data_b.id]
  tags = {
    Name = "portal-data"
  }
}

resource "aws_network_acl_rule" "acl_portal_data_in_100" {
  network_acl_id = aws_network_acl.acl_portal_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_portal_data_out_100" {
  network_acl_id = aws_network_acl.acl_portal_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_firewall" {
  vpc_id     = aws_vpc.vpc_portal.id
  subnet_ids = [aws_subnet.subnet_portal_firewall_a.id, aws_subnet.subnet_portal_firewall_b.id]
  tags = {
    Name = "portal-firewall"
  }
}

# trivy:ignore:AVD-AWS-0102 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
# trivy:ignore:AVD-AWS-0105 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
resource "aws_network_acl_rule" "acl_portal_firewall_in_100" {
  # checkov:skip=CKV_AWS_352:GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
  network_acl_id = aws_network_acl.acl_portal_firewall.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
# trivy:ignore:AVD-AWS-0105 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
resource "aws_network_acl_rule" "acl_portal_firewall_out_100" {
  # checkov:skip=CKV_AWS_352:GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
  network_acl_id = aws_network_acl.acl_portal_firewall.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_portal_hub_endpoints" {
  vpc_id     = aws_vpc.vpc_portal_hub.id
  subnet_ids = [aws_subnet.subnet_portal_hub_endpoints_a.id, aws_subnet.subnet_portal_hub_endpoints_b.id]
  tags = {
    Name = "portal-hub-endpoints"
  }
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_in_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_in_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_in_120" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.32/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_out_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_out_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_endpoints_out_120" {
  network_acl_id = aws_network_acl.acl_portal_hub_endpoints.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.32/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_hub_firewall" {
  vpc_id     = aws_vpc.vpc_portal_hub.id
  subnet_ids = [aws_subnet.subnet_portal_hub_firewall_a.id, aws_subnet.subnet_portal_hub_firewall_b.id]
  tags = {
    Name = "portal-hub-firewall"
  }
}

# trivy:ignore:AVD-AWS-0102 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
# trivy:ignore:AVD-AWS-0105 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
resource "aws_network_acl_rule" "acl_portal_hub_firewall_in_100" {
  # checkov:skip=CKV_AWS_352:GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
  network_acl_id = aws_network_acl.acl_portal_hub_firewall.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
# trivy:ignore:AVD-AWS-0105 GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
resource "aws_network_acl_rule" "acl_portal_hub_firewall_out_100" {
  # checkov:skip=CKV_AWS_352:GWLB endpoint subnets carry every inspected flow to the appliances, which filter it; the flows' own subnets filter them as well
  network_acl_id = aws_network_acl.acl_portal_hub_firewall.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_portal_hub_inspection" {
  vpc_id     = aws_vpc.vpc_portal_hub.id
  subnet_ids = [aws_subnet.subnet_portal_hub_inspection_a.id, aws_subnet.subnet_portal_hub_inspection_b.id]
  tags = {
    Name = "portal-hub-inspection"
  }
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_in_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 80
  to_port        = 80
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_portal_hub_inspection_in_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_in_120" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 120
  egress         = false
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_out_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_out_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_out_120" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_inspection_out_130" {
  network_acl_id = aws_network_acl.acl_portal_hub_inspection.id
  rule_number    = 130
  egress         = true
  protocol       = "udp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_hub_public" {
  vpc_id     = aws_vpc.vpc_portal_hub.id
  subnet_ids = [aws_subnet.subnet_portal_hub_public_a.id, aws_subnet.subnet_portal_hub_public_b.id]
  tags = {
    Name = "portal-hub-public"
  }
}

resource "aws_network_acl_rule" "acl_portal_hub_public_in_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_portal_hub_public_in_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_hub_public_out_100" {
  network_acl_id = aws_network_acl.acl_portal_hub_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_hub_public_out_110" {
  network_acl_id = aws_network_acl.acl_portal_hub_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_hub_transit" {
  vpc_id     = aws_vpc.vpc_portal_hub.id
  subnet_ids = [aws_subnet.subnet_portal_hub_transit_a.id, aws_subnet.subnet_portal_hub_transit_b.id]
  tags = {
    Name = "portal-hub-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_hub_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_hub_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_hub_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_hub_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_portal_public" {
  vpc_id     = aws_vpc.vpc_portal.id
  subnet_ids = [aws_subnet.subnet_portal_public_a.id, aws_subnet.subnet_portal_public_b.id]
  tags = {
    Name = "portal-public"
  }
}

resource "aws_network_acl_rule" "acl_portal_public_in_100" {
  network_acl_id = aws_network_acl.acl_portal_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_portal_public_in_110" {
  network_acl_id = aws_network_acl.acl_portal_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_public_in_120" {
  network_acl_id = aws_network_acl.acl_portal_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_public_out_100" {
  network_acl_id = aws_network_acl.acl_portal_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_shared_app" {
  vpc_id     = aws_vpc.vpc_portal_shared.id
  subnet_ids = [aws_subnet.subnet_portal_shared_app_a.id, aws_subnet.subnet_portal_shared_app_b.id]
  tags = {
    Name = "portal-shared-app"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_portal_shared_app_in_100" {
  network_acl_id = aws_network_acl.acl_portal_shared_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_shared_app_out_100" {
  network_acl_id = aws_network_acl.acl_portal_shared_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_portal_shared_app_out_110" {
  network_acl_id = aws_network_acl.acl_portal_shared_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_portal_shared_app_out_120" {
  network_acl_id = aws_network_acl.acl_portal_shared_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.64/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_portal_shared_data" {
  vpc_id     = aws_vpc.vpc_portal_shared.id
  subnet_ids = [aws_subnet.subnet_portal_shared_data_a.id, aws_subnet.subnet_portal_shared_data_b.id]
  tags = {
    Name = "portal-shared-data"
  }
}

resource "aws_network_acl_rule" "acl_portal_shared_data_in_100" {
  network_acl_id = aws_network_acl.acl_portal_shared_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.32/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_portal_shared_data_out_100" {
  network_acl_id = aws_network_acl.acl_portal_shared_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.2.0.32/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_portal_shared_transit" {
  vpc_id     = aws_vpc.vpc_portal_shared.id
  subnet_ids = [aws_subnet.subnet_portal_shared_transit_a.id, aws_subnet.subnet_portal_shared_transit_b.id]
  tags = {
    Name = "portal-shared-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_shared_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_shared_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_shared_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_shared_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_portal_transit" {
  vpc_id     = aws_vpc.vpc_portal.id
  subnet_ids = [aws_subnet.subnet_portal_transit_a.id, aws_subnet.subnet_portal_transit_b.id]
  tags = {
    Name = "portal-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_portal_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  network_acl_id = aws_network_acl.acl_portal_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_route53_zone" "phz_api_ecr_us_west_2_amazonaws_com" {
  name    = "api.ecr.us-west-2.amazonaws.com"
  comment = "netwright: api.ecr.us-west-2.amazonaws.com through the interface endpoint vpce-portal-hub-ecr-api"
  vpc {
    vpc_id = aws_vpc.vpc_portal_hub.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal_shared.id
  }
}

resource "aws_route53_record" "phz_api_ecr_us_west_2_amazonaws_com_0" {
  zone_id = aws_route53_zone.phz_api_ecr_us_west_2_amazonaws_com.zone_id
  name    = "api.ecr.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_ecr_api.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_ecr_api.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_zone" "phz_dkr_ecr_us_west_2_amazonaws_com" {
  name    = "dkr.ecr.us-west-2.amazonaws.com"
  comment = "netwright: dkr.ecr.us-west-2.amazonaws.com through the interface endpoint vpce-portal-hub-ecr-dkr"
  vpc {
    vpc_id = aws_vpc.vpc_portal_hub.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal_shared.id
  }
}

resource "aws_route53_record" "phz_dkr_ecr_us_west_2_amazonaws_com_0" {
  zone_id = aws_route53_zone.phz_dkr_ecr_us_west_2_amazonaws_com.zone_id
  name    = "dkr.ecr.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_ecr_dkr.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_ecr_dkr.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "phz_dkr_ecr_us_west_2_amazonaws_com_1" {
  zone_id = aws_route53_zone.phz_dkr_ecr_us_west_2_amazonaws_com.zone_id
  name    = "*.dkr.ecr.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_ecr_dkr.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_ecr_dkr.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_zone" "phz_logs_us_west_2_amazonaws_com" {
  name    = "logs.us-west-2.amazonaws.com"
  comment = "netwright: logs.us-west-2.amazonaws.com through the interface endpoint vpce-portal-hub-logs"
  vpc {
    vpc_id = aws_vpc.vpc_portal_hub.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal_shared.id
  }
}

resource "aws_route53_record" "phz_logs_us_west_2_amazonaws_com_0" {
  zone_id = aws_route53_zone.phz_logs_us_west_2_amazonaws_com.zone_id
  name    = "logs.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_logs.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_logs.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_zone" "phz_sts_us_west_2_amazonaws_com" {
  name    = "sts.us-west-2.amazonaws.com"
  comment = "netwright: sts.us-west-2.amazonaws.com through the interface endpoint vpce-portal-hub-sts"
  vpc {
    vpc_id = aws_vpc.vpc_portal_hub.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal_shared.id
  }
}

resource "aws_route53_record" "phz_sts_us_west_2_amazonaws_com_0" {
  zone_id = aws_route53_zone.phz_sts_us_west_2_amazonaws_com.zone_id
  name    = "sts.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_sts.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_sts.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_zone" "phz_secretsmanager_us_west_2_amazonaws_com" {
  name    = "secretsmanager.us-west-2.amazonaws.com"
  comment = "netwright: secretsmanager.us-west-2.amazonaws.com through the interface endpoint vpce-portal-hub-secretsmanager"
  vpc {
    vpc_id = aws_vpc.vpc_portal_hub.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal.id
  }
  vpc {
    vpc_id = aws_vpc.vpc_portal_shared.id
  }
}

resource "aws_route53_record" "phz_secretsmanager_us_west_2_amazonaws_com_0" {
  zone_id = aws_route53_zone.phz_secretsmanager_us_west_2_amazonaws_com.zone_id
  name    = "secretsmanager.us-west-2.amazonaws.com"
  type    = "A"
  alias {
    name                   = aws_vpc_endpoint.vpce_portal_hub_secretsmanager.dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.vpce_portal_hub_secretsmanager.dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_ec2_transit_gateway" "tgw_portal_us_west_2" {
  amazon_side_asn                    = 64512
  default_route_table_association    = "disable"
  default_route_table_propagation    = "disable"
  security_group_referencing_support = "enable"
  tags = {
    Name = "tgw-portal-us-west-2"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_portal_hub" {
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  vpc_id                                          = aws_vpc.vpc_portal_hub.id
  subnet_ids                                      = [aws_subnet.subnet_portal_hub_transit_a.id, aws_subnet.subnet_portal_hub_transit_b.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  appliance_mode_support                          = "enable"
  security_group_referencing_support              = "enable"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_portal" {
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  vpc_id                                          = aws_vpc.vpc_portal.id
  subnet_ids                                      = [aws_subnet.subnet_portal_transit_a.id, aws_subnet.subnet_portal_transit_b.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  security_group_referencing_support              = "enable"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_portal_shared" {
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
  vpc_id                                          = aws_vpc.vpc_portal_shared.id
  subnet_ids                                      = [aws_subnet.subnet_portal_shared_transit_a.id, aws_subnet.subnet_portal_shared_transit_b.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  security_group_referencing_support              = "enable"
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_portal_hub" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_portal_hub_tgw_attach_portal_hub" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_hub.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_hub_0" {
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_hub.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_hub_1" {
  destination_cidr_block         = "10.2.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_hub.id
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_portal" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_portal_tgw_attach_portal" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_0" {
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_1" {
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_2" {
  destination_cidr_block         = "10.2.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal.id
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_portal_shared" {
  transit_gateway_id = aws_ec2_transit_gateway.tgw_portal_us_west_2.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_portal_shared_tgw_attach_portal_shared" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_shared.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_shared.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_shared_0" {
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_shared.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_shared_1" {
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal_hub.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_shared.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_portal_shared_2" {
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_portal.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_portal_shared.id
}
