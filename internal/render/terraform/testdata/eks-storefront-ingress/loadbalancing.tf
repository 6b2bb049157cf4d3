# trivy:ignore:AVD-AWS-0132 Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
resource "aws_s3_bucket" "lb_logs_us_east_1" {
  # checkov:skip=CKV_AWS_145:Elastic Load Balancing writes access logs only to a bucket encrypted with S3-managed keys (SSE-S3); a KMS key is not supported
  bucket_prefix = "storefront-us-east-1-lb-logs-"
}

resource "aws_s3_bucket_versioning" "lb_logs_us_east_1" {
  bucket = aws_s3_bucket.lb_logs_us_east_1.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "lb_logs_us_east_1" {
  bucket                  = aws_s3_bucket.lb_logs_us_east_1.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "lb_logs_us_east_1" {
  bucket = aws_s3_bucket.lb_logs_us_east_1.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "logdelivery.elasticloadbalancing.amazonaws.com" }, Action = "s3:PutObject", Resource = "${aws_s3_bucket.lb_logs_us_east_1.arn}/*" }] })
}
