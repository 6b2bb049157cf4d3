package spec

import _ "embed"

//go:embed spec-v1.schema.json
var schemaJSON []byte

// Schema returns the JSON Schema (draft 2020-12) of the version 1 spec. It
// checks shapes and ranges for editors; Parse checks everything else.
func Schema() []byte { return schemaJSON }
