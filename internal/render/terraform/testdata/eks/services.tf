resource "aws_iam_role" "role_api_us_east_1" {
  name_prefix        = "kube-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "kube-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "pods.eks.amazonaws.com" }, Action = ["sts:AssumeRole", "sts:TagSession"] }] })
}

resource "aws_iam_role_policy" "role_web_us_east_1_0" {
  role   = aws_iam_role.role_web_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["arn:${data.aws_partition.current.partition}:vpc-lattice:us-east-1:${data.aws_caller_identity.current.account_id}:service/*"], Condition = { ArnEquals = { "vpc-lattice-svcs:ServiceNetworkArn" = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.arn } } }] })
}
data "aws_caller_identity" "current" {
}

data "aws_partition" "current" {
}


resource "aws_vpclattice_service_network" "lattice_kube_mesh_us_east_1" {
  name      = "kube-mesh"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "lattice_kube_mesh_us_east_1_vpc_kube" {
  service_network_identifier = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.id
  vpc_identifier             = aws_vpc.vpc_kube.id
}

resource "aws_vpclattice_auth_policy" "lattice_kube_mesh_us_east_1" {
  resource_identifier = aws_vpclattice_service_network.lattice_kube_mesh_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
