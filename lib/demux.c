/*
 * demux.c - first-byte protocol classification for the shared UDP port.
 */
#include "chorus/demux.h"

/*
 * RFC 7983 §7 ranges, with 4-15 taken for Chorus and ChannelData widened
 * to RFC 5766's channel range (doc/PROTOCOL.md).
 */
enum demux_kind
demux_classify(const uint8_t *p, size_t len)
{
	if (len == 0)
		return DEMUX_UNKNOWN;
	if (p[0] <= 3)
		return DEMUX_STUN;
	if (p[0] <= 15)
		return DEMUX_CHORUS;
	if (p[0] >= 64 && p[0] <= 127)	/* channels 0x4000-0x7FFF */
		return DEMUX_CHANNELDATA;
	return DEMUX_UNKNOWN;
}

/* The label used in metrics and logs. */
const char *
demux_kind_name(enum demux_kind k)
{
	switch (k) {
	case DEMUX_STUN:
		return "stun";
	case DEMUX_CHANNELDATA:
		return "channeldata";
	case DEMUX_CHORUS:
		return "chorus";
	default:
		return "unknown";
	}
}
