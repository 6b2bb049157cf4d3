data "aws_availability_zones" "us_east_1" {
  provider = aws.us_east_1
  state    = "available"
}


resource "aws_vpc" "vpc_edge_us_east_1" {
  provider             = aws.us_east_1
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "edge-us-east-1"
  }
}

resource "aws_subnet" "subnet_edge_us_east_1_public_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-public-a"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_public_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_public_a.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_public.id
}

resource "aws_subnet" "subnet_edge_us_east_1_public_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-public-b"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_public_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_public_b.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_public.id
}

resource "aws_subnet" "subnet_edge_us_east_1_transit_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.128/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-transit-a"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_transit_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_transit_a.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_transit.id
}

resource "aws_subnet" "subnet_edge_us_east_1_transit_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.144/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-transit-b"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_transit_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_transit_b.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_transit.id
}

resource "aws_subnet" "subnet_edge_us_east_1_app_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.64/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-app-a"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_app_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_app_a.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_private.id
}

resource "aws_subnet" "subnet_edge_us_east_1_app_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.96/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-app-b"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_app_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_app_b.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_private.id
}

resource "aws_subnet" "subnet_edge_us_east_1_data_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.160/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-data-a"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_data_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_data_a.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_data.id
}

resource "aws_subnet" "subnet_edge_us_east_1_data_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_edge_us_east_1.id
  cidr_block              = "10.0.0.176/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-us-east-1-data-b"
  }
}

resource "aws_route_table_association" "subnet_edge_us_east_1_data_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_edge_us_east_1_data_b.id
  route_table_id = aws_route_table.rtb_edge_us_east_1_data.id
}

resource "aws_internet_gateway" "igw_edge_us_east_1" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1"
  }
}

resource "aws_route_table" "rtb_edge_us_east_1_public" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-public"
  }
}

resource "aws_route" "rtb_edge_us_east_1_public_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_edge_us_east_1_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_edge_us_east_1.id
}

resource "aws_route_table" "rtb_edge_us_east_1_private" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-private"
  }
}

resource "aws_route" "rtb_edge_us_east_1_private_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_edge_us_east_1_private.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_edge_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_us_east_1]
}

resource "aws_route_table" "rtb_edge_us_east_1_data" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-data"
  }
}

resource "aws_route" "rtb_edge_us_east_1_data_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_edge_us_east_1_data.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_edge_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_us_east_1]
}

resource "aws_route_table" "rtb_edge_us_east_1_transit" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_edge_us_east_1.id
  tags = {
    Name = "edge-us-east-1-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_s3" {
  provider          = aws.us_east_1
  vpc_id            = aws_vpc.vpc_edge_us_east_1.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_edge_us_east_1_private.id, aws_route_table.rtb_edge_us_east_1_data.id]
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_ecr_api" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_edge_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_ecr_dkr" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_edge_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_logs" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_edge_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_sts" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_edge_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_us_east_1_secretsmanager" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_edge_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_edge_us_east_1" {
  provider          = aws.us_east_1
  name              = "/netwright/edge-us-east-1/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_edge_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_edge_us_east_1" {
  provider = aws.us_east_1
  role     = aws_iam_role.fl_edge_us_east_1.id
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_edge_us_east_1.arn}:*" }] })
}

resource "aws_flow_log" "fl_edge_us_east_1" {
  provider                 = aws.us_east_1
  vpc_id                   = aws_vpc.vpc_edge_us_east_1.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_edge_us_east_1.arn
  iam_role_arn             = aws_iam_role.fl_edge_us_east_1.arn
  max_aggregation_interval = 60
}
data "aws_availability_zones" "ap_southeast_2" {
  provider = aws.ap_southeast_2
  state    = "available"
}


resource "aws_vpc" "vpc_edge_ap_southeast_2" {
  provider             = aws.ap_southeast_2
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "edge-ap-southeast-2"
  }
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_public_a" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.0/27"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-public-a"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_public_a" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_public_a.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_public.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_public_b" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.32/27"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-public-b"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_public_b" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_public_b.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_public.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_transit_a" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.128/28"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-transit-a"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_transit_a" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_transit_a.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_transit.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_transit_b" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.144/28"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-transit-b"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_transit_b" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_transit_b.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_transit.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_app_a" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.64/27"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-app-a"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_app_a" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_app_a.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_private.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_app_b" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.96/27"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-app-b"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_app_b" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_app_b.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_private.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_data_a" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.160/28"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-data-a"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_data_a" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_data_a.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_data.id
}

resource "aws_subnet" "subnet_edge_ap_southeast_2_data_b" {
  provider                = aws.ap_southeast_2
  vpc_id                  = aws_vpc.vpc_edge_ap_southeast_2.id
  cidr_block              = "10.1.0.176/28"
  availability_zone       = data.aws_availability_zones.ap_southeast_2.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "edge-ap-southeast-2-data-b"
  }
}

resource "aws_route_table_association" "subnet_edge_ap_southeast_2_data_b" {
  provider       = aws.ap_southeast_2
  subnet_id      = aws_subnet.subnet_edge_ap_southeast_2_data_b.id
  route_table_id = aws_route_table.rtb_edge_ap_southeast_2_data.id
}

resource "aws_internet_gateway" "igw_edge_ap_southeast_2" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2"
  }
}

resource "aws_route_table" "rtb_edge_ap_southeast_2_public" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-public"
  }
}

resource "aws_route" "rtb_edge_ap_southeast_2_public_1" {
  provider               = aws.ap_southeast_2
  route_table_id         = aws_route_table.rtb_edge_ap_southeast_2_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_edge_ap_southeast_2.id
}

resource "aws_route_table" "rtb_edge_ap_southeast_2_private" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-private"
  }
}

resource "aws_route" "rtb_edge_ap_southeast_2_private_1" {
  provider               = aws.ap_southeast_2
  route_table_id         = aws_route_table.rtb_edge_ap_southeast_2_private.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_edge_ap_southeast_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_ap_southeast_2]
}

resource "aws_route_table" "rtb_edge_ap_southeast_2_data" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-data"
  }
}

resource "aws_route" "rtb_edge_ap_southeast_2_data_1" {
  provider               = aws.ap_southeast_2
  route_table_id         = aws_route_table.rtb_edge_ap_southeast_2_data.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_edge_ap_southeast_2.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_ap_southeast_2]
}

resource "aws_route_table" "rtb_edge_ap_southeast_2_transit" {
  provider = aws.ap_southeast_2
  vpc_id   = aws_vpc.vpc_edge_ap_southeast_2.id
  tags = {
    Name = "edge-ap-southeast-2-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_s3" {
  provider          = aws.ap_southeast_2
  vpc_id            = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name      = "com.amazonaws.ap-southeast-2.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_edge_ap_southeast_2_private.id, aws_route_table.rtb_edge_ap_southeast_2_data.id]
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_ecr_api" {
  provider            = aws.ap_southeast_2
  vpc_id              = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name        = "com.amazonaws.ap-southeast-2.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_ap_southeast_2_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_ecr_dkr" {
  provider            = aws.ap_southeast_2
  vpc_id              = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name        = "com.amazonaws.ap-southeast-2.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_ap_southeast_2_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_logs" {
  provider            = aws.ap_southeast_2
  vpc_id              = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name        = "com.amazonaws.ap-southeast-2.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_ap_southeast_2_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_sts" {
  provider            = aws.ap_southeast_2
  vpc_id              = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name        = "com.amazonaws.ap-southeast-2.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_ap_southeast_2_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_edge_ap_southeast_2_secretsmanager" {
  provider            = aws.ap_southeast_2
  vpc_id              = aws_vpc.vpc_edge_ap_southeast_2.id
  service_name        = "com.amazonaws.ap-southeast-2.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  security_group_ids  = [aws_security_group.sg_edge_ap_southeast_2_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_edge_ap_southeast_2" {
  provider          = aws.ap_southeast_2
  name              = "/netwright/edge-ap-southeast-2/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_edge_ap_southeast_2" {
  provider           = aws.ap_southeast_2
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_edge_ap_southeast_2" {
  provider = aws.ap_southeast_2
  role     = aws_iam_role.fl_edge_ap_southeast_2.id
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_edge_ap_southeast_2.arn}:*" }] })
}

resource "aws_flow_log" "fl_edge_ap_southeast_2" {
  provider                 = aws.ap_southeast_2
  vpc_id                   = aws_vpc.vpc_edge_ap_southeast_2.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_edge_ap_southeast_2.arn
  iam_role_arn             = aws_iam_role.fl_edge_ap_southeast_2.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_edge_ap_southeast_2_app" {
  provider   = aws.ap_southeast_2
  vpc_id     = aws_vpc.vpc_edge_ap_southeast_2.id
  subnet_ids = [aws_subnet.subnet_edge_ap_southeast_2_app_a.id, aws_subnet.subnet_edge_ap_southeast_2_app_b.id]
  tags = {
    Name = "edge-ap-southeast-2-app"
  }
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_app_in_100" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_app_in_110" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_app_out_100" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_app_out_110" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_edge_ap_southeast_2_data" {
  provider   = aws.ap_southeast_2
  vpc_id     = aws_vpc.vpc_edge_ap_southeast_2.id
  subnet_ids = [aws_subnet.subnet_edge_ap_southeast_2_data_a.id, aws_subnet.subnet_edge_ap_southeast_2_data_b.id]
  tags = {
    Name = "edge-ap-southeast-2-data"
  }
}

resource "aws_network_acl" "acl_edge_ap_southeast_2_public" {
  provider   = aws.ap_southeast_2
  vpc_id     = aws_vpc.vpc_edge_ap_southeast_2.id
  subnet_ids = [aws_subnet.subnet_edge_ap_southeast_2_public_a.id, aws_subnet.subnet_edge_ap_southeast_2_public_b.id]
  tags = {
    Name = "edge-ap-southeast-2-public"
  }
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_public_in_100" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_public_in_110" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_public_in_120" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_public_out_100" {
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_edge_ap_southeast_2_transit" {
  provider   = aws.ap_southeast_2
  vpc_id     = aws_vpc.vpc_edge_ap_southeast_2.id
  subnet_ids = [aws_subnet.subnet_edge_ap_southeast_2_transit_a.id, aws_subnet.subnet_edge_ap_southeast_2_transit_b.id]
  tags = {
    Name = "edge-ap-southeast-2-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_edge_ap_southeast_2_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.ap_southeast_2
  network_acl_id = aws_network_acl.acl_edge_ap_southeast_2_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_edge_us_east_1_app" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_edge_us_east_1.id
  subnet_ids = [aws_subnet.subnet_edge_us_east_1_app_a.id, aws_subnet.subnet_edge_us_east_1_app_b.id]
  tags = {
    Name = "edge-us-east-1-app"
  }
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_app_in_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_edge_us_east_1_app_in_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_app_out_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_app_out_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_edge_us_east_1_data" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_edge_us_east_1.id
  subnet_ids = [aws_subnet.subnet_edge_us_east_1_data_a.id, aws_subnet.subnet_edge_us_east_1_data_b.id]
  tags = {
    Name = "edge-us-east-1-data"
  }
}

resource "aws_network_acl" "acl_edge_us_east_1_public" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_edge_us_east_1.id
  subnet_ids = [aws_subnet.subnet_edge_us_east_1_public_a.id, aws_subnet.subnet_edge_us_east_1_public_b.id]
  tags = {
    Name = "edge-us-east-1-public"
  }
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_public_in_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_public_in_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_public_in_120" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_edge_us_east_1_public_out_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_edge_us_east_1_transit" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_edge_us_east_1.id
  subnet_ids = [aws_subnet.subnet_edge_us_east_1_transit_a.id, aws_subnet.subnet_edge_us_east_1_transit_b.id]
  tags = {
    Name = "edge-us-east-1-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_edge_us_east_1_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_edge_us_east_1_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_edge_us_east_1_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_ec2_transit_gateway" "tgw_edge_us_east_1" {
  provider                        = aws.us_east_1
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags = {
    Name = "tgw-edge-us-east-1"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_edge_us_east_1" {
  provider                                        = aws.us_east_1
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_edge_us_east_1.id
  vpc_id                                          = aws_vpc.vpc_edge_us_east_1.id
  subnet_ids                                      = [aws_subnet.subnet_edge_us_east_1_transit_a.id, aws_subnet.subnet_edge_us_east_1_transit_b.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_edge_us_east_1" {
  provider           = aws.us_east_1
  transit_gateway_id = aws_ec2_transit_gateway.tgw_edge_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_edge_us_east_1_tgw_attach_edge_us_east_1" {
  provider                       = aws.us_east_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_us_east_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_edge_us_east_1_tgw_peer_us_east_1_ap_southeast_2" {
  provider                       = aws.us_east_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_us_east_1.id
  depends_on                     = [aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_ap_southeast_2]
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_edge_us_east_1_0" {
  provider                       = aws.us_east_1
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_us_east_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_us_east_1.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_edge_us_east_1_1" {
  provider                       = aws.us_east_1
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_us_east_1.id
  depends_on                     = [aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_ap_southeast_2]
}

resource "aws_ec2_transit_gateway" "tgw_edge_ap_southeast_2" {
  provider                        = aws.ap_southeast_2
  amazon_side_asn                 = 64513
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags = {
    Name = "tgw-edge-ap-southeast-2"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_edge_ap_southeast_2" {
  provider                                        = aws.ap_southeast_2
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_edge_ap_southeast_2.id
  vpc_id                                          = aws_vpc.vpc_edge_ap_southeast_2.id
  subnet_ids                                      = [aws_subnet.subnet_edge_ap_southeast_2_transit_a.id, aws_subnet.subnet_edge_ap_southeast_2_transit_b.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_edge_ap_southeast_2" {
  provider           = aws.ap_southeast_2
  transit_gateway_id = aws_ec2_transit_gateway.tgw_edge_ap_southeast_2.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_edge_ap_southeast_2_tgw_attach_edge_ap_southeast_2" {
  provider                       = aws.ap_southeast_2
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_ap_southeast_2.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_edge_ap_southeast_2_tgw_peer_us_east_1_ap_southeast_2" {
  provider                       = aws.ap_southeast_2
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_ap_southeast_2.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_edge_ap_southeast_2_0" {
  provider                       = aws.ap_southeast_2
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_edge_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_ap_southeast_2.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_edge_ap_southeast_2_1" {
  provider                       = aws.ap_southeast_2
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_ap_southeast_2.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_edge_ap_southeast_2.id
}

resource "aws_ec2_transit_gateway_peering_attachment" "tgw_peer_us_east_1_ap_southeast_2" {
  provider                = aws.us_east_1
  transit_gateway_id      = aws_ec2_transit_gateway.tgw_edge_us_east_1.id
  peer_transit_gateway_id = aws_ec2_transit_gateway.tgw_edge_ap_southeast_2.id
  peer_region             = "ap-southeast-2"
  tags = {
    Name = "tgw-peer-us-east-1-ap-southeast-2"
  }
}

resource "aws_ec2_transit_gateway_peering_attachment_accepter" "tgw_peer_us_east_1_ap_southeast_2" {
  provider                      = aws.ap_southeast_2
  transit_gateway_attachment_id = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_ap_southeast_2.id
  tags = {
    Name = "tgw-peer-us-east-1-ap-southeast-2"
  }
}
