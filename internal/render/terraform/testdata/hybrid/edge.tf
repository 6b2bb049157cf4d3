# trivy:ignore:AVD-AWS-0011 the spec declares no AWS WAF rules and netwright designs none; the ALB behind admits only CloudFront with the origin header. Attach a web ACL (scope CLOUDFRONT, in us-east-1) by its ARN as WebACLId
resource "aws_cloudfront_distribution" "cf_orders" {
  # checkov:skip=CKV_AWS_68:the spec declares no AWS WAF rules and netwright designs none; the ALB behind admits only CloudFront with the origin header. Attach a web ACL (scope CLOUDFRONT, in us-east-1) by its ARN as WebACLId
  enabled      = true
  comment      = "orders (production): CloudFront in front of the public ALB"
  aliases      = ["shop.example.com"]
  http_version = "http2and3"
  price_class  = "PriceClass_All"
  origin {
    domain_name = aws_lb.alb_orders_public.dns_name
    origin_id   = "origin-us-east-1"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
    custom_header {
      name  = "X-Origin-Verify"
      value = var.origin_verify_secret
    }
  }
  default_cache_behavior {
    allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods           = ["GET", "HEAD"]
    target_origin_id         = "origin-us-east-1"
    viewer_protocol_policy   = "redirect-to-https"
    cache_policy_id          = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    origin_request_policy_id = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    compress                 = false
  }
  ordered_cache_behavior {
    path_pattern             = "/assets/*"
    allowed_methods          = ["GET", "HEAD", "OPTIONS"]
    cached_methods           = ["GET", "HEAD"]
    target_origin_id         = "origin-us-east-1"
    viewer_protocol_policy   = "redirect-to-https"
    cache_policy_id          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    origin_request_policy_id = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    compress                 = true
  }
  ordered_cache_behavior {
    path_pattern             = "/favicon.ico"
    allowed_methods          = ["GET", "HEAD", "OPTIONS"]
    cached_methods           = ["GET", "HEAD"]
    target_origin_id         = "origin-us-east-1"
    viewer_protocol_policy   = "redirect-to-https"
    cache_policy_id          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    origin_request_policy_id = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    compress                 = true
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
  tags = {
    Name = "cf-orders"
  }
}
