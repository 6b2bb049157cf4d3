data "aws_availability_zones" "us_east_1" {
  provider = aws.us_east_1
  state    = "available"
}


resource "aws_vpc" "vpc_pay_us_east_1" {
  provider             = aws.us_east_1
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "pay-us-east-1"
  }
}

resource "aws_subnet" "subnet_pay_us_east_1_public_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.0/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-public-a"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_public_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_public_a.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_public.id
}

resource "aws_subnet" "subnet_pay_us_east_1_public_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.32/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-public-b"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_public_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_public_b.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_public.id
}

resource "aws_subnet" "subnet_pay_us_east_1_public_c" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.64/27"
  availability_zone       = data.aws_availability_zones.us_east_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-public-c"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_public_c" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_public_c.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_public.id
}

resource "aws_subnet" "subnet_pay_us_east_1_transit_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.128/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-transit-a"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_transit_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_transit_a.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_transit.id
}

resource "aws_subnet" "subnet_pay_us_east_1_transit_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.144/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-transit-b"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_transit_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_transit_b.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_transit.id
}

resource "aws_subnet" "subnet_pay_us_east_1_transit_c" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.160/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-transit-c"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_transit_c" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_transit_c.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_transit.id
}

resource "aws_subnet" "subnet_pay_us_east_1_app_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.0.0/26"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-app-a"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_app_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_app_a.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_private_a.id
}

resource "aws_subnet" "subnet_pay_us_east_1_app_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.0.64/26"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-app-b"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_app_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_app_b.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_private_b.id
}

resource "aws_subnet" "subnet_pay_us_east_1_app_c" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.0.128/26"
  availability_zone       = data.aws_availability_zones.us_east_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-app-c"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_app_c" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_app_c.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_private_c.id
}

resource "aws_subnet" "subnet_pay_us_east_1_data_a" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.192/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-data-a"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_data_a" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_data_a.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_data.id
}

resource "aws_subnet" "subnet_pay_us_east_1_data_b" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.208/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-data-b"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_data_b" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_data_b.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_data.id
}

resource "aws_subnet" "subnet_pay_us_east_1_data_c" {
  provider                = aws.us_east_1
  vpc_id                  = aws_vpc.vpc_pay_us_east_1.id
  cidr_block              = "10.0.1.224/28"
  availability_zone       = data.aws_availability_zones.us_east_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-us-east-1-data-c"
  }
}

resource "aws_route_table_association" "subnet_pay_us_east_1_data_c" {
  provider       = aws.us_east_1
  subnet_id      = aws_subnet.subnet_pay_us_east_1_data_c.id
  route_table_id = aws_route_table.rtb_pay_us_east_1_data.id
}

resource "aws_internet_gateway" "igw_pay_us_east_1" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1"
  }
}

resource "aws_eip" "nat_pay_us_east_1_a" {
  provider = aws.us_east_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-us-east-1-a"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_nat_gateway" "nat_pay_us_east_1_a" {
  provider      = aws.us_east_1
  allocation_id = aws_eip.nat_pay_us_east_1_a.id
  subnet_id     = aws_subnet.subnet_pay_us_east_1_public_a.id
  tags = {
    Name = "nat-pay-us-east-1-a"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_eip" "nat_pay_us_east_1_b" {
  provider = aws.us_east_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-us-east-1-b"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_nat_gateway" "nat_pay_us_east_1_b" {
  provider      = aws.us_east_1
  allocation_id = aws_eip.nat_pay_us_east_1_b.id
  subnet_id     = aws_subnet.subnet_pay_us_east_1_public_b.id
  tags = {
    Name = "nat-pay-us-east-1-b"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_eip" "nat_pay_us_east_1_c" {
  provider = aws.us_east_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-us-east-1-c"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_nat_gateway" "nat_pay_us_east_1_c" {
  provider      = aws.us_east_1
  allocation_id = aws_eip.nat_pay_us_east_1_c.id
  subnet_id     = aws_subnet.subnet_pay_us_east_1_public_c.id
  tags = {
    Name = "nat-pay-us-east-1-c"
  }
  depends_on = [aws_internet_gateway.igw_pay_us_east_1]
}

resource "aws_route_table" "rtb_pay_us_east_1_public" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-public"
  }
}

resource "aws_route" "rtb_pay_us_east_1_public_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_pay_us_east_1.id
}

resource "aws_route_table" "rtb_pay_us_east_1_private_a" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-private-a"
  }
}

resource "aws_route" "rtb_pay_us_east_1_private_a_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_us_east_1_a.id
}

resource "aws_route" "rtb_pay_us_east_1_private_a_2" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_a.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1]
}

resource "aws_route_table" "rtb_pay_us_east_1_private_b" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-private-b"
  }
}

resource "aws_route" "rtb_pay_us_east_1_private_b_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_us_east_1_b.id
}

resource "aws_route" "rtb_pay_us_east_1_private_b_2" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_b.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1]
}

resource "aws_route_table" "rtb_pay_us_east_1_private_c" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-private-c"
  }
}

resource "aws_route" "rtb_pay_us_east_1_private_c_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_c.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_us_east_1_c.id
}

resource "aws_route" "rtb_pay_us_east_1_private_c_2" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_private_c.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1]
}

resource "aws_route_table" "rtb_pay_us_east_1_data" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-data"
  }
}

resource "aws_route" "rtb_pay_us_east_1_data_1" {
  provider               = aws.us_east_1
  route_table_id         = aws_route_table.rtb_pay_us_east_1_data.id
  destination_cidr_block = "10.1.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1]
}

resource "aws_route_table" "rtb_pay_us_east_1_transit" {
  provider = aws.us_east_1
  vpc_id   = aws_vpc.vpc_pay_us_east_1.id
  tags = {
    Name = "pay-us-east-1-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_s3" {
  provider          = aws.us_east_1
  vpc_id            = aws_vpc.vpc_pay_us_east_1.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_pay_us_east_1_private_a.id, aws_route_table.rtb_pay_us_east_1_private_b.id, aws_route_table.rtb_pay_us_east_1_private_c.id, aws_route_table.rtb_pay_us_east_1_data.id]
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_ecr_api" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_pay_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_ecr_dkr" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_pay_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_logs" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_pay_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_sts" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_pay_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_us_east_1_secretsmanager" {
  provider            = aws.us_east_1
  vpc_id              = aws_vpc.vpc_pay_us_east_1.id
  service_name        = "com.amazonaws.us-east-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_us_east_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_pay_us_east_1" {
  provider          = aws.us_east_1
  name              = "/netwright/pay-us-east-1/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_pay_us_east_1" {
  provider           = aws.us_east_1
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_pay_us_east_1" {
  provider = aws.us_east_1
  role     = aws_iam_role.fl_pay_us_east_1.id
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_pay_us_east_1.arn}:*" }] })
}

resource "aws_flow_log" "fl_pay_us_east_1" {
  provider                 = aws.us_east_1
  vpc_id                   = aws_vpc.vpc_pay_us_east_1.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_pay_us_east_1.arn
  iam_role_arn             = aws_iam_role.fl_pay_us_east_1.arn
  max_aggregation_interval = 60
}
data "aws_availability_zones" "eu_west_1" {
  provider = aws.eu_west_1
  state    = "available"
}


resource "aws_vpc" "vpc_pay_eu_west_1" {
  provider             = aws.eu_west_1
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "pay-eu-west-1"
  }
}

resource "aws_subnet" "subnet_pay_eu_west_1_public_a" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.0/27"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-public-a"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_public_a" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_public_a.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_public.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_public_b" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.32/27"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-public-b"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_public_b" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_public_b.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_public.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_public_c" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.64/27"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-public-c"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_public_c" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_public_c.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_public.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_transit_a" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.128/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-transit-a"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_transit_a" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_transit_a.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_transit.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_transit_b" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.144/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-transit-b"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_transit_b" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_transit_b.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_transit.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_transit_c" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.160/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-transit-c"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_transit_c" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_transit_c.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_transit.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_app_a" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.0.0/26"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-app-a"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_app_a" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_app_a.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_private_a.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_app_b" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.0.64/26"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-app-b"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_app_b" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_app_b.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_private_b.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_app_c" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.0.128/26"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-app-c"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_app_c" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_app_c.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_private_c.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_data_a" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.192/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-data-a"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_data_a" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_data_a.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_data.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_data_b" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.208/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-data-b"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_data_b" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_data_b.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_data.id
}

resource "aws_subnet" "subnet_pay_eu_west_1_data_c" {
  provider                = aws.eu_west_1
  vpc_id                  = aws_vpc.vpc_pay_eu_west_1.id
  cidr_block              = "10.1.1.224/28"
  availability_zone       = data.aws_availability_zones.eu_west_1.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "pay-eu-west-1-data-c"
  }
}

resource "aws_route_table_association" "subnet_pay_eu_west_1_data_c" {
  provider       = aws.eu_west_1
  subnet_id      = aws_subnet.subnet_pay_eu_west_1_data_c.id
  route_table_id = aws_route_table.rtb_pay_eu_west_1_data.id
}

resource "aws_internet_gateway" "igw_pay_eu_west_1" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1"
  }
}

resource "aws_eip" "nat_pay_eu_west_1_a" {
  provider = aws.eu_west_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-eu-west-1-a"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_nat_gateway" "nat_pay_eu_west_1_a" {
  provider      = aws.eu_west_1
  allocation_id = aws_eip.nat_pay_eu_west_1_a.id
  subnet_id     = aws_subnet.subnet_pay_eu_west_1_public_a.id
  tags = {
    Name = "nat-pay-eu-west-1-a"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_eip" "nat_pay_eu_west_1_b" {
  provider = aws.eu_west_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-eu-west-1-b"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_nat_gateway" "nat_pay_eu_west_1_b" {
  provider      = aws.eu_west_1
  allocation_id = aws_eip.nat_pay_eu_west_1_b.id
  subnet_id     = aws_subnet.subnet_pay_eu_west_1_public_b.id
  tags = {
    Name = "nat-pay-eu-west-1-b"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_eip" "nat_pay_eu_west_1_c" {
  provider = aws.eu_west_1
  domain   = "vpc"
  tags = {
    Name = "nat-pay-eu-west-1-c"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_nat_gateway" "nat_pay_eu_west_1_c" {
  provider      = aws.eu_west_1
  allocation_id = aws_eip.nat_pay_eu_west_1_c.id
  subnet_id     = aws_subnet.subnet_pay_eu_west_1_public_c.id
  tags = {
    Name = "nat-pay-eu-west-1-c"
  }
  depends_on = [aws_internet_gateway.igw_pay_eu_west_1]
}

resource "aws_route_table" "rtb_pay_eu_west_1_public" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-public"
  }
}

resource "aws_route" "rtb_pay_eu_west_1_public_1" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_pay_eu_west_1.id
}

resource "aws_route_table" "rtb_pay_eu_west_1_private_a" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-private-a"
  }
}

resource "aws_route" "rtb_pay_eu_west_1_private_a_1" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_eu_west_1_a.id
}

resource "aws_route" "rtb_pay_eu_west_1_private_a_2" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_a.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1]
}

resource "aws_route_table" "rtb_pay_eu_west_1_private_b" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-private-b"
  }
}

resource "aws_route" "rtb_pay_eu_west_1_private_b_1" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_eu_west_1_b.id
}

resource "aws_route" "rtb_pay_eu_west_1_private_b_2" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_b.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1]
}

resource "aws_route_table" "rtb_pay_eu_west_1_private_c" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-private-c"
  }
}

resource "aws_route" "rtb_pay_eu_west_1_private_c_1" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_c.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_pay_eu_west_1_c.id
}

resource "aws_route" "rtb_pay_eu_west_1_private_c_2" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_private_c.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1]
}

resource "aws_route_table" "rtb_pay_eu_west_1_data" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-data"
  }
}

resource "aws_route" "rtb_pay_eu_west_1_data_1" {
  provider               = aws.eu_west_1
  route_table_id         = aws_route_table.rtb_pay_eu_west_1_data.id
  destination_cidr_block = "10.0.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1]
}

resource "aws_route_table" "rtb_pay_eu_west_1_transit" {
  provider = aws.eu_west_1
  vpc_id   = aws_vpc.vpc_pay_eu_west_1.id
  tags = {
    Name = "pay-eu-west-1-transit"
  }
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_s3" {
  provider          = aws.eu_west_1
  vpc_id            = aws_vpc.vpc_pay_eu_west_1.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_pay_eu_west_1_private_a.id, aws_route_table.rtb_pay_eu_west_1_private_b.id, aws_route_table.rtb_pay_eu_west_1_private_c.id, aws_route_table.rtb_pay_eu_west_1_data.id]
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_ecr_api" {
  provider            = aws.eu_west_1
  vpc_id              = aws_vpc.vpc_pay_eu_west_1.id
  service_name        = "com.amazonaws.eu-west-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_eu_west_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_ecr_dkr" {
  provider            = aws.eu_west_1
  vpc_id              = aws_vpc.vpc_pay_eu_west_1.id
  service_name        = "com.amazonaws.eu-west-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_eu_west_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_logs" {
  provider            = aws.eu_west_1
  vpc_id              = aws_vpc.vpc_pay_eu_west_1.id
  service_name        = "com.amazonaws.eu-west-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_eu_west_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_sts" {
  provider            = aws.eu_west_1
  vpc_id              = aws_vpc.vpc_pay_eu_west_1.id
  service_name        = "com.amazonaws.eu-west-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_eu_west_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_pay_eu_west_1_secretsmanager" {
  provider            = aws.eu_west_1
  vpc_id              = aws_vpc.vpc_pay_eu_west_1.id
  service_name        = "com.amazonaws.eu-west-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  security_group_ids  = [aws_security_group.sg_pay_eu_west_1_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_pay_eu_west_1" {
  provider          = aws.eu_west_1
  name              = "/netwright/pay-eu-west-1/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_pay_eu_west_1" {
  provider           = aws.eu_west_1
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_pay_eu_west_1" {
  provider = aws.eu_west_1
  role     = aws_iam_role.fl_pay_eu_west_1.id
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_pay_eu_west_1.arn}:*" }] })
}

resource "aws_flow_log" "fl_pay_eu_west_1" {
  provider                 = aws.eu_west_1
  vpc_id                   = aws_vpc.vpc_pay_eu_west_1.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_pay_eu_west_1.arn
  iam_role_arn             = aws_iam_role.fl_pay_eu_west_1.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_pay_eu_west_1_app" {
  provider   = aws.eu_west_1
  vpc_id     = aws_vpc.vpc_pay_eu_west_1.id
  subnet_ids = [aws_subnet.subnet_pay_eu_west_1_app_a.id, aws_subnet.subnet_pay_eu_west_1_app_b.id, aws_subnet.subnet_pay_eu_west_1_app_c.id]
  tags = {
    Name = "pay-eu-west-1-app"
  }
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_in_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_in_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.128/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_in_120" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_120" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_130" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_140" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_150" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.192/27"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_160" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.224/28"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_170" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.192/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_app_out_180" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_app.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.1.224/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl" "acl_pay_eu_west_1_data" {
  provider   = aws.eu_west_1
  vpc_id     = aws_vpc.vpc_pay_eu_west_1.id
  subnet_ids = [aws_subnet.subnet_pay_eu_west_1_data_a.id, aws_subnet.subnet_pay_eu_west_1_data_b.id, aws_subnet.subnet_pay_eu_west_1_data_c.id]
  tags = {
    Name = "pay-eu-west-1-data"
  }
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_in_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_in_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.128/26"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_in_120" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_in_130" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.128/26"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_out_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_data_out_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_data.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.1.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_pay_eu_west_1_public" {
  provider   = aws.eu_west_1
  vpc_id     = aws_vpc.vpc_pay_eu_west_1.id
  subnet_ids = [aws_subnet.subnet_pay_eu_west_1_public_a.id, aws_subnet.subnet_pay_eu_west_1_public_b.id, aws_subnet.subnet_pay_eu_west_1_public_c.id]
  tags = {
    Name = "pay-eu-west-1-public"
  }
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_public_in_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_public_in_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_pay_eu_west_1_public_in_120" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_public_out_100" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_eu_west_1_public_out_110" {
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_pay_eu_west_1_transit" {
  provider   = aws.eu_west_1
  vpc_id     = aws_vpc.vpc_pay_eu_west_1.id
  subnet_ids = [aws_subnet.subnet_pay_eu_west_1_transit_a.id, aws_subnet.subnet_pay_eu_west_1_transit_b.id, aws_subnet.subnet_pay_eu_west_1_transit_c.id]
  tags = {
    Name = "pay-eu-west-1-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_pay_eu_west_1_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_pay_eu_west_1_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.eu_west_1
  network_acl_id = aws_network_acl.acl_pay_eu_west_1_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl" "acl_pay_us_east_1_app" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_pay_us_east_1.id
  subnet_ids = [aws_subnet.subnet_pay_us_east_1_app_a.id, aws_subnet.subnet_pay_us_east_1_app_b.id, aws_subnet.subnet_pay_us_east_1_app_c.id]
  tags = {
    Name = "pay-us-east-1-app"
  }
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_in_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_in_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_pay_us_east_1_app_in_120" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_120" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_130" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_140" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_150" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_160" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.224/28"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_170" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_app_out_180" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_app.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.224/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl" "acl_pay_us_east_1_data" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_pay_us_east_1.id
  subnet_ids = [aws_subnet.subnet_pay_us_east_1_data_a.id, aws_subnet.subnet_pay_us_east_1_data_b.id, aws_subnet.subnet_pay_us_east_1_data_c.id]
  tags = {
    Name = "pay-us-east-1-data"
  }
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_in_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_in_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 3306
  to_port        = 3306
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_in_120" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_in_130" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_out_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/25"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_data_out_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_data.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_pay_us_east_1_public" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_pay_us_east_1.id
  subnet_ids = [aws_subnet.subnet_pay_us_east_1_public_a.id, aws_subnet.subnet_pay_us_east_1_public_b.id, aws_subnet.subnet_pay_us_east_1_public_c.id]
  tags = {
    Name = "pay-us-east-1-public"
  }
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_public_in_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_public_in_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_pay_us_east_1_public_in_120" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_public_out_100" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_pay_us_east_1_public_out_110" {
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_pay_us_east_1_transit" {
  provider   = aws.us_east_1
  vpc_id     = aws_vpc.vpc_pay_us_east_1.id
  subnet_ids = [aws_subnet.subnet_pay_us_east_1_transit_a.id, aws_subnet.subnet_pay_us_east_1_transit_b.id, aws_subnet.subnet_pay_us_east_1_transit_c.id]
  tags = {
    Name = "pay-us-east-1-transit"
  }
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_pay_us_east_1_transit_in_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_transit.id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

# trivy:ignore:AVD-AWS-0102 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
# trivy:ignore:AVD-AWS-0105 Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
resource "aws_network_acl_rule" "acl_pay_us_east_1_transit_out_100" {
  # checkov:skip=CKV_AWS_352:Transit Gateway attachment subnets: AWS advises their NACL stay open both ways; the traffic is filtered in the subnets it comes from and goes to
  provider       = aws.us_east_1
  network_acl_id = aws_network_acl.acl_pay_us_east_1_transit.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_ec2_transit_gateway" "tgw_pay_us_east_1" {
  provider                        = aws.us_east_1
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags = {
    Name = "tgw-pay-us-east-1"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_pay_us_east_1" {
  provider                                        = aws.us_east_1
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  vpc_id                                          = aws_vpc.vpc_pay_us_east_1.id
  subnet_ids                                      = [aws_subnet.subnet_pay_us_east_1_transit_a.id, aws_subnet.subnet_pay_us_east_1_transit_b.id, aws_subnet.subnet_pay_us_east_1_transit_c.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_pay_us_east_1" {
  provider           = aws.us_east_1
  transit_gateway_id = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_pay_us_east_1_tgw_attach_pay_us_east_1" {
  provider                       = aws.us_east_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_us_east_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_pay_us_east_1_tgw_peer_us_east_1_eu_west_1" {
  provider                       = aws.us_east_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_us_east_1.id
  depends_on                     = [aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_eu_west_1]
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_pay_us_east_1_0" {
  provider                       = aws.us_east_1
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_us_east_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_us_east_1.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_pay_us_east_1_1" {
  provider                       = aws.us_east_1
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_us_east_1.id
  depends_on                     = [aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_eu_west_1]
}

resource "aws_ec2_transit_gateway" "tgw_pay_eu_west_1" {
  provider                        = aws.eu_west_1
  amazon_side_asn                 = 64513
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags = {
    Name = "tgw-pay-eu-west-1"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "tgw_attach_pay_eu_west_1" {
  provider                                        = aws.eu_west_1
  transit_gateway_id                              = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  vpc_id                                          = aws_vpc.vpc_pay_eu_west_1.id
  subnet_ids                                      = [aws_subnet.subnet_pay_eu_west_1_transit_a.id, aws_subnet.subnet_pay_eu_west_1_transit_b.id, aws_subnet.subnet_pay_eu_west_1_transit_c.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "tgw_rtb_pay_eu_west_1" {
  provider           = aws.eu_west_1
  transit_gateway_id = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_pay_eu_west_1_tgw_attach_pay_eu_west_1" {
  provider                       = aws.eu_west_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_eu_west_1.id
}

resource "aws_ec2_transit_gateway_route_table_association" "tgw_rtb_pay_eu_west_1_tgw_peer_us_east_1_eu_west_1" {
  provider                       = aws.eu_west_1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_eu_west_1.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_pay_eu_west_1_0" {
  provider                       = aws.eu_west_1
  destination_cidr_block         = "10.1.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.tgw_attach_pay_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_eu_west_1.id
}

resource "aws_ec2_transit_gateway_route" "tgw_rtb_pay_eu_west_1_1" {
  provider                       = aws.eu_west_1
  destination_cidr_block         = "10.0.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.tgw_peer_us_east_1_eu_west_1.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.tgw_rtb_pay_eu_west_1.id
}

resource "aws_ec2_transit_gateway_peering_attachment" "tgw_peer_us_east_1_eu_west_1" {
  provider                = aws.us_east_1
  transit_gateway_id      = aws_ec2_transit_gateway.tgw_pay_us_east_1.id
  peer_transit_gateway_id = aws_ec2_transit_gateway.tgw_pay_eu_west_1.id
  peer_region             = "eu-west-1"
  tags = {
    Name = "tgw-peer-us-east-1-eu-west-1"
  }
}

resource "aws_ec2_transit_gateway_peering_attachment_accepter" "tgw_peer_us_east_1_eu_west_1" {
  provider                      = aws.eu_west_1
  transit_gateway_attachment_id = aws_ec2_transit_gateway_peering_attachment.tgw_peer_us_east_1_eu_west_1.id
  tags = {
    Name = "tgw-peer-us-east-1-eu-west-1"
  }
}
