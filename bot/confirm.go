package bot

import (
	"context"
	"strconv"
	"strings"
)

// Some platforms confirm each message they accepted later, with a reference
// the sender gave it (WhatsApp's status webhooks, which carry the message's
// biz_opaque_callback_data). Where the Sender asks for it
// (Capabilities.Confirms) and the Store keeps it (ConfirmStore), the
// dispatcher records durably which reply is about to go before sending it,
// under a reference the Sender passes on (RefOf). A process killed between
// the platform taking a reply and the reply being marked sent then does not
// send it again: the next process waits for the platform's confirmation,
// and sends the reply only if none comes within Config.ConfirmWait.

// ConfirmStore is a Store that keeps the reply in flight.
type ConfirmStore interface {
	// MarkInFlight records, durably, that reply index of update updateID
	// is about to be sent: the replies before it are done.
	MarkInFlight(ctx context.Context, platform, updateID string, index int) error
	// InFlight returns the reply of updateID whose send was not confirmed
	// (-1 if none) and how many of its replies are done.
	InFlight(ctx context.Context, platform, updateID string) (index, done int, err error)
}

type refKey struct{}

// withRef returns ctx carrying the reference of a reply's send.
func withRef(ctx context.Context, ref string) context.Context {
	return context.WithValue(ctx, refKey{}, ref)
}

// RefOf is the reference under which the dispatcher sends a reply, for the
// Sender to give the platform, which confirms the message with it ("" when
// none).
func RefOf(ctx context.Context) string {
	s, _ := ctx.Value(refKey{}).(string)
	return s
}

// Ref is the reference of reply index of update updateID.
func Ref(updateID string, index int) string {
	return "r" + strconv.Itoa(index) + ":" + updateID
}

// ParseRef reads a reference made by Ref.
func ParseRef(ref string) (updateID string, index int, ok bool) {
	head, id, found := strings.Cut(ref, ":")
	if !found || len(head) < 2 || head[0] != 'r' || id == "" {
		return "", 0, false
	}
	n, err := strconv.Atoi(head[1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return id, n, true
}
