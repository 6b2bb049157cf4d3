resource "aws_iam_role" "role_api_us_east_1" {
  name_prefix        = "storefront-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_api_us_east_1_0" {
  role   = aws_iam_role.role_api_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["arn:${data.aws_partition.current.partition}:vpc-lattice:us-east-1:${data.aws_caller_identity.current.account_id}:service/*"], Condition = { ArnEquals = { "vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.arn } } }] })
}
data "aws_caller_identity" "current" {
}

data "aws_partition" "current" {
}


resource "aws_iam_role" "role_inventory_us_east_1" {
  name_prefix        = "storefront-inventory-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role" "role_orders_us_east_1" {
  name_prefix        = "storefront-orders-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_orders_us_east_1_0" {
  role   = aws_iam_role.role_orders_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["arn:${data.aws_partition.current.partition}:vpc-lattice:us-east-1:${data.aws_caller_identity.current.account_id}:service/*"], Condition = { ArnEquals = { "vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.arn } } }] })
}

resource "aws_iam_role" "role_orders_v2_us_east_1" {
  name_prefix        = "storefront-orders-v2-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_orders_v2_us_east_1_0" {
  role   = aws_iam_role.role_orders_v2_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["arn:${data.aws_partition.current.partition}:vpc-lattice:us-east-1:${data.aws_caller_identity.current.account_id}:service/*"], Condition = { ArnEquals = { "vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.arn } } }] })
}

resource "aws_iam_role" "role_payments_us_east_1" {
  name_prefix        = "storefront-payments-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_vpclattice_service_network" "lattice_storefront_mesh_us_east_1" {
  name      = "storefront-mesh"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "lattice_storefront_mesh_us_east_1_vpc_storefront" {
  service_network_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.id
  vpc_identifier             = aws_vpc.vpc_storefront.id
}

resource "aws_vpclattice_auth_policy" "lattice_storefront_mesh_us_east_1" {
  resource_identifier = aws_vpclattice_service_network.lattice_storefront_mesh_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
