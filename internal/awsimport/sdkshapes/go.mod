module github.com/netwright/netwright/internal/awsimport/sdkshapes

go 1.26.8

require (
	github.com/aws/aws-sdk-go-v2/service/ec2 v1.340.0
	github.com/aws/aws-sdk-go-v2/service/ecs v1.102.1
	github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2 v1.63.3
	github.com/aws/aws-sdk-go-v2/service/servicediscovery v1.40.2
	golang.org/x/tools v0.51.0
)

require (
	github.com/aws/aws-sdk-go-v2 v1.47.4 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.7 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.7 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.21 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.6 // indirect
	github.com/aws/smithy-go v1.28.6 // indirect
)
