# trivy:ignore:AVD-AWS-0132 Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
resource "aws_s3_bucket" "lb_logs_us_west_2" {
  # checkov:skip=CKV_AWS_145:Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
  bucket_prefix = "portal-us-west-2-lb-logs-"
}

resource "aws_s3_bucket_versioning" "lb_logs_us_west_2" {
  bucket = aws_s3_bucket.lb_logs_us_west_2.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "lb_logs_us_west_2" {
  bucket                  = aws_s3_bucket.lb_logs_us_west_2.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "lb_logs_us_west_2" {
  bucket = aws_s3_bucket.lb_logs_us_west_2.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }, Action = "s3:PutObject", Resource = "${aws_s3_bucket.lb_logs_us_west_2.arn}/*" }] })
}

resource "aws_lb_target_group" "tg_portal_hub_firewall_6081" {
  name        = "portal-hub-firewall-6081"
  port        = 6081
  protocol    = "GENEVE"
  target_type = "ip"
  vpc_id      = aws_vpc.vpc_portal_hub.id
  health_check {
    enabled             = true
    protocol            = "TCP"
    port                = "80"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 5
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "tg_portal_portal_8080" {
  name                          = "portal-portal-8080"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.vpc_portal.id
  deregistration_delay          = 300
  load_balancing_algorithm_type = "round_robin"
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/"
    matcher             = "200"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 5
    unhealthy_threshold = 2
  }
}

# trivy:ignore:AVD-AWS-0053 internet-facing on purpose: it serves the public services (portal); its security group admits only its listeners' ports
resource "aws_lb" "alb_portal_public" {
  name                       = "portal-public"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.sg_alb_portal_public.id]
  enable_deletion_protection = true
  subnets                    = [aws_subnet.subnet_portal_public_a.id, aws_subnet.subnet_portal_public_b.id]
  idle_timeout               = 60
  drop_invalid_header_fields = true
  access_logs {
    bucket  = aws_s3_bucket.lb_logs_us_west_2.id
    prefix  = "portal"
    enabled = true
  }
  depends_on = [aws_s3_bucket_policy.lb_logs_us_west_2, aws_internet_gateway.igw_portal]
}

resource "aws_lb_listener" "alb_portal_public_https" {
  load_balancer_arn = aws_lb.alb_portal_public.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_portal_portal_8080.arn
        weight = 1
      }
    }
  }
}

resource "aws_lb_listener" "alb_portal_public_http" {
  load_balancer_arn = aws_lb.alb_portal_public.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb" "gwlb_portal_hub" {
  name                             = "portal-hub-gwlb"
  load_balancer_type               = "gateway"
  subnets                          = [aws_subnet.subnet_portal_hub_inspection_a.id, aws_subnet.subnet_portal_hub_inspection_b.id]
  enable_cross_zone_load_balancing = false
}

resource "aws_lb_listener" "gwlb_portal_hub_geneve" {
  load_balancer_arn = aws_lb.gwlb_portal_hub.arn
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_portal_hub_firewall_6081.arn
        weight = 1
      }
    }
  }
}

resource "aws_vpc_endpoint_service" "gwlb_portal_hub" {
  acceptance_required        = false
  gateway_load_balancer_arns = [aws_lb.gwlb_portal_hub.arn]
}

resource "aws_vpc_endpoint" "gwlbe_portal_hub_a" {
  vpc_id            = aws_vpc.vpc_portal_hub.id
  vpc_endpoint_type = "GatewayLoadBalancer"
  service_name      = aws_vpc_endpoint_service.gwlb_portal_hub.service_name
  subnet_ids        = [aws_subnet.subnet_portal_hub_firewall_a.id]
}

resource "aws_vpc_endpoint" "gwlbe_portal_hub_b" {
  vpc_id            = aws_vpc.vpc_portal_hub.id
  vpc_endpoint_type = "GatewayLoadBalancer"
  service_name      = aws_vpc_endpoint_service.gwlb_portal_hub.service_name
  subnet_ids        = [aws_subnet.subnet_portal_hub_firewall_b.id]
}

resource "aws_vpc_endpoint" "gwlbe_portal_a" {
  vpc_id            = aws_vpc.vpc_portal.id
  vpc_endpoint_type = "GatewayLoadBalancer"
  service_name      = aws_vpc_endpoint_service.gwlb_portal_hub.service_name
  subnet_ids        = [aws_subnet.subnet_portal_firewall_a.id]
}

resource "aws_vpc_endpoint" "gwlbe_portal_b" {
  vpc_id            = aws_vpc.vpc_portal.id
  vpc_endpoint_type = "GatewayLoadBalancer"
  service_name      = aws_vpc_endpoint_service.gwlb_portal_hub.service_name
  subnet_ids        = [aws_subnet.subnet_portal_firewall_b.id]
}
