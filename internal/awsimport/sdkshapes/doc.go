// Package sdkshapes checks that the AWS CLI answers netwright's import
// fixtures hold are shaped as AWS answers: each file decodes, strictly,
// into the output type the AWS SDK for Go v2 has for its call. It is a
// module of its own, for tests only, so the SDK's service modules (and the
// newer core they need) stay out of netwright's go.mod; scripts/test.sh
// runs it.
package sdkshapes
