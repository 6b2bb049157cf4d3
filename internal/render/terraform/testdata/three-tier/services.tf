resource "aws_service_discovery_private_dns_namespace" "ns_webapp" {
  name = "webapp.local"
  vpc  = aws_vpc.vpc_webapp.id
}

resource "aws_iam_role" "role_app_us_east_1" {
  name_prefix        = "webapp-app-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role" "role_web_us_east_1" {
  name_prefix        = "webapp-web-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_ecs_cluster" "cluster_webapp_us_east_1" {
  name = "webapp"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  service_connect_defaults {
    namespace = aws_service_discovery_private_dns_namespace.ns_webapp.arn
  }
}

resource "aws_cloudwatch_log_group" "cluster_webapp_us_east_1" {
  name              = "/netwright/webapp/tasks"
  retention_in_days = 30
}

resource "aws_iam_role" "cluster_webapp_us_east_1_execution" {
  name_prefix        = "webapp-exec-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "cluster_webapp_us_east_1_execution" {
  role       = aws_iam_role.cluster_webapp_us_east_1_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "ecs_app_us_east_1" {
  family                   = "webapp-app"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_webapp_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_app_us_east_1.arn
  container_definitions    = jsonencode([{ name = "app", image = var.app_image, essential = true, portMappings = [{ name = "app", containerPort = 9000, protocol = "tcp", appProtocol = "http" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_webapp_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "app" } } }])
}

resource "aws_ecs_service" "ecs_app_us_east_1" {
  name                               = "app"
  cluster                            = aws_ecs_cluster.cluster_webapp_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_app_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
    security_groups  = [aws_security_group.sg_webapp_app.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "app"
    container_port   = 9000
    target_group_arn = aws_lb_target_group.tg_webapp_app_9000.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_webapp.arn
  }
  depends_on = [aws_lb_listener.alb_webapp_internal_9000]
}

resource "aws_ecs_task_definition" "ecs_web_us_east_1" {
  family                   = "webapp-web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.cluster_webapp_us_east_1_execution.arn
  task_role_arn            = aws_iam_role.role_web_us_east_1.arn
  container_definitions    = jsonencode([{ name = "web", image = var.web_image, essential = true, portMappings = [{ name = "web", containerPort = 8080, protocol = "tcp", appProtocol = "http" }], environment = [{ name = "APP_ADDR", value = "${aws_lb.alb_webapp_internal.dns_name}:9000" }], logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.cluster_webapp_us_east_1.name, "awslogs-region" = "us-east-1", "awslogs-stream-prefix" = "web" } } }])
}

resource "aws_ecs_service" "ecs_web_us_east_1" {
  name                               = "web"
  cluster                            = aws_ecs_cluster.cluster_webapp_us_east_1.id
  task_definition                    = aws_ecs_task_definition.ecs_web_us_east_1.arn
  desired_count                      = 3
  launch_type                        = "FARGATE"
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 100
  health_check_grace_period_seconds  = 60
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = [aws_subnet.subnet_webapp_app_a.id, aws_subnet.subnet_webapp_app_b.id, aws_subnet.subnet_webapp_app_c.id]
    security_groups  = [aws_security_group.sg_webapp_web.id]
    assign_public_ip = false
  }
  load_balancer {
    container_name   = "web"
    container_port   = 8080
    target_group_arn = aws_lb_target_group.tg_webapp_web_8080.arn
  }
  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_private_dns_namespace.ns_webapp.arn
  }
  depends_on = [aws_lb_listener.alb_webapp_public_https]
}
