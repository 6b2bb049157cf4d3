data "aws_availability_zones" "available" {
  state = "available"
}


resource "aws_vpc" "vpc_shop" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags = {
    Name = "shop"
  }
}

resource "aws_subnet" "subnet_shop_public_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-public-a"
  }
}

resource "aws_route_table_association" "subnet_shop_public_a" {
  subnet_id      = aws_subnet.subnet_shop_public_a.id
  route_table_id = aws_route_table.rtb_shop_public.id
}

resource "aws_subnet" "subnet_shop_public_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-public-b"
  }
}

resource "aws_route_table_association" "subnet_shop_public_b" {
  subnet_id      = aws_subnet.subnet_shop_public_b.id
  route_table_id = aws_route_table.rtb_shop_public.id
}

resource "aws_subnet" "subnet_shop_public_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-public-c"
  }
}

resource "aws_route_table_association" "subnet_shop_public_c" {
  subnet_id      = aws_subnet.subnet_shop_public_c.id
  route_table_id = aws_route_table.rtb_shop_public.id
}

resource "aws_subnet" "subnet_shop_endpoints_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-endpoints-a"
  }
}

resource "aws_route_table_association" "subnet_shop_endpoints_a" {
  subnet_id      = aws_subnet.subnet_shop_endpoints_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_endpoints_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-endpoints-b"
  }
}

resource "aws_route_table_association" "subnet_shop_endpoints_b" {
  subnet_id      = aws_subnet.subnet_shop_endpoints_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_endpoints_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.32/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-endpoints-c"
  }
}

resource "aws_route_table_association" "subnet_shop_endpoints_c" {
  subnet_id      = aws_subnet.subnet_shop_endpoints_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_cart_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.64/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-cart-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_cart_a" {
  subnet_id      = aws_subnet.subnet_shop_app_cart_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_cart_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.80/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-cart-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_cart_b" {
  subnet_id      = aws_subnet.subnet_shop_app_cart_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_cart_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.96/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-cart-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_cart_c" {
  subnet_id      = aws_subnet.subnet_shop_app_cart_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_catalog_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-catalog-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_catalog_a" {
  subnet_id      = aws_subnet.subnet_shop_app_catalog_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_catalog_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-catalog-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_catalog_b" {
  subnet_id      = aws_subnet.subnet_shop_app_catalog_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_catalog_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.160/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-catalog-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_catalog_c" {
  subnet_id      = aws_subnet.subnet_shop_app_catalog_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_inventory_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.192/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-inventory-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_inventory_a" {
  subnet_id      = aws_subnet.subnet_shop_app_inventory_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_inventory_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.208/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-inventory-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_inventory_b" {
  subnet_id      = aws_subnet.subnet_shop_app_inventory_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_inventory_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.2.224/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-inventory-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_inventory_c" {
  subnet_id      = aws_subnet.subnet_shop_app_inventory_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_mobile_api_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.128/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-mobile-api-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_mobile_api_a" {
  subnet_id      = aws_subnet.subnet_shop_app_mobile_api_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_mobile_api_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.160/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-mobile-api-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_mobile_api_b" {
  subnet_id      = aws_subnet.subnet_shop_app_mobile_api_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_mobile_api_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.0.192/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-mobile-api-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_mobile_api_c" {
  subnet_id      = aws_subnet.subnet_shop_app_mobile_api_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_orders_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.0/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-orders-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_orders_a" {
  subnet_id      = aws_subnet.subnet_shop_app_orders_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_orders_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.32/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-orders-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_orders_b" {
  subnet_id      = aws_subnet.subnet_shop_app_orders_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_orders_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.64/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-orders-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_orders_c" {
  subnet_id      = aws_subnet.subnet_shop_app_orders_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_payments_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.0/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-payments-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_payments_a" {
  subnet_id      = aws_subnet.subnet_shop_app_payments_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_payments_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.16/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-payments-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_payments_b" {
  subnet_id      = aws_subnet.subnet_shop_app_payments_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_payments_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.32/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-payments-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_payments_c" {
  subnet_id      = aws_subnet.subnet_shop_app_payments_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_storefront_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.128/27"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-storefront-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_storefront_a" {
  subnet_id      = aws_subnet.subnet_shop_app_storefront_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_storefront_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.160/27"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-storefront-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_storefront_b" {
  subnet_id      = aws_subnet.subnet_shop_app_storefront_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_storefront_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.1.192/27"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-storefront-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_storefront_c" {
  subnet_id      = aws_subnet.subnet_shop_app_storefront_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_app_tracking_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.64/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-tracking-a"
  }
}

resource "aws_route_table_association" "subnet_shop_app_tracking_a" {
  subnet_id      = aws_subnet.subnet_shop_app_tracking_a.id
  route_table_id = aws_route_table.rtb_shop_private_a.id
}

resource "aws_subnet" "subnet_shop_app_tracking_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.80/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-tracking-b"
  }
}

resource "aws_route_table_association" "subnet_shop_app_tracking_b" {
  subnet_id      = aws_subnet.subnet_shop_app_tracking_b.id
  route_table_id = aws_route_table.rtb_shop_private_b.id
}

resource "aws_subnet" "subnet_shop_app_tracking_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.96/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-app-tracking-c"
  }
}

resource "aws_route_table_association" "subnet_shop_app_tracking_c" {
  subnet_id      = aws_subnet.subnet_shop_app_tracking_c.id
  route_table_id = aws_route_table.rtb_shop_private_c.id
}

resource "aws_subnet" "subnet_shop_data_cache_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.128/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-cache-a"
  }
}

resource "aws_route_table_association" "subnet_shop_data_cache_a" {
  subnet_id      = aws_subnet.subnet_shop_data_cache_a.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_subnet" "subnet_shop_data_cache_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.144/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-cache-b"
  }
}

resource "aws_route_table_association" "subnet_shop_data_cache_b" {
  subnet_id      = aws_subnet.subnet_shop_data_cache_b.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_subnet" "subnet_shop_data_cache_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.160/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-cache-c"
  }
}

resource "aws_route_table_association" "subnet_shop_data_cache_c" {
  subnet_id      = aws_subnet.subnet_shop_data_cache_c.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_subnet" "subnet_shop_data_orders_db_a" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.192/28"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-orders-db-a"
  }
}

resource "aws_route_table_association" "subnet_shop_data_orders_db_a" {
  subnet_id      = aws_subnet.subnet_shop_data_orders_db_a.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_subnet" "subnet_shop_data_orders_db_b" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.208/28"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-orders-db-b"
  }
}

resource "aws_route_table_association" "subnet_shop_data_orders_db_b" {
  subnet_id      = aws_subnet.subnet_shop_data_orders_db_b.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_subnet" "subnet_shop_data_orders_db_c" {
  vpc_id                  = aws_vpc.vpc_shop.id
  cidr_block              = "10.0.3.224/28"
  availability_zone       = data.aws_availability_zones.available.names[2]
  map_public_ip_on_launch = false
  tags = {
    Name = "shop-data-orders-db-c"
  }
}

resource "aws_route_table_association" "subnet_shop_data_orders_db_c" {
  subnet_id      = aws_subnet.subnet_shop_data_orders_db_c.id
  route_table_id = aws_route_table.rtb_shop_data.id
}

resource "aws_internet_gateway" "igw_shop" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop"
  }
}

resource "aws_eip" "nat_shop_a" {
  domain = "vpc"
  tags = {
    Name = "nat-shop-a"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_nat_gateway" "nat_shop_a" {
  allocation_id = aws_eip.nat_shop_a.id
  subnet_id     = aws_subnet.subnet_shop_public_a.id
  tags = {
    Name = "nat-shop-a"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_eip" "nat_shop_b" {
  domain = "vpc"
  tags = {
    Name = "nat-shop-b"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_nat_gateway" "nat_shop_b" {
  allocation_id = aws_eip.nat_shop_b.id
  subnet_id     = aws_subnet.subnet_shop_public_b.id
  tags = {
    Name = "nat-shop-b"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_eip" "nat_shop_c" {
  domain = "vpc"
  tags = {
    Name = "nat-shop-c"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_nat_gateway" "nat_shop_c" {
  allocation_id = aws_eip.nat_shop_c.id
  subnet_id     = aws_subnet.subnet_shop_public_c.id
  tags = {
    Name = "nat-shop-c"
  }
  depends_on = [aws_internet_gateway.igw_shop]
}

resource "aws_route_table" "rtb_shop_public" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-public"
  }
}

resource "aws_route" "rtb_shop_public_1" {
  route_table_id         = aws_route_table.rtb_shop_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw_shop.id
}

resource "aws_route_table" "rtb_shop_private_a" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-private-a"
  }
}

resource "aws_route" "rtb_shop_private_a_1" {
  route_table_id         = aws_route_table.rtb_shop_private_a.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_shop_a.id
}

resource "aws_route_table" "rtb_shop_private_b" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-private-b"
  }
}

resource "aws_route" "rtb_shop_private_b_1" {
  route_table_id         = aws_route_table.rtb_shop_private_b.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_shop_b.id
}

resource "aws_route_table" "rtb_shop_private_c" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-private-c"
  }
}

resource "aws_route" "rtb_shop_private_c_1" {
  route_table_id         = aws_route_table.rtb_shop_private_c.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat_shop_c.id
}

resource "aws_route_table" "rtb_shop_data" {
  vpc_id = aws_vpc.vpc_shop.id
  tags = {
    Name = "shop-data"
  }
}

resource "aws_vpc_endpoint" "vpce_shop_s3" {
  vpc_id            = aws_vpc.vpc_shop.id
  service_name      = "com.amazonaws.eu-west-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.rtb_shop_private_a.id, aws_route_table.rtb_shop_private_b.id, aws_route_table.rtb_shop_private_c.id, aws_route_table.rtb_shop_data.id]
}

resource "aws_vpc_endpoint" "vpce_shop_ecr_api" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_shop_ecr_dkr" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_shop_logs" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.logs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_shop_sts" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.sts"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_shop_secretsmanager" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_vpc_endpoint" "vpce_shop_ssm" {
  vpc_id              = aws_vpc.vpc_shop.id
  service_name        = "com.amazonaws.eu-west-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  security_group_ids  = [aws_security_group.sg_shop_endpoints.id]
  private_dns_enabled = true
}

resource "aws_cloudwatch_log_group" "fl_shop" {
  name              = "/netwright/shop/vpc-flow-logs"
  retention_in_days = 90
}

resource "aws_iam_role" "fl_shop" {
  name_prefix        = "flow-logs-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "vpc-flow-logs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "fl_shop" {
  role   = aws_iam_role.fl_shop.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource = "${aws_cloudwatch_log_group.fl_shop.arn}:*" }] })
}

resource "aws_flow_log" "fl_shop" {
  vpc_id                   = aws_vpc.vpc_shop.id
  traffic_type             = "ALL"
  log_destination          = aws_cloudwatch_log_group.fl_shop.arn
  iam_role_arn             = aws_iam_role.fl_shop.arn
  max_aggregation_interval = 60
}

resource "aws_network_acl" "acl_shop_app_cart" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_cart_a.id, aws_subnet.subnet_shop_app_cart_b.id, aws_subnet.subnet_shop_app_cart_c.id]
  tags = {
    Name = "shop-app-cart"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_cart_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.128/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_app_cart_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_cart.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.160/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl" "acl_shop_app_catalog" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_catalog_a.id, aws_subnet.subnet_shop_app_catalog_b.id, aws_subnet.subnet_shop_app_catalog_c.id]
  tags = {
    Name = "shop-app-catalog"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_catalog_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.128/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.160/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_170" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 7070
  to_port        = 7070
}

resource "aws_network_acl_rule" "acl_shop_app_catalog_out_180" {
  network_acl_id = aws_network_acl.acl_shop_app_catalog.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 7070
  to_port        = 7070
}

resource "aws_network_acl" "acl_shop_app_inventory" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_inventory_a.id, aws_subnet.subnet_shop_app_inventory_b.id, aws_subnet.subnet_shop_app_inventory_c.id]
  tags = {
    Name = "shop-app-inventory"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_inventory_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.192/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_app_inventory_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_inventory.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.224/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_shop_app_mobile_api" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_mobile_api_a.id, aws_subnet.subnet_shop_app_mobile_api_b.id, aws_subnet.subnet_shop_app_mobile_api_c.id]
  tags = {
    Name = "shop-app-mobile-api"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_mobile_api_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_170" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_mobile_api_out_180" {
  network_acl_id = aws_network_acl.acl_shop_app_mobile_api.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl" "acl_shop_app_orders" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_orders_a.id, aws_subnet.subnet_shop_app_orders_b.id, aws_subnet.subnet_shop_app_orders_c.id]
  tags = {
    Name = "shop-app-orders"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_orders_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.96/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_170" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.192/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_180" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.224/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_190" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 190
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 7070
  to_port        = 7070
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_200" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 200
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 7070
  to_port        = 7070
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_210" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 210
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.0/27"
  from_port      = 8443
  to_port        = 8443
}

resource "aws_network_acl_rule" "acl_shop_app_orders_out_220" {
  network_acl_id = aws_network_acl.acl_shop_app_orders.id
  rule_number    = 220
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.32/28"
  from_port      = 8443
  to_port        = 8443
}

resource "aws_network_acl" "acl_shop_app_payments" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_payments_a.id, aws_subnet.subnet_shop_app_payments_b.id, aws_subnet.subnet_shop_app_payments_c.id]
  tags = {
    Name = "shop-app-payments"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_payments_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_payments_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_payments_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_payments_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_payments_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.192/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_app_payments_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_payments.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.224/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl" "acl_shop_app_storefront" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_storefront_a.id, aws_subnet.subnet_shop_app_storefront_b.id, aws_subnet.subnet_shop_app_storefront_c.id]
  tags = {
    Name = "shop-app-storefront"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_storefront_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_150" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_160" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_170" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_storefront_out_180" {
  network_acl_id = aws_network_acl.acl_shop_app_storefront.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl" "acl_shop_app_tracking" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_app_tracking_a.id, aws_subnet.subnet_shop_app_tracking_b.id, aws_subnet.subnet_shop_app_tracking_c.id]
  tags = {
    Name = "shop-app-tracking"
  }
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_app_tracking_in_100" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_tracking_out_100" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_app_tracking_out_110" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_tracking_out_120" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_app_tracking_out_130" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl_rule" "acl_shop_app_tracking_out_140" {
  network_acl_id = aws_network_acl.acl_shop_app_tracking.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 8080
  to_port        = 8080
}

resource "aws_network_acl" "acl_shop_data_cache" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_data_cache_a.id, aws_subnet.subnet_shop_data_cache_b.id, aws_subnet.subnet_shop_data_cache_c.id]
  tags = {
    Name = "shop-data-cache"
  }
}

resource "aws_network_acl_rule" "acl_shop_data_cache_in_100" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_data_cache_in_110" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_data_cache_in_120" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_data_cache_in_130" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 6379
  to_port        = 6379
}

resource "aws_network_acl_rule" "acl_shop_data_cache_out_100" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_cache_out_110" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_cache_out_120" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_cache_out_130" {
  network_acl_id = aws_network_acl.acl_shop_data_cache.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_shop_data_orders_db" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_data_orders_db_a.id, aws_subnet.subnet_shop_data_orders_db_b.id, aws_subnet.subnet_shop_data_orders_db_c.id]
  tags = {
    Name = "shop-data-orders-db"
  }
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_100" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_110" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_120" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_130" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_140" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 140
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.0/27"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_in_150" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 150
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.32/28"
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_100" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_110" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_120" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_130" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_140" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.0/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_data_orders_db_out_150" {
  network_acl_id = aws_network_acl.acl_shop_data_orders_db.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.32/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_shop_endpoints" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_endpoints_a.id, aws_subnet.subnet_shop_endpoints_b.id, aws_subnet.subnet_shop_endpoints_c.id]
  tags = {
    Name = "shop-endpoints"
  }
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_100" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_110" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_120" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_130" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 130
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_140" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 140
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.128/26"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_150" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 150
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_160" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 160
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_170" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 170
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_180" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 180
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_190" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 190
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_200" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 200
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_210" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 210
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_220" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 220
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.0/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_230" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 230
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.32/28"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_240" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 240
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.64/27"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_in_250" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 250
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.96/28"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_100" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_110" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_120" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 120
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.0/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_130" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 130
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_140" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 140
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.128/26"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_150" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 150
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.1.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_160" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 160
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_170" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 170
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.96/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_180" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 180
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.128/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_190" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 190
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.160/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_200" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 200
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.192/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_210" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 210
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.2.224/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_220" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 220
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.0/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_230" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 230
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.32/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_240" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 240
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.64/27"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_endpoints_out_250" {
  network_acl_id = aws_network_acl.acl_shop_endpoints.id
  rule_number    = 250
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.3.96/28"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl" "acl_shop_public" {
  vpc_id     = aws_vpc.vpc_shop.id
  subnet_ids = [aws_subnet.subnet_shop_public_a.id, aws_subnet.subnet_shop_public_b.id, aws_subnet.subnet_shop_public_c.id]
  tags = {
    Name = "shop-public"
  }
}

resource "aws_network_acl_rule" "acl_shop_public_in_100" {
  network_acl_id = aws_network_acl.acl_shop_public.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 80
  to_port        = 80
}

resource "aws_network_acl_rule" "acl_shop_public_in_110" {
  network_acl_id = aws_network_acl.acl_shop_public.id
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

# trivy:ignore:AVD-AWS-0105 answers to connections the subnet opened, on the ephemeral ports NAT gateways and load balancers answer on (1024-65535; NACLs are stateless); the security groups admit no SSH or RDP
resource "aws_network_acl_rule" "acl_shop_public_in_120" {
  network_acl_id = aws_network_acl.acl_shop_public.id
  rule_number    = 120
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}

resource "aws_network_acl_rule" "acl_shop_public_out_100" {
  network_acl_id = aws_network_acl.acl_shop_public.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}

resource "aws_network_acl_rule" "acl_shop_public_out_110" {
  network_acl_id = aws_network_acl.acl_shop_public.id
  rule_number    = 110
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 1024
  to_port        = 65535
}
