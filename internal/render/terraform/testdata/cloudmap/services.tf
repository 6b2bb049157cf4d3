resource "aws_service_discovery_private_dns_namespace" "ns_dns" {
  name = "dns.local"
  vpc  = aws_vpc.vpc_dns.id
}

resource "aws_service_discovery_service" "sd_dns_api" {
  name = "api"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.ns_dns.id
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

resource "aws_service_discovery_service" "sd_dns_stats" {
  name = "stats"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.ns_dns.id
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

resource "aws_service_discovery_service" "sd_dns_web" {
  name = "web"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.ns_dns.id
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
  name_prefix        = "dns-api-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_stats_us_east_1" {
  name_prefix        = "dns-stats-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "dns-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_dns_us_east_1" {
  name = "dns"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "cluster_dns_us_east_1" {
  name              = "/netwright/dns/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_dns_us_east_1_execution" {
  name_prefix        = "dns-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_dns_us_east_1_execution" {
  role       = aws_iam_role.cluster_dns_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_api_us_east_1" {
  family                   = "dns-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_dns_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_api_us_east_1.arn
  container_definitions    = jsonencode([{ name = "api", image = var.api_image, essential = true, portMappings = [{ name = "api", containerPort = 9090, protocol = "tcp", appProtocol = "http2" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_dns_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "api" } } }])
}

resource "aws_ecs_service" "ecs_api_us_east_1" {
  name                               = "api"
  cluster                            = aws_ecs_cluster.cluster_dns_us_east_1.id
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
    subnets          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
    security_groups  = [aws_security_group.sg_dns_api.id]
    assign_public_ip = false
  }
  service_registries {
    registry_arn   = aws_service_discovery_service.sd_dns_api.arn
    container_name = "api"
    container_port = 9090
  }
}

resource "aws_ecs_task_definition" "ecs_stats_us_east_1" {
  family                   = "dns-stats"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_dns_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_stats_us_east_1.arn
  container_definitions    = jsonencode([{ name = "stats", image = var.stats_image, essential = true, portMappings = [{ name = "stats", containerPort = 8125, protocol = "udp" }, { name = "stats-health-8126", containerPort = 8126, protocol = "tcp" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_dns_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "stats" } } }])
}

resource "aws_ecs_service" "ecs_stats_us_east_1" {
  name                               = "stats"
  cluster                            = aws_ecs_cluster.cluster_dns_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_stats_us_east_1.arn
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
    subnets          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
    security_groups  = [aws_security_group.sg_dns_stats.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "stats"
    container_port   = 8125
    target_group_arn = aws_lb_target_group.tg_dns_stats_8125.arn
  }
  service_registries {
    registry_arn   = aws_service_discovery_service.sd_dns_stats.arn
    container_name = "stats"
    container_port = 8125
  }
  depends_on = [aws_lb_listener.nlb_dns_public_stats]
}

resource "aws_ecs_task_definition" "ecs_web_us_east_1" {
  family                   = "dns-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_dns_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_web_us_east_1.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "API_ADDR", value = "api.dns.local:9090" }, { name = "STATS_ADDR", value = "stats.dns.local:8125" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_dns_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_us_east_1" {
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_dns_us_east_1.id
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
    subnets          = [aws_subnet.subnet_dns_app_a.id, aws_subnet.subnet_dns_app_b.id, aws_subnet.subnet_dns_app_c.id]
    security_groups  = [aws_security_group.sg_dns_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_dns_web_8080.arn
  }
  service_registries {
    registry_arn   = aws_service_discovery_service.sd_dns_web.arn
    container_name = "web"
    container_port = 8080
  }
  depends_on = [aws_lb_listener.alb_dns_public_https]
}
