// Package layering holds no code: its tests enforce netwright's package
// layout. Data flows one way, spec -> plan -> design -> analysis | render |
// runtime, and a package never imports one to its right; every package has
// exactly one package doc comment.
package layering
