package design

import (
	"slices"
	"testing"
)

func TestListenerActions(t *testing.T) {
	l := Listener{DefaultAction: Action{Type: ActionFixed, StatusCode: 404},
		Rules: []ListenerRule{{Priority: 1, Action: Action{Type: ActionRedirect}}, {Priority: 2, Action: Action{Type: ActionForward}}}}
	var got []string
	for _, a := range l.Actions() {
		got = append(got, a.Type)
	}
	if want := []string{ActionFixed, ActionRedirect, ActionForward}; !slices.Equal(got, want) {
		t.Errorf("Actions() = %v; want the default action, then each rule's in order: %v", got, want)
	}
}
