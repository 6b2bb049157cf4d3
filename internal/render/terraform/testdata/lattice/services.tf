resource "aws_service_discovery_private_dns_namespace" "ns_lat" {
  name = "lat.local"
  vpc  = aws_vpc.vpc_lat.id
}

resource "aws_service_discovery_service" "sd_lat_api_v2" {
  name = "api-v2"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.ns_lat.id
    routing_policy = "MULTIVALUE"
    dns_records {
      type = "A"
      ttl  = 10
    }
    dns_records {
      type = "SRV"
      ttl  = 10
    }
  }
  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_service_discovery_service" "sd_lat_web" {
  name = "web"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.ns_lat.id
    routing_policy = "MULTIVALUE"
    dns_records {
      type = "A"
      ttl  = 10
    }
    dns_records {
      type = "SRV"
      ttl  = 10
    }
  }
  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_iam_role" "role_api_us_east_1" {
  name_prefix        = "lat-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_api_v2_us_east_1" {
  name_prefix        = "lat-api-v2-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "lat-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "role_web_us_east_1_0" {
  role   = aws_iam_role.role_web_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["vpc-lattice-svcs:Invoke"], Resource = ["${aws_vpclattice_service.lattice_svc_api_us_east_1.arn}/*"] }] })
}

resource "aws_ecs_cluster" "cluster_lat_us_east_1" {
  name = "lat"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "cluster_lat_us_east_1" {
  name              = "/netwright/lat/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_lat_us_east_1_execution" {
  name_prefix        = "lat-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_lat_us_east_1_execution" {
  role       = aws_iam_role.cluster_lat_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "cluster_lat_us_east_1_lattice" {
  name_prefix        = "lat-lattice-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_lat_us_east_1_lattice" {
  role       = aws_iam_role.cluster_lat_us_east_1_lattice.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice"
}

resource "aws_ecs_task_definition" "ecs_api_us_east_1" {
  family                   = "lat-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_lat_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_us_east_1.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_lat_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_us_east_1" {
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_lat_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_api_us_east_1.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
    security_groups  = [aws_security_group.sg_lat_api.id]
    assign_public_ip = false
  }
  vpc_lattice_configurations {
    role_arn         = aws_iam_role.cluster_lat_us_east_1_lattice.arn
    target_group_arn = aws_vpclattice_target_group.lattice_tg_api_us_east_1.arn
    port_name        = "api"
  }
}

resource "aws_ecs_task_definition" "ecs_api_v2_us_east_1" {
  family                   = "lat-api-v2"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_lat_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_v2_us_east_1.arn
  container_definitions    = jsonencode([{ name = "api-v2", image = var.api_v2_image, essential = true, portMappings = [{ name = "api-v2", containerPort = 9090, protocol = "tcp", appProtocol = "grpc" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_lat_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "api-v2" } } }])
}

resource "aws_ecs_service" "ecs_api_v2_us_east_1" {
  name                               = "api-v2"
  cluster                            = aws_ecs_cluster.cluster_lat_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_api_v2_us_east_1.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
    security_groups  = [aws_security_group.sg_lat_api_v2.id]
    assign_public_ip = false
  }
  service_registries {
    registry_arn   = aws_service_discovery_service.sd_lat_api_v2.arn
    container_name = "api-v2"
    container_port = 9090
  }
  vpc_lattice_configurations {
    role_arn         = aws_iam_role.cluster_lat_us_east_1_lattice.arn
    target_group_arn = aws_vpclattice_target_group.lattice_tg_api_v2_us_east_1.arn
    port_name        = "api-v2"
  }
}

resource "aws_ecs_task_definition" "ecs_web_us_east_1" {
  family                   = "lat-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_lat_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_web_us_east_1.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "API_ADDR", value = "${aws_vpclattice_service.lattice_svc_api_us_east_1.dns_entry[0].domain_name}:443" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_lat_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_us_east_1" {
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_lat_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_web_us_east_1.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_lat_app_a.id, aws_subnet.subnet_lat_app_b.id, aws_subnet.subnet_lat_app_c.id]
    security_groups  = [aws_security_group.sg_lat_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_lat_web_8080.arn
  }
  service_registries {
    registry_arn   = aws_service_discovery_service.sd_lat_web.arn
    container_name = "web"
    container_port = 8080
  }
  depends_on = [aws_lb_listener.alb_lat_public_https]
}

resource "aws_vpclattice_service_network" "lattice_lat_mesh_us_east_1" {
  name      = "lat-mesh"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_vpc_association" "lattice_lat_mesh_us_east_1_vpc_lat" {
  service_network_identifier = aws_vpclattice_service_network.lattice_lat_mesh_us_east_1.id
  vpc_identifier             = aws_vpc.vpc_lat.id
}

resource "aws_vpclattice_target_group" "lattice_tg_api_us_east_1" {
  name = "lat-api"
  type = "IP"
  config {
    port             = 9090
    vpc_identifier   = aws_vpc.vpc_lat.id
    protocol         = "HTTP"
    protocol_version = "GRPC"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP2"
      path                          = "/AWS.ALB/healthcheck"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200-499"
      }
    }
  }
}

resource "aws_vpclattice_target_group" "lattice_tg_api_v2_us_east_1" {
  name = "lat-api-v2"
  type = "IP"
  config {
    port             = 9090
    vpc_identifier   = aws_vpc.vpc_lat.id
    protocol         = "HTTP"
    protocol_version = "GRPC"
    health_check {
      enabled                       = true
      protocol                      = "HTTP"
      protocol_version              = "HTTP2"
      path                          = "/AWS.ALB/healthcheck"
      health_check_interval_seconds = 30
      health_check_timeout_seconds  = 5
      healthy_threshold_count       = 5
      unhealthy_threshold_count     = 2
      matcher {
        value = "200-499"
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_lat_mesh_us_east_1" {
  resource_identifier = aws_vpclattice_service_network.lattice_lat_mesh_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
data "aws_caller_identity" "current" {
}

data "aws_partition" "current" {
}


resource "aws_vpclattice_service" "lattice_svc_api_us_east_1" {
  name      = "lat-api"
  auth_type = "AWS_IAM"
}

resource "aws_vpclattice_service_network_service_association" "lattice_svc_api_us_east_1" {
  service_network_identifier = aws_vpclattice_service_network.lattice_lat_mesh_us_east_1.id
  service_identifier         = aws_vpclattice_service.lattice_svc_api_us_east_1.id
}

resource "aws_vpclattice_listener" "lattice_svc_api_us_east_1" {
  name               = "listener"
  protocol           = "HTTPS"
  port               = 443
  service_identifier = aws_vpclattice_service.lattice_svc_api_us_east_1.id
  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_api_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_listener_rule" "lattice_svc_api_us_east_1_10" {
  name                = "rule-10"
  listener_identifier = aws_vpclattice_listener.lattice_svc_api_us_east_1.listener_id
  service_identifier  = aws_vpclattice_service.lattice_svc_api_us_east_1.id
  priority            = 10
  match {
    http_match {
      header_matches {
        name           = "x-canary"
        case_sensitive = false
        match {
          exact = "true"
        }
      }
    }
  }
  action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_api_v2_us_east_1.id
        weight                  = 100
      }
    }
  }
}

resource "aws_vpclattice_listener_rule" "lattice_svc_api_us_east_1_20" {
  name                = "rule-20"
  listener_identifier = aws_vpclattice_listener.lattice_svc_api_us_east_1.listener_id
  service_identifier  = aws_vpclattice_service.lattice_svc_api_us_east_1.id
  priority            = 20
  match {
    http_match {
      method = "POST"
      path_match {
        case_sensitive = true
        match {
          prefix = "/v1/"
        }
      }
    }
  }
  action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_api_us_east_1.id
        weight                  = 90
      }
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.lattice_tg_api_v2_us_east_1.id
        weight                  = 10
      }
    }
  }
}

resource "aws_vpclattice_auth_policy" "lattice_svc_api_us_east_1" {
  resource_identifier = aws_vpclattice_service.lattice_svc_api_us_east_1.arn
  policy              = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = [aws_iam_role.role_web_us_east_1.arn] }, Action = "vpc-lattice-svcs:Invoke", Resource = "*" }] })
}
