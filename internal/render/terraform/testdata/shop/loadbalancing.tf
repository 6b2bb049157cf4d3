# trivy:ignore:AVD-AWS-0132 Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
resource "aws_s3_bucket" "lb_logs_eu_west_1" {
  # checkov:skip=CKV_AWS_145:Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
  bucket_prefix = "shop-eu-west-1-lb-logs-"
}

resource "aws_s3_bucket_versioning" "lb_logs_eu_west_1" {
  bucket = aws_s3_bucket.lb_logs_eu_west_1.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "lb_logs_eu_west_1" {
  bucket                  = aws_s3_bucket.lb_logs_eu_west_1.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "lb_logs_eu_west_1" {
  bucket = aws_s3_bucket.lb_logs_eu_west_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }, Action = "s3:PutObject", Resource = "${aws_s3_bucket.lb_logs_eu_west_1.arn}/*" }] })
}

resource "aws_lb_target_group" "tg_shop_mobile_api_50051" {
  name                          = "shop-mobile-api-50051"
  port                          = 50051
  protocol                      = "HTTP"
  protocol_version              = "GRPC"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.vpc_shop.id
  deregistration_delay          = 20
  load_balancing_algorithm_type = "round_robin"
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/AWS.ALB/healthcheck"
    matcher             = "12"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 5
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "tg_shop_storefront_3000" {
  name                          = "shop-storefront-3000"
  port                          = 3000
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.vpc_shop.id
  deregistration_delay          = 20
  load_balancing_algorithm_type = "least_outstanding_requests"
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/healthz"
    matcher             = "200"
    interval            = 10
    timeout             = 4
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_target_group" "tg_shop_tracking_8081" {
  name                          = "shop-tracking-8081"
  port                          = 8081
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.vpc_shop.id
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
  stickiness {
    enabled         = true
    type            = "lb_cookie"
    cookie_duration = 3600
  }
}

# trivy:ignore:AVD-AWS-0053 internet-facing on purpose: it serves the public services (mobile-api, storefront, tracking); its security group admits only its listeners' ports
resource "aws_lb" "alb_shop_public" {
  name                       = "shop-public"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.sg_alb_shop_public.id]
  enable_deletion_protection = true
  subnets                    = [aws_subnet.subnet_shop_public_a.id, aws_subnet.subnet_shop_public_b.id, aws_subnet.subnet_shop_public_c.id]
  idle_timeout               = 60
  drop_invalid_header_fields = true
  access_logs {
    bucket  = aws_s3_bucket.lb_logs_eu_west_1.id
    prefix  = "shop"
    enabled = true
  }
  depends_on = [aws_s3_bucket_policy.lb_logs_eu_west_1, aws_internet_gateway.igw_shop]
}

resource "aws_lb_listener" "alb_shop_public_https" {
  load_balancer_arn = aws_lb.alb_shop_public.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_shop_storefront_3000.arn
        weight = 1
      }
    }
  }
}

resource "aws_lb_listener_rule" "alb_shop_public_rule_1" {
  listener_arn = aws_lb_listener.alb_shop_public_https.arn
  priority     = 10
  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_shop_tracking_8081.arn
        weight = 1
      }
    }
  }
  condition {
    host_header {
      values = ["track.shop.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "alb_shop_public_rule_0" {
  listener_arn = aws_lb_listener.alb_shop_public_https.arn
  priority     = 20
  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.tg_shop_mobile_api_50051.arn
        weight = 1
      }
    }
  }
  condition {
    path_pattern {
      values = ["/shop.mobile.v1.MobileAPI/*"]
    }
  }
}

resource "aws_lb_listener" "alb_shop_public_http" {
  load_balancer_arn = aws_lb.alb_shop_public.arn
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
